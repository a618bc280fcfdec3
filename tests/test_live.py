"""Live awareness: an open matrix page polls /live/?revision=N; nothing
changed is a 204 in a fixed, small number of queries; a colleague's cell
edits come back as their rows, the column headers and the findings panel out
of band; where the page cannot catch up (mid-edit, columns, many rows) it is
told who changed what, with the cells to mark."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from raci import live, services
from raci.live import CatchUp, Recorded
from raci.models import EditorPreferences, Role, Team
from raci.vocabulary import Letter
from tests.builders import HTMX, PM, PO, canonical_role, make_activity, make_team


@pytest.fixture
def team(organization):
    team = make_team(organization, "Checkout")
    make_activity(team, "Order the backlog", letters={PO: "AR"})
    make_activity(team, "Set the product goal", letters={PM: "AR"})
    return Team.objects.get(pk=team.pk)


def live_url(team, revision):
    url = reverse("raci:live", args=[team.organization.slug, team.slug])
    return f"{url}?revision={revision}"


def revision_of(team) -> int:
    return Team.objects.get(pk=team.pk).revision


def colleague_edits(team, user, activity_name, kind, letters):
    activity = team.activities.get(name=activity_name)
    role = canonical_role(team.organization, kind)
    cell = activity.assignments.filter(role=role).first()
    edit = team.edit_cell(
        activity_id=activity.pk,
        role_id=role.pk,
        letters=frozenset(Letter(letter) for letter in letters),
        version=cell.version if cell else 0,
        by=user,
    )
    assert edit.saved
    return activity, role


def test_the_matrix_page_polls_from_the_revision_it_shows(viewer_client, team):
    page = viewer_client.get(reverse("raci:matrix", args=[team.organization.slug, team.slug]))
    assert f'hx-get="{live_url(team, team.revision)}"'.replace("&", "&amp;") in page.text
    assert 'hx-trigger="every 3s, live-poll"' in page.text


def test_nothing_changed_is_a_204_in_three_queries(viewer_client, team):
    viewer_client.get(live_url(team, team.revision))  # the session is warm
    with CaptureQueriesContext(connection) as captured:
        response = viewer_client.get(live_url(team, team.revision), **HTMX)
    assert response.status_code == 204
    # The session, the user, and the team's revision among the user's organizations.
    assert len(captured) == 3, [query["sql"] for query in captured]


def test_a_colleagues_cell_edit_comes_back_with_its_row_and_the_findings(
    viewer_client, editor, team
):
    seen = team.revision
    activity, role = colleague_edits(team, editor, "Order the backlog", PO, "R")

    response = viewer_client.get(live_url(team, seen), **HTMX)

    text = response.text
    assert response.status_code == 200
    assert f'hx-get="{live_url(team, revision_of(team))}"'.replace("&", "&amp;") in text
    row = re.search(rf'<tr hx-swap-oob="true" id="row-{activity.pk}".*?</tr>', text, re.S).group(0)
    assert f'id="cell-{activity.pk}-{role.pk}"' in row and ">R<" in row
    # The findings panel of the same revision, and the headers, in the same answer.
    assert 'id="findings"' in text and 'hx-swap-oob="true"' in text
    assert "Nobody is accountable for “Order the backlog”" in text
    assert 'id="column-headers" hx-swap-oob="true"' in text
    assert "live-notice" not in text


def test_a_collapsed_findings_panel_stays_collapsed_when_colleagues_edits_arrive(
    viewer_client, viewer, editor, team
):
    EditorPreferences.objects.create(user=viewer, findings_collapsed=True)
    seen = team.revision
    colleague_edits(team, editor, "Order the backlog", PO, "R")

    response = viewer_client.get(live_url(team, seen), **HTMX)

    toggle = re.search(
        r'<button[^>]*class="[^"]*findings-toggle[^>]*>(\w+)</button>', response.text
    )
    assert toggle.group(1) == "Show"
    assert 'aria-expanded="false"' in toggle.group(0)


def test_mid_edit_the_page_is_told_who_changed_what_and_keeps_its_grid(viewer_client, editor, team):
    seen = team.revision
    activity, role = colleague_edits(team, editor, "Order the backlog", PO, "R")

    response = viewer_client.get(live_url(team, seen) + "&editing=1", **HTMX)

    text = response.text
    assert "edgar changed 1 cell — " in text
    assert f'data-marked="cell-{activity.pk}-{role.pk}"' in text
    # Still based on what the page shows: no rows, no findings, the same revision.
    assert f'hx-get="{live_url(team, seen)}"'.replace("&", "&amp;") in text
    assert "<tr" not in text and 'id="findings"' not in text


def test_an_added_column_is_announced_rather_than_swapped(viewer_client, team, organization):
    seen = team.revision
    services.team_column_add(
        team=team, role=Role.objects.create(organization=organization, name="UX")
    )

    response = viewer_client.get(live_url(team, seen), **HTMX)

    assert "changed the team — " in response.text
    assert "<tr" not in response.text


def test_many_changed_rows_are_announced_rather_than_swapped(viewer_client, editor, team):
    for number in range(live.MAX_ROWS + 1):
        make_activity(team, f"Extra {number}")
    seen = revision_of(team)
    for number in range(live.MAX_ROWS + 1):
        colleague_edits(team, editor, f"Extra {number}", PM, "I")

    response = viewer_client.get(live_url(team, seen), **HTMX)

    assert f"edgar changed {live.MAX_ROWS + 1} cells — " in response.text
    assert "<tr" not in response.text


def test_unreadable_revisions_are_refused_with_a_message(viewer_client, team):
    for value in ("", "x", "-1", "1" * 30):
        response = viewer_client.get(live_url(team, value))
        assert response.status_code == 400
        assert b"could not be read" in response.content


def test_another_organizations_team_is_404(outsider_client, team):
    assert outsider_client.get(live_url(team, 0)).status_code == 404


def test_a_trashed_team_is_404(owner_client, owner, team):
    services.team_trash(team=team, by=owner)
    assert owner_client.get(live_url(team, 0)).status_code == 404


# The plan, as plain values


def cell_set(revision, user_id, *cells):
    return Recorded(
        revision=revision,
        user_id=user_id,
        user_name={1: "Ana", 2: "Ben", 3: "Me"}.get(user_id, ""),
        changes=tuple(("cell", a, r) for a, r in cells),
    )


def test_catch_up_refreshes_the_rows_of_recorded_cell_changes():
    plan = live.catch_up(
        [cell_set(5, 1, (10, 1)), cell_set(6, 2, (11, 1), (10, 2))],
        seen=4, current=6, me=3, editing=False,
    )  # fmt: skip
    assert plan == CatchUp(rows=frozenset({10, 11}), revision=6)


def test_catch_up_names_everyone_but_me_and_counts_distinct_cells():
    plan = live.catch_up(
        [cell_set(5, 1, (10, 1)), cell_set(6, 2, (10, 1)), cell_set(7, 3, (12, 1))],
        seen=4, current=7, me=3, editing=True,
    )  # fmt: skip
    assert plan.notice == "Ana and Ben changed 1 cell"
    assert plan.marked == ("cell-10-1",)
    assert plan.revision == 4


def test_catch_up_announces_revisions_missing_from_the_log():
    plan = live.catch_up([cell_set(6, 1, (10, 1))], seen=4, current=6, me=3, editing=False)
    assert plan.notice == "Ana changed the team"
    assert plan.revision == 4


def test_my_own_changes_are_never_announced():
    plan = live.catch_up([cell_set(5, 3, (10, 1))], seen=4, current=5, me=3, editing=True)
    assert plan == CatchUp(revision=5)


def test_a_write_inside_a_transaction_is_not_seen_before_it_commits(viewer_client, team):
    seen = team.revision
    with transaction.atomic():
        team.record_change()
        transaction.set_rollback(True)
    assert viewer_client.get(live_url(team, seen)).status_code == 204


# A cell edit's answer brings colleagues' rows along


def my_edit(client, team, activity_name, kind, letters, *, seen):
    activity = team.activities.get(name=activity_name)
    role = canonical_role(team.organization, kind)
    cell = activity.assignments.filter(role=role).first()
    url = reverse("raci:cell", args=[team.organization.slug, team.slug, activity.pk, role.pk])
    return client.post(
        url,
        {"letters": list(letters), "version": cell.version if cell else 0, "seen": seen},
        **HTMX,
    )


def test_my_edit_brings_a_colleagues_row_and_matching_findings(editor_client, owner, team):
    seen = team.revision
    theirs, _role = colleague_edits(team, owner, "Order the backlog", PO, "R")

    response = my_edit(editor_client, team, "Set the product goal", PO, "I", seen=seen)

    text = response.text
    assert f'<tr hx-swap-oob="true" id="row-{theirs.pk}"' in text
    assert "Nobody is accountable for “Order the backlog”" in text
    # The page's poll moves on to this edit: it has everything up to it.
    assert f'hx-get="{live_url(team, revision_of(team))}"'.replace("&", "&amp;") in text


def test_my_edit_alone_moves_the_poll_on_without_other_rows(editor_client, team):
    response = my_edit(editor_client, team, "Set the product goal", PO, "I", seen=team.revision)

    assert 'hx-swap-oob="true" id="row-' not in response.text
    assert f'hx-get="{live_url(team, revision_of(team))}"'.replace("&", "&amp;") in response.text


def test_my_edit_after_a_colleague_added_a_column_shows_the_whole_editor(
    editor_client, team, organization
):
    seen = team.revision
    services.team_column_add(
        team=team, role=Role.objects.create(organization=organization, name="UX")
    )

    response = my_edit(editor_client, team, "Set the product goal", PO, "I", seen=seen)

    assert response.headers["HX-Retarget"] == "#workspace"
    assert "A colleague changed the team meanwhile" in response.text
    assert ">UX<" in response.text
