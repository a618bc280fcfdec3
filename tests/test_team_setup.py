"""Creating a team (from the reference, a copy, or blank), its settings and deletion."""

import pytest
from django.urls import reverse

from raci.catalogue import CATALOGUE, CATALOGUE_BY_KEY
from raci.models import Assignment, Person, RoleHolder, Team
from raci.vocabulary import CanonicalRole, Severity, letters_to_text
from tests.builders import make_activity, make_person, make_team

PM = CanonicalRole.PRODUCT_MANAGER
PO = CanonicalRole.PRODUCT_OWNER
SM = CanonicalRole.SCRUM_MASTER
DEV = CanonicalRole.DEVELOPERS
SCRUM_MASTER_OWNED = {"scrum-facilitation", "po-coaching", "stakeholder-scrum-coaching"}


def create_url(organization):
    return reverse("raci:team_create", args=[organization.slug])


def _create(client, organization, **fields):
    data = {"name": "Payments", "uses_scrum": "on", "stage": "established"}
    data |= {"start_from": "reference"} | fields
    return client.post(create_url(organization), {k: v for k, v in data.items() if v is not None})


def _cells(team):
    """{(activity name, role kind or name): letters} of a team."""
    return {
        (cell.activity.name, cell.role.canonical or cell.role.name): cell.letters
        for cell in Assignment.objects.filter(activity__team=team).select_related(
            "activity", "role"
        )
    }


def _columns(team):
    return [column.role.canonical for column in team.team_roles.select_related("role")]


def test_create_page(editor_client, organization):
    response = editor_client.get(create_url(organization))
    assert response.status_code == 200
    assert "The documented reference" in response.text
    assert "Team to copy" in response.text


def test_scrum_team_from_reference_has_the_catalogue(editor_client, organization):
    response = _create(editor_client, organization)

    team = Team.objects.get(organization=organization, name="Payments")
    assert response.status_code == 302
    assert response.url == reverse("raci:matrix", args=[organization.slug, team.slug])
    assert _columns(team) == [PM, PO, SM, DEV]
    activities = list(team.activities.all())
    assert [a.catalogue_key for a in activities] == [entry.key for entry in CATALOGUE]
    assert all(a.category == CATALOGUE_BY_KEY[a.catalogue_key].category for a in activities)
    expected = {
        (entry.name, kind.value): letters_to_text(letters)
        for entry in CATALOGUE
        for kind, letters in entry.letters.items()
        if letters
    }
    assert _cells(team) == expected


def test_reference_team_has_no_matrix_errors(editor_client, organization):
    _create(editor_client, organization)
    team = Team.objects.get(name="Payments")
    errors = [f for f in team.analyse() if f.severity == Severity.ERROR]
    assert errors == []


def test_non_scrum_team_from_reference_has_no_scrum_roles(editor_client, organization):
    _create(editor_client, organization, uses_scrum=None)

    team = Team.objects.get(name="Payments")
    assert team.uses_scrum is False
    assert _columns(team) == [PM, DEV]
    keys = set(team.activities.values_list("catalogue_key", flat=True))
    assert not keys & SCRUM_MASTER_OWNED
    assert "vision-to-backlog" in keys
    cells = _cells(team)
    # The Product Owner's documented A and R fall to the Product Manager.
    assert CATALOGUE_BY_KEY["vision-to-backlog"].letters[PO] == frozenset("AR")
    assert cells[("Vision into backlog", PM)] == "AR"
    assert cells[("Daily task breakdown", PM)] == "AR"
    assert cells[("Product vision", PM)] == "AR"
    assert {kind for _name, kind in cells} == {PM, DEV}
    # The engine agrees: nothing about Scrum roles, and no errors.
    findings = team.analyse()
    assert not [f for f in findings if f.rule == "scrum-role-without-scrum"]
    assert not [f for f in findings if f.severity == Severity.ERROR]


def test_blank_team_has_the_columns_and_no_activities(editor_client, organization):
    _create(editor_client, organization, start_from="blank", uses_scrum=None)
    team = Team.objects.get(name="Payments")
    assert _columns(team) == [PM, DEV]
    assert not team.activities.exists()


def test_copy_copies_columns_activities_cells_and_thresholds(editor_client, organization):
    source = make_team(organization, "Checkout", kinds=[PM, DEV], max_consulted=2)
    make_activity(source, "Pricing", category="strategy", letters={PM: "AR", DEV: "C"})
    make_activity(source, "Refunds", letters={DEV: "AR"})
    make_person(organization, "Pat", team=source, roles=[PM])

    _create(editor_client, organization, start_from="copy", source_team=source.pk)

    team = Team.objects.get(name="Payments")
    assert _columns(team) == [PM, DEV]
    assert list(team.activities.values_list("name", "category")) == [
        ("Pricing", "strategy"),
        ("Refunds", ""),
    ]
    assert _cells(team) == {("Pricing", PM): "AR", ("Pricing", DEV): "C", ("Refunds", DEV): "AR"}
    assert team.max_consulted == 2
    # People are not copied; the source team is unchanged.
    assert not RoleHolder.objects.filter(team=team).exists()
    assert RoleHolder.objects.filter(team=source).count() == 1
    assert source.activities.count() == 2


