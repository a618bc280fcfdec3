"""The matrix page, a cell edit and the organization page run the same
number of queries whatever the number of activities, roles or teams."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from raci.grid import recent_grids
from raci.models import Role
from tests.builders import (
    DEV,
    HTMX,
    PM,
    PO,
    SM,
    canonical_role,
    make_filled_team,
    make_person,
    make_team,
)


def count_queries(request) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code == 200, response.content[:500]
    return len(captured)


def matrix_url(team):
    return reverse("raci:matrix", args=[team.organization.slug, team.slug])


def staffed(team):
    for kind in (PM, DEV):
        make_person(team.organization, team=team, roles=[kind])
    return team


@pytest.mark.parametrize("kinds", [(PM, DEV), (PM, PO, SM, DEV)])
def test_matrix_page_queries_do_not_grow_with_activities_or_roles(
    editor_client, organization, kinds
):
    # A role neither team shows: both pages offer to add a column.
    Role.objects.create(organization=organization, name="Coach")
    small = staffed(make_filled_team(organization, "Small", activities=10, kinds=(PM, DEV)))
    large = staffed(make_filled_team(organization, "Large", activities=300, kinds=kinds))

    # Both first views: each also keeps its findings counts for the organization page.
    assert count_queries(lambda: editor_client.get(matrix_url(large))) == count_queries(
        lambda: editor_client.get(matrix_url(small))
    )


def test_matrix_page_of_a_viewer_queries_do_not_grow_with_activities(viewer_client, organization):
    small = make_filled_team(organization, "Small", activities=10)
    large = make_filled_team(organization, "Large", activities=300)

    assert count_queries(lambda: viewer_client.get(matrix_url(large))) == count_queries(
        lambda: viewer_client.get(matrix_url(small))
    )


def edit(client, team, activity, *, version, digest=""):
    role = canonical_role(team.organization, SM)
    url = reverse("raci:cell", args=[team.organization.slug, team.slug, activity.pk, role.pk])
    return lambda: client.post(
        url,
        {"letters": ["I"] if version % 2 == 0 else [], "version": version, "digest": digest},
        **HTMX,
    )


@pytest.mark.parametrize("changes_findings", [False, True])
def test_cell_edit_queries_do_not_grow_with_activities(
    editor_client, organization, changes_findings
):
    def queries(team):
        activity = team.activities.get(name="Activity 3")
        editor_client.get(matrix_url(team))
        digest = (
            "" if changes_findings else editor_client.get(matrix_url(team)).context["grid"].digest
        )
        count_queries(
            edit(editor_client, team, activity, version=0, digest=digest)
        )  # creates the cell
        return count_queries(edit(editor_client, team, activity, version=1, digest=digest))

    small = make_filled_team(organization, "Small", activities=10)
    large = make_filled_team(organization, "Large", activities=300)

    assert queries(large) == queries(small)


def test_cell_edit_runs_a_known_number_of_queries(editor_client, organization):
    team = make_filled_team(organization, "Small", activities=10)
    activity = team.activities.get(name="Activity 3")
    digest = editor_client.get(matrix_url(team)).context["grid"].digest
    count_queries(edit(editor_client, team, activity, version=0, digest=digest))

    # 17 before the change log; it adds two: the change set and its cell
    # change (the revision is read with the cell's names); the team and the
    # membership are one. PostgreSQL has one more: the kept findings counts
    # do not wait for the disk.
    expected = 18 + (connection.vendor == "postgresql")
    recent_grids.clear()  # a worker that has not drawn the team: it reads it whole
    assert count_queries(edit(editor_client, team, activity, version=1, digest=digest)) == expected
    # A worker that has: the grid it kept is brought up to date from the
    # change log, in two queries instead of the five that read a team.
    assert (
        count_queries(edit(editor_client, team, activity, version=2, digest=digest)) == expected - 3
    )


@pytest.mark.parametrize("warm", [False, True])
def test_organization_page_queries_do_not_grow_with_teams(owner_client, organization, warm):
    def queries():
        url = reverse("raci:organization", args=[organization.slug])
        if warm:
            owner_client.get(url)  # the counts are kept on the teams
        return count_queries(lambda: owner_client.get(url))

    for number in range(2):
        make_filled_team(organization, f"Team {number}", activities=5)
    few = queries()
    for number in range(2, 50):
        make_filled_team(organization, f"Team {number}", activities=5 + number)
    # New teams, never analysed: the cold page analyses all 50 in the same queries.
    assert queries() == few
    make_team(organization, "Empty")
    assert queries() == few


def test_a_matrix_page_seen_before_reads_only_who_asks_and_the_roles_to_add(
    editor_client, editor, organization
):
    team = make_filled_team(organization, "Checkout", activities=40)
    editor_client.post(reverse("raci:editor_preferences"), {"density": "comfortable"}, **HTMX)
    editor_client.get(matrix_url(team))

    with CaptureQueriesContext(connection) as captured:
        page = editor_client.get(matrix_url(team))

    # The session, the account with its editor preferences, the team with
    # the membership, and the roles the add-column form offers.
    assert len(captured) == 4, [query["sql"] for query in captured]
    assert 'class="workspace density-comfortable' in page.content.decode()
