"""People of a team with the roles they hold, and the organization's roles."""

import pytest
from django.urls import reverse

from raci.models import Assignment, Person, Role, RoleHolder, TeamRole
from raci.vocabulary import CanonicalRole
from tests.builders import canonical_role, make_activity, make_person, make_team

PM = CanonicalRole.PRODUCT_MANAGER
PO = CanonicalRole.PRODUCT_OWNER
DEV = CanonicalRole.DEVELOPERS


@pytest.fixture
def team(organization):
    return make_team(organization, "Checkout", kinds=[PM, PO, DEV])


def people_url(team):
    return reverse("raci:team_people", args=[team.organization.slug, team.slug])


def update_url(team, person):
    return reverse("raci:person_update", args=[team.organization.slug, team.slug, person.pk])


def remove_url(team, person):
    return reverse("raci:person_remove", args=[team.organization.slug, team.slug, person.pk])


def held(team, person):
    return set(
        RoleHolder.objects.filter(team=team, person=person).values_list("role__name", flat=True)
    )


def test_people_page_lists_people_with_their_roles(viewer_client, team, organization):
    make_person(organization, "Pat Lee", team=team, roles=[PM, PO], title="Head of Product")
    response = viewer_client.get(people_url(team))
    assert response.status_code == 200
    assert "Pat Lee" in response.text
    assert "Head of Product" in response.text
    assert "Product Manager, Product Owner" in response.text
    # A viewer gets no forms.
    assert "Add a new person" not in response.text


def test_add_a_new_person_with_roles(editor_client, team, organization):
    data = {
        "add": "new",
        "new-name": "Sam Roe",
        "new-email": "sam@example.com",
        "new-title": "Engineer",
        "new-roles": [canonical_role(organization, DEV).pk],
    }
    response = editor_client.post(people_url(team), data, follow=True)
    assert "Added Sam Roe to Checkout." in response.text
    sam = Person.objects.get(organization=organization, name="Sam Roe")
    assert held(team, sam) == {"Developers"}


def test_a_new_person_needs_a_name_and_a_role(editor_client, team):
    response = editor_client.post(people_url(team), {"add": "new", "new-name": ""})
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert "Pick at least one role" in response.text
    assert not Person.objects.exists()


def test_a_new_persons_email_must_be_new_in_the_organization(editor_client, team, organization):
    make_person(organization, "Pat", email="pat@example.com")
    data = {
        "add": "new",
        "new-name": "Pat Again",
        "new-email": "PAT@example.com",
        "new-roles": [canonical_role(organization, DEV).pk],
    }
    response = editor_client.post(people_url(team), data)
    assert response.status_code == 200
    assert "already has this email" in response.text
    assert Person.objects.count() == 1


def test_add_an_existing_person_of_the_organization(editor_client, team, organization):
    other = make_team(organization, "Search")
    pat = make_person(organization, "Pat", team=other, roles=[PM])
    page = editor_client.get(people_url(team))
    assert "Add someone from Acme Product" in page.text

    data = {
        "add": "existing",
        "existing-person": pat.pk,
        "existing-roles": [canonical_role(organization, PO).pk],
    }
    response = editor_client.post(people_url(team), data, follow=True)
    assert "Added Pat to Checkout." in response.text
    assert held(team, pat) == {"Product Owner"}
    assert held(other, pat) == {"Product Manager"}


