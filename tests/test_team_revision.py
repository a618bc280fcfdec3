"""Every write that changes what a team's matrix shows moves the team's
revision on, and the organization page's findings counts, kept per
revision, are never stale and never recomputed for a team that did not
change."""

from unittest import mock

import pytest
from django.db import transaction
from django.urls import reverse

from raci import rules
from raci.models import (
    FindingTotals,
    Role,
    RoleHolder,
    Team,
    TeamSnapshot,
    finding_totals,
    keep_finding_totals,
)
from raci.vocabulary import Severity
from tests.builders import (
    DEV,
    HTMX,
    PM,
    PO,
    SM,
    canonical_role,
    make_activity,
    make_person,
    make_team,
    make_user,
)


@pytest.fixture
def team(organization):
    team = make_team(organization, "Checkout")
    make_activity(team, "Order the backlog", category="backlog", letters={PO: "AR", DEV: "C"})
    make_activity(team, "Refine the backlog", category="backlog", letters={PO: "A", DEV: "R"})
    return team


def revision(team) -> int:
    return Team.objects.get(pk=team.pk).revision


def url(name, team, *args):
    return reverse(f"raci:{name}", args=[team.organization.slug, team.slug, *args])


def first(team):
    return team.activities.get(name="Order the backlog")


WRITES = {
    "cell edit": lambda team: (
        url("cell", team, first(team).pk, canonical_role(team.organization, SM).pk),
        {"letters": ["I"], "version": 0},
    ),
    "add an activity": lambda team: (url("activity_add", team), {"name": "Demo", "category": ""}),
    "rename an activity": lambda team: (
        url("activity_update", team, first(team).pk),
        {"name": "Order it", "category": "backlog", "description": "", "based_on": 1},
    ),
    "move an activity": lambda team: (
        url("activity_move", team, first(team).pk),
        {"direction": "down"},
    ),
    "delete an activity": lambda team: (url("activity_delete", team, first(team).pk), {}),
    "remove a column": lambda team: (
        url("column_remove", team, canonical_role(team.organization, SM).pk),
        {},
    ),
    "team settings": lambda team: (
        url("team_settings", team),
        {
            "name": "Checkout",
            "stage": "startup",
            "max_responsible": 2,
            "max_consulted": 4,
            "based_on": 1,
        },
    ),
    "add a person": lambda team: (
        url("team_people", team),
        {"add": "new", "new-name": "Pat", "new-roles": [canonical_role(team.organization, PM).pk]},
    ),
}


@pytest.mark.parametrize("write", WRITES)
def test_every_write_moves_the_revision_on(editor_client, team, write):
    before = revision(team)
    address, data = WRITES[write](team)

    response = editor_client.post(address, data)

    assert response.status_code in (200, 302), response.content[:300]
    assert revision(team) > before


def test_adding_a_column_moves_the_revision_on(editor_client, organization):
    team = make_team(organization, kinds=[PM, DEV])
    before = revision(team)

    editor_client.post(url("column_add", team), {"role": canonical_role(organization, PO).pk})

    assert revision(team) > before


def test_applying_a_fix_moves_the_revision_on(editor_client, team):
    # The product manager holds the A the sources give the product owner.
    make_activity(team, "Ordering", catalogue_key="backlog-ordering", letters={PM: "A", PO: "R"})
    finding = next(f for f in team.analyse() if len(f.fixes) == 1)
    before = revision(team)

    editor_client.post(
        url("apply_fix", team),
        {
            "rule": finding.rule,
            "activity": finding.activity_key or "",
            "role": finding.role_key or "",
        },
    )

    assert revision(team) > before


def test_renaming_or_removing_a_person_moves_every_team_they_are_in_on(
    editor_client, team, organization
):
    other = make_team(organization, "Search")
    pat = make_person(organization, "Pat", team=team, roles=[PM])
    RoleHolder.objects.create(team=other, person=pat, role=canonical_role(organization, DEV))
    before = revision(other)

    editor_client.post(
        url("person_update", team, pat.pk),
        {
            "name": "Pat Lee",
            "email": "",
            "title": "",
            "roles": [canonical_role(organization, PM).pk],
            "based_on": pat.version,
        },
    )
    assert revision(other) > before

    before = revision(team)
    editor_client.post(url("person_remove", team, pat.pk))
    assert revision(team) > before


def test_deleting_a_role_moves_every_team_that_shows_it_on(editor_client, team, organization):
    coach = Role.objects.create(organization=organization, name="Coach", acts_as="sm")
    held_only = make_team(organization, "Search")
    untouched = make_team(organization, "Billing")
    make_person(organization, team=held_only, roles=[coach])
    team.team_roles.create(role=coach, position=9)
    before = {t.pk: revision(t) for t in (team, held_only, untouched)}

    editor_client.post(reverse("raci:role_delete", args=[organization.slug, coach.pk]))

    assert revision(team) > before[team.pk]
    assert revision(held_only) > before[held_only.pk]
    assert revision(untouched) == before[untouched.pk]


