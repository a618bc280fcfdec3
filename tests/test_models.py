"""Integrity the database itself enforces, whatever form or script writes."""

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from raci.models import Assignment, Membership, Organization, Role, Team
from raci.vocabulary import CanonicalRole
from tests.builders import canonical_role, make_activity, make_organization, make_team, make_user

pytestmark = pytest.mark.django_db


def test_new_organization_gets_the_four_canonical_roles():
    organization = Organization.objects.create(name="Fresh", slug="fresh")

    kinds = sorted(organization.roles.values_list("canonical", flat=True))

    assert kinds == sorted(kind.value for kind in CanonicalRole)
    assert organization.roles.get(canonical="po").name == "Product Owner"


def test_ensuring_canonical_roles_twice_adds_nothing():
    organization = make_organization()
    organization.ensure_canonical_roles()

    assert organization.roles.count() == 4


def test_database_rejects_a_second_row_for_the_same_cell():
    organization = make_organization()
    team = make_team(organization)
    activity = make_activity(team, letters={CanonicalRole.PRODUCT_OWNER: "A"})

    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            activity=activity,
            role=canonical_role(organization, CanonicalRole.PRODUCT_OWNER),
            letters="R",
        )


@pytest.mark.parametrize("letters", ["X", "RA", "AA", "S", "a", "ARCIX"])
def test_database_rejects_letters_outside_raci_or_out_of_order(letters):
    organization = make_organization()
    activity = make_activity(make_team(organization))

    # PostgreSQL refuses the over-long value as a DataError before the check runs.
    with pytest.raises(DatabaseError), transaction.atomic():
        Assignment.objects.create(
            activity=activity,
            role=canonical_role(organization, CanonicalRole.PRODUCT_MANAGER),
            letters=letters,
        )


def test_database_accepts_every_canonical_spelling_including_empty():
    organization = make_organization()
    team = make_team(organization)
    role = canonical_role(organization, CanonicalRole.DEVELOPERS)
    for index, letters in enumerate(["", "A", "AR", "ARCI", "CI", "I"]):
        activity = make_activity(team, f"Activity {index}")
        Assignment.objects.create(activity=activity, role=role, letters=letters)

    assert Assignment.objects.filter(activity__team=team).count() == 6


def test_team_names_are_unique_per_organization_whatever_the_case():
    organization = make_organization()
    make_team(organization, "Checkout")

    with pytest.raises(IntegrityError), transaction.atomic():
        Team.objects.create(organization=organization, name="checkout", slug="checkout-2")

    # Another organization may use the same name.
    make_team(make_organization(), "Checkout")


def test_activity_names_are_unique_per_team_whatever_the_case():
    team = make_team(make_organization())
    make_activity(team, "Write user stories")

    with pytest.raises(IntegrityError), transaction.atomic():
        make_activity(team, "WRITE USER STORIES")


def test_a_canonical_role_cannot_also_act_as_another():
    organization = make_organization()
    role = canonical_role(organization, CanonicalRole.SCRUM_MASTER)
    role.acts_as = CanonicalRole.PRODUCT_OWNER.value

    with pytest.raises(IntegrityError), transaction.atomic():
        role.save()


def test_an_organization_has_one_role_per_canonical_kind():
    organization = make_organization()

    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(organization=organization, name="Second PO", canonical="po")


def test_a_user_has_one_membership_per_organization():
    organization = make_organization()
    user = make_user(organization=organization)

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(organization=organization, user=user, level="viewer")


def test_deleting_a_team_removes_its_cells_but_not_the_organizations_roles():
    organization = make_organization()
    team = make_team(organization)
    make_activity(team, letters={CanonicalRole.PRODUCT_OWNER: "AR"})

    team.delete()

    assert Assignment.objects.count() == 0
    assert organization.roles.count() == 4


def test_compare_and_set_refuses_a_write_based_on_an_old_version():
    organization = make_organization()
    activity = make_activity(make_team(organization))
    role = canonical_role(organization, CanonicalRole.PRODUCT_OWNER)

    assert Assignment.objects.compare_and_set(
        activity_id=activity.pk, role_id=role.pk, letters={"A"}, version=0
    )
    assert Assignment.objects.compare_and_set(
        activity_id=activity.pk, role_id=role.pk, letters={"A", "R"}, version=1
    )
    # A colleague's page still shows version 1: refused, nothing changes.
    assert not Assignment.objects.compare_and_set(
        activity_id=activity.pk, role_id=role.pk, letters={"I"}, version=1
    )
    # And a second "first write" to a cell that now exists is refused too.
    assert not Assignment.objects.compare_and_set(
        activity_id=activity.pk, role_id=role.pk, letters={"C"}, version=0
    )

    cell = Assignment.objects.get(activity=activity, role=role)
    assert (cell.letters, cell.version) == ("AR", 2)
