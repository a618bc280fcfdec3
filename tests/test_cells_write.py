"""Pasting, filling and clearing blocks of cells: one POST, checked whole on
the server, written as one change set or not at all."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from raci.blocks import Axis, BlockRefused, read_block, without_names
from raci.models import Assignment, ChangeSet
from tests.builders import (
    DEV,
    HTMX,
    PM,
    PO,
    SM,
    canonical_role,
    make_activity,
    make_organization,
    make_team,
)


@pytest.fixture
def team(organization):
    return make_team(organization, "Checkout")


@pytest.fixture
def rows(team):
    """Three backlog rows, shown in this order; the first one has letters."""
    return [
        make_activity(team, "Order the backlog", category="backlog", letters={PO: "AR", PM: "C"}),
        make_activity(team, "Refine the backlog", category="backlog"),
        make_activity(team, "Plan the sprint", category="backlog"),
    ]


def columns(team):
    return [canonical_role(team.organization, kind) for kind in (PM, PO, SM, DEV)]


def versions(team) -> str:
    """What the page sends: the version of every cell it shows."""
    seen = {
        (a.activity_id, a.role_id): a.version
        for a in Assignment.objects.filter(activity__team=team)
    }
    return " ".join(
        f"{activity.pk}-{role.pk}-{seen.get((activity.pk, role.pk), 0)}"
        for activity in team.activities.all()
        for role in columns(team)
    )


def paste(client, team, at, text, *, seen=None, action="paste", **extra):
    activity, role = at
    return client.post(
        reverse("raci:cells_write", args=[team.organization.slug, team.slug]),
        {
            "action": action,
            "activity": activity.pk,
            "role": role.pk,
            "text": text,
            "versions": versions(team) if seen is None else seen,
        },
        **{**HTMX, **extra},
    )


def letters(team) -> dict[tuple[str, str], str]:
    return {
        (a.activity.name, a.role.name): a.letters
        for a in Assignment.objects.filter(activity__team=team).select_related("activity", "role")
        if a.letters
    }


def test_a_block_from_a_spreadsheet_is_written_as_one_change_set(editor_client, team, rows):
    _pm, po, sm, _dev = columns(team)

    response = paste(editor_client, team, (rows[1], po), "A/R\tC\r\nI\tR, A\r\n")

    assert response.status_code == 200
    assert letters(team) == {
        ("Order the backlog", "Product Owner"): "AR",
        ("Order the backlog", "Product Manager"): "C",
        ("Refine the backlog", "Product Owner"): "AR",
        ("Refine the backlog", "Scrum Master"): "C",
        ("Plan the sprint", "Product Owner"): "I",
        ("Plan the sprint", "Scrum Master"): "AR",
    }
    assert ChangeSet.objects.filter(team=team).count() == 1
    change_set = ChangeSet.objects.get(team=team)
    assert change_set.action == "paste" and change_set.changes.count() == 4
    # The answer swaps the two rows written, the headers and the findings in place.
    page = response.content.decode()
    assert f'<tr id="row-{rows[1].pk}"' in page and f'<tr id="row-{rows[2].pk}"' in page
    assert f'<tr id="row-{rows[0].pk}"' not in page
    assert 'id="findings"' in page and 'id="column-headers" hx-swap-oob="true"' in page
    assert "Saved: 4 cells on 2 activities." in page
    # The page puts the cursor on the block's first cell and selects the block.
    assert json.loads(response.headers["HX-Trigger"]) == {
        "raci:block-placed": {
            "from": f"cell-{rows[1].pk}-{po.pk}",
            "to": f"cell-{rows[2].pk}-{sm.pk}",
        }
    }


def test_a_refused_paste_or_a_fill_does_not_move_the_selection(editor_client, team, rows):
    pm, *_ = columns(team)
    seen = versions(team)

    refused = paste(editor_client, team, (rows[0], pm), "A\tX")
    filled = paste(editor_client, team, (rows[1], pm), "C\tC", action="fill")
    # Sent with the versions from before the fill, as a page that missed it.
    conflict = paste(editor_client, team, (rows[1], pm), "R\tR", seen=seen)

    assert "is not R, A, C or I. Nothing was written." in refused.content.decode()
    assert "Changed by someone else meanwhile" in conflict.content.decode()
    for response in (refused, filled, conflict):
        assert "HX-Trigger" not in response.headers


def test_a_bad_letter_is_named_by_its_row_and_column_and_nothing_is_written(
    editor_client, team, rows
):
    pm, *_ = columns(team)
    before = letters(team)

    response = paste(editor_client, team, (rows[0], pm), "A\tR\nC\tX")

    page = response.content.decode()
    assert "“X” (line 2, cell 2 of the block, for Product Owner on “Refine the backlog”)" in page
    assert "is not R, A, C or I. Nothing was written." in page
    assert letters(team) == before
    assert not ChangeSet.objects.filter(team=team).exists()


def test_a_block_running_past_the_grid_is_refused(editor_client, team, rows):
    *_, sm, _dev = columns(team)
    before = letters(team)

    response = paste(editor_client, team, (rows[1], sm), "A\tR\tC\nI\tI\tI\nR\tR\tR")

    assert (
        "The block is 3 rows by 3 columns, but from Scrum Master on “Refine the backlog” the "
        "grid has 2 rows and 2 columns: it would run past the grid. Nothing was written."
    ) in response.content.decode()
    assert letters(team) == before


def test_a_cell_changed_meanwhile_is_reported_and_nothing_is_overwritten(editor_client, team, rows):
    pm, po, *_ = columns(team)
    seen = versions(team)
    # A colleague changes the Product Owner's cell after the page was shown.
    Assignment.objects.filter(activity=rows[0], role=po).update(letters="C", version=7)

    response = paste(editor_client, team, (rows[0], pm), "A\tR\nR\tA", seen=seen)

    page = response.content.decode()
    assert "Changed by someone else meanwhile, so nothing was written" in page
    assert "Product Owner on “Order the backlog” (now C)" in page
    assert letters(team) == {
        ("Order the backlog", "Product Owner"): "C",
        ("Order the backlog", "Product Manager"): "C",
    }
    # The row shows what the cell holds now.
    assert f'<tr id="row-{rows[0].pk}"' in page


def test_a_page_that_did_not_show_a_covered_cell_writes_nothing(editor_client, team, rows):
    pm, *_ = columns(team)
    seen = " ".join(
        item for item in versions(team).split() if not item.startswith(f"{rows[1].pk}-")
    )

    response = paste(editor_client, team, (rows[0], pm), "A\nR", seen=seen)

    assert "Your page does not show the matrix as it is now" in response.content.decode()
    assert letters(team) == {
        ("Order the backlog", "Product Owner"): "AR",
        ("Order the backlog", "Product Manager"): "C",
    }


def test_cells_of_another_organization_are_refused(editor_client, team, rows):
    other = make_team(make_organization("Other Corp"), "Payments")
    theirs = make_activity(other, "Their row", letters={PM: "A"})
    pm = canonical_role(other.organization, PM)

    response = paste(editor_client, team, (theirs, pm), "R", seen=f"{theirs.pk}-{pm.pk}-1")

    assert "The cell you pasted at is no longer in this matrix" in response.content.decode()
    assert Assignment.objects.get(activity=theirs).letters == "A"
    assert not ChangeSet.objects.exists()


def test_another_organizations_team_is_not_found(outsider_client, team, rows):
    pm, *_ = columns(team)

    response = paste(outsider_client, team, (rows[0], pm), "R")

    assert response.status_code == 404
    assert letters(team)[("Order the backlog", "Product Manager")] == "C"


def test_viewers_cannot_paste(viewer_client, team, rows):
    pm, *_ = columns(team)

    response = paste(viewer_client, team, (rows[0], pm), "R")

    assert response.status_code == 403
    assert not ChangeSet.objects.exists()


def test_a_paste_without_the_csrf_token_is_refused(editor, team, rows):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    pm, *_ = columns(team)

    response = paste(client, team, (rows[0], pm), "R\nR\nR")

    assert response.status_code == 403
    assert not ChangeSet.objects.exists()


def test_unreadable_versions_change_nothing(editor_client, team, rows):
    pm, *_ = columns(team)

    response = paste(editor_client, team, (rows[0], pm), "R", seen="1-2-x")

    assert response.status_code == 200
    assert "That paste could not be read; nothing was changed." in response.content.decode()
    assert not ChangeSet.objects.exists()


def test_clear_and_fill_are_recorded_as_such(editor_client, team, rows):
    pm, *_ = columns(team)

    paste(editor_client, team, (rows[0], pm), "\t\n\t", action="clear")
    paste(editor_client, team, (rows[0], pm), "I\tR\nI\tR\nI\tR", action="fill")

    assert list(ChangeSet.objects.order_by("revision").values_list("action", flat=True)) == [
        "clear",
        "fill",
    ]
    assert letters(team) == {
        (name, role): text
        for name in ("Order the backlog", "Refine the backlog", "Plan the sprint")
        for role, text in (("Product Manager", "I"), ("Product Owner", "R"))
    }


def test_rows_copied_with_their_names_paste_their_letters(editor_client, team, rows):
    pm, po, *_ = columns(team)

    # Copied from a spreadsheet of the matrix: the names first, as the rows are named.
    response = paste(
        editor_client, team, (rows[1], pm), "refine the backlog\tC\tAR\r\nPlan the sprint\tI\tA\r\n"
    )

    assert letters(team) == {
        ("Order the backlog", "Product Owner"): "AR",
        ("Order the backlog", "Product Manager"): "C",
        ("Refine the backlog", "Product Manager"): "C",
        ("Refine the backlog", "Product Owner"): "AR",
        ("Plan the sprint", "Product Manager"): "I",
        ("Plan the sprint", "Product Owner"): "A",
    }
    assert (
        "Saved: 4 cells on 2 activities. The first column of the block, the names of its "
        "rows, was left out."
    ) in response.content.decode()
    # The page selects the letters written, not the block as copied.
    assert json.loads(response.headers["HX-Trigger"]) == {
        "raci:block-placed": {
            "from": f"cell-{rows[1].pk}-{pm.pk}",
            "to": f"cell-{rows[2].pk}-{po.pk}",
        }
    }


def test_names_that_are_not_the_rows_pasted_on_name_the_first_that_is_not(
    editor_client, team, rows
):
    pm, *_ = columns(team)
    before = letters(team)

    # The first name is the row pasted on, the second is not the row below it.
    response = paste(
        editor_client, team, (rows[0], pm), "Order the backlog\tC\tAR\nPlan the sprint\tI\tI\n"
    )

    assert (
        "The first column of the block holds names, not letters, and they are not the rows it "
        "would cover: line 2, “Plan the sprint”, would land on “Refine the backlog”. Copy the "
        "letters only. Nothing was written."
    ) in response.content.decode()
    assert letters(team) == before
    assert "HX-Trigger" not in response.headers


def test_names_pasted_one_row_off_say_where_they_line_up(editor_client, team, rows):
    pm, *_ = columns(team)
    before = letters(team)

    response = paste(
        editor_client,
        team,
        (rows[1], pm),
        "Order the backlog\tC\tAR\nRefine the backlog\tI\tI\n",
    )

    assert (
        "line 1, “Order the backlog”, would land on “Refine the backlog”. Paste on the first "
        "role cell of “Order the backlog”, where every name lines up with its row, or copy "
        "the letters only. Nothing was written."
    ) in response.content.decode()
    assert letters(team) == before

    # Names of another matrix: only copying the letters helps.
    response = paste(editor_client, team, (rows[1], pm), "Write stories\tC\nDemo\tR\n")
    assert (
        "line 1, “Write stories”, would land on “Refine the backlog”. Copy the letters only."
    ) in response.content.decode()
    assert letters(team) == before


def test_without_javascript_a_paste_goes_back_to_the_matrix(editor_client, team, rows):
    pm, *_ = columns(team)

    response = paste(editor_client, team, (rows[2], pm), "A", HTTP_HX_REQUEST="")

    assert response.status_code == 302
    assert letters(team)[("Plan the sprint", "Product Manager")] == "A"


def test_a_name_column_is_left_out_only_when_it_names_the_rows_pasted_on():
    rows = [Axis(1, "Order the backlog"), Axis(2, "Refine the backlog"), Axis(3, "Plan")]

    assert without_names([["Refine  the Backlog", "AR", "C"]], rows=rows, at=(2, 9)) == (
        [["AR", "C"]],
        True,
    )
    # Letters, or a block one column wide, are pasted as they are.
    assert without_names([["A", "R"], ["C", "I"]], rows=rows, at=(1, 9)) == (
        [["A", "R"], ["C", "I"]],
        False,
    )
    assert without_names([["Plan"]], rows=rows, at=(3, 9)) == ([["Plan"]], False)
    # A first column with a letter in it is checked cell by cell as letters.
    assert without_names([["Plan", "A"], ["R", "C"]], rows=rows, at=(2, 9))[1] is False
    # Names running past the last row do not name the rows pasted on.
    with pytest.raises(
        BlockRefused, match=r"line 2, “Later”, would land below the last row, “Plan”\. Copy"
    ):
        without_names([["Plan", "A"], ["Later", "C"]], rows=rows, at=(3, 9))
    # A first name that is a row is no hint where the rest do not follow it.
    with pytest.raises(
        BlockRefused, match=r"would land on “Refine the backlog”\. Copy the letters"
    ):
        without_names([["Order the backlog", "A"], ["Plan", "C"]], rows=rows, at=(1, 9))
    with pytest.raises(BlockRefused, match="Paste on the first role cell of “Refine the backlog”"):
        without_names([["refine the backlog", "A"], ["PLAN", "C"]], rows=rows, at=(1, 9))


def test_spreadsheet_text_is_read_as_a_rectangle():
    # Sheets quotes a cell holding a line break; the block ends with one.
    assert read_block('A\t"R\nC"\r\nI\t\r\n') == [["A", "R\nC"], ["I", ""]]
    assert read_block("") == [[""]]
    # A clear is a block of empty cells; a column's empty cell is a blank line.
    assert read_block("\t\n\t") == [["", ""], ["", ""]]
    assert read_block("A\r\n\r\nC\r\n") == [["A"], [""], ["C"]]
    # A column whose last cells are empty, as the editor clears or fills it.
    assert read_block("\n\n\n") == [[""], [""], [""]]
    with pytest.raises(BlockRefused, match="Line 2 of the block has 1 cells where the first has 2"):
        read_block("A\tR\nC\n")