def test_a_refused_edit_leaves_the_revision_alone(editor_client, team):
    before = revision(team)
    role = canonical_role(team.organization, DEV)

    editor_client.post(url("cell", team, first(team).pk, role.pk), {"letters": ["I"], "version": 7})

    assert revision(team) == before


def test_an_admin_edit_moves_the_revision_on(client, team, organization):
    admin = make_user("root")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    role = Role.objects.create(organization=organization, name="Coach")
    team.team_roles.create(role=role, position=9)
    before = revision(team)

    client.post(
        reverse("admin:raci_role_change", args=[role.pk]),
        {"organization": organization.pk, "name": "Coach", "canonical": "", "acts_as": "po"},
    )

    assert Role.objects.get(pk=role.pk).acts_as == "po"
    assert revision(team) > before


def test_saving_an_old_copy_of_a_team_does_not_take_its_revision_back(team):
    old_copy = Team.objects.get(pk=team.pk)
    with transaction.atomic():
        team.record_change()
        team.record_change()

    old_copy.name = "Checkout 2"
    old_copy.save()

    assert revision(team) == old_copy.revision + 2
    assert Team.objects.get(pk=team.pk).name == "Checkout 2"


@pytest.mark.django_db(transaction=True)
def test_recording_a_change_outside_a_transaction_is_a_mistake(team):
    with pytest.raises(transaction.TransactionManagementError):
        team.record_change()


def organization_counts(client, organization):
    response = client.get(reverse("raci:organization", args=[organization.slug]))
    return {team.name: dict(counts) for team, counts, _accepted in response.context["teams"]}


def test_organization_page_counts_follow_every_edit(editor_client, team, organization):
    assert organization_counts(editor_client, organization)["Checkout"]["error"] == 0

    # Two A's on "Order the backlog": an error, shown on the next view.
    role = canonical_role(organization, DEV)
    editor_client.post(url("cell", team, first(team).pk, role.pk), {"letters": ["A"], "version": 1})
    assert organization_counts(editor_client, organization)["Checkout"]["error"] == 1

    editor_client.post(url("cell", team, first(team).pk, role.pk), {"letters": ["C"], "version": 2})
    assert organization_counts(editor_client, organization)["Checkout"]["error"] == 0


def test_organization_page_analyses_only_the_teams_that_changed(editor_client, team, organization):
    other = make_team(organization, "Search")
    launch = make_activity(other, "Launch", letters={PM: "AR"})
    organization_counts(editor_client, organization)  # every team analysed once, counts kept
    cell = url("cell", other, launch.pk, canonical_role(organization, SM).pk)

    with mock.patch.object(TeamSnapshot, "load", wraps=TeamSnapshot.load) as load:
        organization_counts(editor_client, organization)
        assert load.call_count == 0

        # A plain edit: the next view analyses that team, and only that one.
        editor_client.post(cell, {"letters": ["I"], "version": 0})
        counts = organization_counts(editor_client, organization)
        assert [[t.name for t in call.args[0]] for call in load.call_args_list] == [["Search"]]
        assert counts["Search"] == rules.count_by_severity(rules.open_findings(other.analyse()))

        # An edit from the editor: its answer analysed the team and kept the counts.
        editor_client.post(cell, {"letters": ["C"], "version": 1}, **HTMX)
        load.reset_mock()
        counts = organization_counts(editor_client, organization)
        assert load.call_count == 0
        assert counts["Search"] == rules.count_by_severity(rules.open_findings(other.analyse()))


def test_counts_are_kept_only_for_the_revision_they_were_computed_at(team):
    loaded = Team.objects.get(pk=team.pk)
    with transaction.atomic():
        team.record_change()  # a colleague's write lands after the page loaded the team

    keep_finding_totals(
        {(loaded.pk, loaded.revision): FindingTotals(open={Severity.ERROR: 99}, accepted=0)}
    )

    fresh = Team.objects.get(pk=team.pk)
    assert fresh.findings_revision != fresh.revision
    assert finding_totals([fresh])[team.pk].open[Severity.ERROR] == 0


def test_accepting_and_reopening_a_finding_move_the_revision_on(editor_client, editor, team):
    ordering = make_activity(
        team, "Ordering", catalogue_key="backlog-ordering", letters={PM: "AR", PO: "C"}
    )
    finding = next(f for f in team.analyse() if f.rule == "owner-mismatch")
    before = revision(team)

    acceptance = team.accept_finding(
        rule=finding.rule,
        activity=str(ordering.pk),
        role=finding.role_key or "",
        letters_digest=finding.letters_digest,
        reason="Until the new PO starts.",
        user=editor,
    )
    assert acceptance is not None
    assert revision(team) > before

    before = revision(team)
    editor_client.post(url("finding_reopen", team, acceptance.pk))
    assert revision(team) > before


def test_linking_an_activity_to_the_catalogue_moves_the_revision_on(editor_client, team):
    activity = make_activity(team, "Backlog ordering", letters={PO: "AR"})
    before = revision(team)

    editor_client.post(url("activity_link", team, activity.pk), {"key": "backlog-ordering"})

    assert team.activities.get(pk=activity.pk).catalogue_key == "backlog-ordering"
    assert revision(team) > before