def test_another_organizations_person_cannot_be_added(editor_client, team, outsider):
    stranger = make_person(outsider.memberships.get().organization, "Stranger")
    data = {
        "add": "existing",
        "existing-person": stranger.pk,
        "existing-roles": [canonical_role(team.organization, PO).pk],
    }
    response = editor_client.post(people_url(team), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not RoleHolder.objects.exists()


def test_a_role_that_is_not_a_column_cannot_be_picked(editor_client, team, organization):
    scrum_master = canonical_role(organization, CanonicalRole.SCRUM_MASTER)
    data = {"add": "new", "new-name": "Sam", "new-roles": [scrum_master.pk]}
    response = editor_client.post(people_url(team), data)
    assert "Select a valid choice" in response.text
    assert not Person.objects.exists()


def test_add_without_saying_which_form_is_a_clear_error(editor_client, team):
    response = editor_client.post(people_url(team), {"name": "Sam"})
    assert response.status_code == 200
    assert "Choose whether to add a new or an existing person." in response.text


def test_viewer_cannot_add_people(viewer_client, team, organization):
    data = {"add": "new", "new-name": "Sam", "new-roles": [canonical_role(organization, PM).pk]}
    assert viewer_client.post(people_url(team), data).status_code == 403
    assert not Person.objects.exists()


def test_update_page_shows_details_and_roles(editor_client, team, organization):
    pat = make_person(organization, "Pat", team=team, roles=[PM])
    response = editor_client.get(update_url(team, pat))
    assert response.status_code == 200
    assert 'value="Pat"' in response.text
    assert "Roles in this team" in response.text
    pm_pk = canonical_role(organization, PM).pk
    assert f'value="{pm_pk}"' in response.text


def test_update_changes_details_and_roles(editor_client, team, organization):
    pat = make_person(organization, "Pat", team=team, roles=[PM])
    data = {
        "name": "Pat Lee",
        "email": "pat@example.com",
        "title": "Product lead",
        "roles": [canonical_role(organization, PO).pk, canonical_role(organization, DEV).pk],
        "based_on": pat.version,
    }
    response = editor_client.post(update_url(team, pat), data, follow=True)
    assert "Saved Pat Lee." in response.text
    pat.refresh_from_db()
    assert (pat.name, pat.email, pat.title) == ("Pat Lee", "pat@example.com", "Product lead")
    assert held(team, pat) == {"Product Owner", "Developers"}


def test_update_keeps_a_held_role_whose_column_was_removed(editor_client, team, organization):
    scrum_master = canonical_role(organization, CanonicalRole.SCRUM_MASTER)
    pat = make_person(organization, "Pat", team=team, roles=[PM, scrum_master])
    page = editor_client.get(update_url(team, pat))
    assert "Scrum Master" in page.text
    data = {"name": "Pat", "roles": [canonical_role(organization, PM).pk, scrum_master.pk]}
    editor_client.post(update_url(team, pat), data)
    assert held(team, pat) == {"Product Manager", "Scrum Master"}


def test_update_needs_a_role(editor_client, team, organization):
    pat = make_person(organization, "Pat", team=team, roles=[PM])
    response = editor_client.post(update_url(team, pat), {"name": "Pat"})
    assert response.status_code == 200
    assert "Pick at least one role" in response.text
    assert held(team, pat) == {"Product Manager"}


def test_person_outside_the_team_is_not_found(editor_client, team, organization):
    elsewhere = make_person(organization, "Pat", team=make_team(organization, "Search"), roles=[PM])
    assert editor_client.get(update_url(team, elsewhere)).status_code == 404
    assert editor_client.post(remove_url(team, elsewhere)).status_code == 404


def test_viewer_cannot_edit_or_remove_people(viewer_client, team, organization):
    pat = make_person(organization, "Pat", team=team, roles=[PM])
    assert viewer_client.get(update_url(team, pat)).status_code == 403
    assert viewer_client.post(update_url(team, pat), {"name": "X"}).status_code == 403
    assert viewer_client.post(remove_url(team, pat)).status_code == 403
    assert held(team, pat) == {"Product Manager"}


def test_remove_takes_the_person_off_this_team_only(editor_client, team, organization):
    other = make_team(organization, "Search")
    pat = make_person(organization, "Pat", team=team, roles=[PM, PO])
    RoleHolder.objects.create(team=other, person=pat, role=canonical_role(organization, DEV))

    response = editor_client.post(remove_url(team, pat), follow=True)

    assert "Removed Pat from Checkout." in response.text
    assert held(team, pat) == set()
    assert held(other, pat) == {"Developers"}
    assert Person.objects.filter(pk=pat.pk).exists()


def test_remove_only_accepts_post(editor_client, team, organization):
    pat = make_person(organization, "Pat", team=team, roles=[PM])
    assert editor_client.get(remove_url(team, pat)).status_code == 405


# Roles of the organization


def roles_url(organization):
    return reverse("raci:roles", args=[organization.slug])


def role_delete_url(role):
    return reverse("raci:role_delete", args=[role.organization.slug, role.pk])


def test_roles_page_lists_documented_and_custom_roles(viewer_client, organization):
    Role.objects.create(organization=organization, name="Business Analyst", acts_as="po")
    response = viewer_client.get(roles_url(organization))
    assert response.status_code == 200
    for name in ("Product Manager", "Product Owner", "Scrum Master", "Developers"):
        assert name in response.text
    assert "Business Analyst" in response.text
    assert "Add a custom role" not in response.text


def test_add_a_custom_role_acting_as_a_documented_one(editor_client, organization):
    data = {"name": "Business Analyst", "acts_as": "po"}
    response = editor_client.post(roles_url(organization), data, follow=True)
    assert "Added the role Business Analyst." in response.text
    role = organization.roles.get(name="Business Analyst")
    assert role.kind == CanonicalRole.PRODUCT_OWNER
    assert not role.is_canonical


def test_add_a_plain_custom_role(editor_client, organization):
    editor_client.post(roles_url(organization), {"name": "Designer", "acts_as": ""})
    assert organization.roles.get(name="Designer").kind is None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("PO", "In matrix files “PO” means the Product Owner"),
        ("dev", "In matrix files “dev” means the Developers"),
        ("Category", "“Category” is a column of every matrix file"),
        ("activity", "“activity” is a column of every matrix file"),
    ],
)
def test_a_custom_role_cannot_take_a_name_matrix_files_reserve(
    editor_client, organization, name, message
):
    response = editor_client.post(roles_url(organization), {"name": name, "acts_as": ""})

    assert message in response.text
    assert organization.roles.count() == 4