def test_copy_needs_a_team_to_copy(editor_client, organization):
    response = _create(editor_client, organization, start_from="copy")
    assert response.status_code == 200
    assert "Choose the team to copy." in response.text
    assert not Team.objects.filter(name="Payments").exists()


def test_copy_of_another_organizations_team_is_refused(editor_client, organization, outsider):
    foreign = make_team(outsider.memberships.get().organization, "Secret")
    response = _create(editor_client, organization, start_from="copy", source_team=foreign.pk)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Team.objects.filter(name="Payments").exists()


def test_team_name_must_be_unique_in_the_organization(editor_client, organization):
    make_team(organization, "Payments")
    response = _create(editor_client, organization, name="PAYMENTS")
    assert response.status_code == 200
    assert "already has a team with that name" in response.text


def test_similar_names_get_distinct_slugs(editor_client, organization):
    _create(editor_client, organization, name="Web team")
    _create(editor_client, organization, name="Web-team")
    assert sorted(organization.teams.values_list("slug", flat=True)) == [
        "web-team",
        "web-team-2",
    ]


def test_viewer_cannot_create_a_team(viewer_client, organization):
    assert viewer_client.get(create_url(organization)).status_code == 403
    assert _create(viewer_client, organization).status_code == 403
    assert not Team.objects.exists()


# Settings


@pytest.fixture
def team(organization):
    return make_team(organization, "Checkout")


def settings_url(team):
    return reverse("raci:team_settings", args=[team.organization.slug, team.slug])


def test_settings_page(editor_client, team):
    response = editor_client.get(settings_url(team))
    assert response.status_code == 200
    assert "Settings of Checkout" in response.text
    assert "max_responsible" in response.text


def test_settings_save(editor_client, team):
    data = {
        "name": "Checkout and Billing",
        "stage": "startup",
        "max_responsible": 2,
        "max_consulted": 5,
        "based_on": team.settings_version,
    }
    response = editor_client.post(settings_url(team), data, follow=True)
    assert "Saved the settings of Checkout and Billing." in response.text
    team.refresh_from_db()
    assert (team.name, team.uses_scrum, team.stage) == ("Checkout and Billing", False, "startup")
    assert (team.max_responsible, team.max_consulted) == (2, 5)
    # The address does not change with the name.
    assert team.slug == "checkout"


def test_settings_refuse_a_zero_threshold(editor_client, team):
    data = {"name": "Checkout", "stage": "startup", "max_responsible": 0, "max_consulted": 5}
    response = editor_client.post(settings_url(team), data)
    assert response.status_code == 200
    assert "greater than or equal to 1" in response.text
    team.refresh_from_db()
    assert team.max_responsible != 0


def test_settings_refuse_another_teams_name(editor_client, team, organization):
    make_team(organization, "Search")
    data = {"name": "search", "stage": "startup", "max_responsible": 3, "max_consulted": 4}
    response = editor_client.post(settings_url(team), data)
    assert "already has a team with that name" in response.text
    assert "Settings of Checkout" in response.text


def test_viewer_cannot_change_settings(viewer_client, team):
    assert viewer_client.get(settings_url(team)).status_code == 403
    data = {"name": "Hacked", "stage": "startup", "max_responsible": 3, "max_consulted": 4}
    assert viewer_client.post(settings_url(team), data).status_code == 403
    team.refresh_from_db()
    assert team.name == "Checkout"


# Deletion


def delete_url(team):
    return reverse("raci:team_delete", args=[team.organization.slug, team.slug])


def test_delete_asks_for_confirmation(editor_client, team):
    make_activity(team, "Pricing", letters={PM: "AR"})
    response = editor_client.get(delete_url(team))
    assert response.status_code == 200
    assert "Delete Checkout?" in response.text
    assert "1 activity" in response.text
    assert Team.objects.filter(pk=team.pk).exists()


def test_delete_for_good_removes_only_the_teams_data(owner_client, team, organization):
    other = make_team(organization, "Search")
    make_activity(other, "Ranking", letters={DEV: "AR"})
    make_activity(team, "Pricing", letters={PM: "AR"})
    pat = make_person(organization, "Pat", team=team, roles=[PM])

    owner_client.post(delete_url(team))
    trash_url = reverse("raci:trash_delete", args=[organization.slug, team.pk])
    response = owner_client.post(trash_url, follow=True)

    assert "Deleted Checkout for good." in response.text
    assert not Team.with_trashed.filter(pk=team.pk).exists()
    assert not RoleHolder.objects.filter(person=pat).exists()
    assert Person.objects.filter(pk=pat.pk).exists()
    assert organization.roles.count() == 4
    assert other.activities.count() == 1
    assert Assignment.objects.filter(activity__team=other).count() == 1


def test_viewer_cannot_delete_a_team(viewer_client, team):
    assert viewer_client.get(delete_url(team)).status_code == 403
    assert viewer_client.post(delete_url(team)).status_code == 403
    assert Team.objects.filter(pk=team.pk).exists()