def test_role_names_are_unique_in_the_organization(editor_client, organization):
    response = editor_client.post(roles_url(organization), {"name": "scrum master"})
    assert response.status_code == 200
    assert "already has a role with that name" in response.text


def test_viewer_cannot_add_roles(viewer_client, organization):
    response = viewer_client.post(roles_url(organization), {"name": "Designer"})
    assert response.status_code == 403
    assert not organization.roles.filter(name="Designer").exists()


def test_delete_custom_role_says_what_it_removes(editor_client, organization, team):
    analyst = Role.objects.create(organization=organization, name="Business Analyst")
    TeamRole.objects.create(team=team, role=analyst, position=9)
    make_activity(team, "Stories", letters={analyst: "R", PM: "A"})
    make_activity(team, "Grooming", letters={analyst: "C"})
    make_person(organization, "Bea", team=team, roles=[analyst])

    page = editor_client.get(role_delete_url(analyst))
    assert page.status_code == 200
    assert "Delete the role Business Analyst?" in page.text
    assert "2 cells" in page.text
    assert "Checkout" in page.text

    response = editor_client.post(role_delete_url(analyst), follow=True)
    assert "the 2 cells that held its letters" in response.text
    assert not Role.objects.filter(pk=analyst.pk).exists()
    assert list(Assignment.objects.values_list("letters", flat=True)) == ["A"]
    assert Person.objects.filter(name="Bea").exists()


def test_documented_roles_cannot_be_deleted(editor_client, organization):
    developers = canonical_role(organization, DEV)
    response = editor_client.post(role_delete_url(developers), follow=True)
    assert "Developers is a documented role: every organization keeps it." in response.text
    assert Role.objects.filter(pk=developers.pk).exists()


def test_viewer_cannot_delete_roles(viewer_client, organization):
    role = Role.objects.create(organization=organization, name="Designer")
    assert viewer_client.get(role_delete_url(role)).status_code == 403
    assert viewer_client.post(role_delete_url(role)).status_code == 403
    assert Role.objects.filter(pk=role.pk).exists()
