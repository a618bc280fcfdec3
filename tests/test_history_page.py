"""The team's history page: who changed what and when, newest first, filtered
by person, activity and role, paginated, in a constant number of queries;
and one cell's history."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from raci.models import Membership
from tests.builders import (
    DEV,
    PO,
    canonical_role,
    make_activity,
    make_organization,
    make_team,
    make_user,
)


@pytest.fixture
def team(organization):
    return make_team(organization, "Checkout")


@pytest.fixture
def ana(organization):
    return make_user("ana", organization=organization, level=Membership.Level.EDITOR)


def url(name, team, *args):
    return reverse(f"raci:{name}", args=[team.organization.slug, team.slug, *args])


def role(team, kind):
    return canonical_role(team.organization, kind)


def edits(team, activity, kind, user, texts):
    """Each of `texts` saved in turn into one cell, by `user`."""
    version = activity.assignments.filter(role=role(team, kind)).values_list("version", flat=True)
    seen = version.first() or 0
    for text in texts:
        assert team.edit_cell(
            activity_id=activity.pk,
            role_id=role(team, kind).pk,
            letters=text,
            version=seen,
            by=user,
        ).saved
        seen += 1


def rows(page: str) -> list[str]:
    """(who, summary) of each change set listed, in order."""
    return re.findall(r"<strong>([^<]*)</strong> ([^<]*)</td>", page)


def test_history_lists_who_changed_what_newest_first(viewer_client, editor, ana, team):
    ordering = make_activity(team, "Backlog ordering", letters={PO: "C"})
    edits(team, ordering, PO, ana, ["AR"])
    edits(team, ordering, DEV, editor, ["I"])

    page = viewer_client.get(url("history", team)).content.decode()

    assert rows(page) == [
        ("edgar:", "Developers on “Backlog ordering” — → I"),
        ("ana:", "Product Owner on “Backlog ordering” C → AR"),
    ]


def test_history_filters_by_person_activity_and_role(editor_client, editor, ana, team):
    ordering = make_activity(team, "Backlog ordering")
    review = make_activity(team, "Sprint review")
    edits(team, ordering, PO, ana, ["A"])
    edits(team, review, PO, editor, ["R"])
    edits(team, review, DEV, ana, ["C"])

    by_ana = editor_client.get(url("history", team), {"user": ana.pk}).content.decode()
    on_review = editor_client.get(url("history", team), {"activity": review.pk}).content.decode()
    dev_on_review = editor_client.get(
        url("history", team), {"activity": review.pk, "role": role(team, DEV).pk}
    ).content.decode()

    assert [summary for _who, summary in rows(by_ana)] == [
        "Developers on “Sprint review” — → C",
        "Product Owner on “Backlog ordering” — → A",
    ]
    assert [summary for _who, summary in rows(on_review)] == [
        "Developers on “Sprint review” — → C",
        "Product Owner on “Sprint review” — → R",
    ]
    assert [summary for _who, summary in rows(dev_on_review)] == [
        "Developers on “Sprint review” — → C"
    ]


def test_history_refuses_a_filter_outside_the_team_and_shows_everything(editor_client, ana, team):
    ordering = make_activity(team, "Backlog ordering")
    edits(team, ordering, PO, ana, ["A"])
    theirs = make_activity(make_team(make_organization("Other"), "Other"), "Their secret row")

    response = editor_client.get(url("history", team), {"activity": theirs.pk})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in page and "Their secret row" not in page
    assert rows(page) == [("ana:", "Product Owner on “Backlog ordering” — → A")]


def test_history_is_paginated_newest_first(editor_client, editor, team):
    ordering = make_activity(team, "Backlog ordering")
    edits(team, ordering, PO, editor, ["A", "R"] * 30)  # 60 changes

    first = editor_client.get(url("history", team)).content.decode()
    second = editor_client.get(url("history", team), {"page": 2}).content.decode()

    assert len(rows(first)) == 50 and len(rows(second)) == 10
    assert 'id="change-60"' in first and 'id="change-1"' in second
    assert "Page 2 of 2" in second


def test_history_page_runs_the_same_queries_whatever_its_length(editor_client, editor, ana, team):
    ordering = make_activity(team, "Backlog ordering")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = editor_client.get(url("history", team), {"role": role(team, PO).pk})
        assert response.status_code == 200
        return len(captured)

    edits(team, ordering, PO, ana, ["A", "R"])
    few = queries()
    edits(team, ordering, PO, editor, ["A", "R"] * 30)

    assert queries() == few


def test_cell_history_shows_that_cells_changes_only(viewer_client, editor, ana, team):
    ordering = make_activity(team, "Backlog ordering")
    edits(team, ordering, PO, ana, ["A"])
    edits(team, ordering, PO, editor, ["AR"])
    edits(team, ordering, DEV, editor, ["C"])

    page = viewer_client.get(url("cell_history", team, ordering.pk, role(team, PO).pk))

    text = page.content.decode()
    assert "Who changed Product Owner on “Backlog ordering”" in text
    assert text.count("<tr>") == 3  # the header and two changes
    assert text.index("edgar") < text.index("ana")  # newest first
    assert "Developers on" not in text


def test_cell_history_of_a_cell_outside_the_team_is_not_found(viewer_client, organization, team):
    other = make_activity(make_team(organization, "Other"), "Theirs")

    response = viewer_client.get(url("cell_history", team, other.pk, role(team, PO).pk))

    assert response.status_code == 404


def test_the_cell_page_and_the_picker_link_to_the_cells_history(editor_client, team):
    ordering = make_activity(team, "Backlog ordering")
    cell_history = url("cell_history", team, ordering.pk, role(team, PO).pk)

    cell_page = editor_client.get(url("cell", team, ordering.pk, role(team, PO).pk))
    matrix = editor_client.get(url("matrix", team)).content.decode()

    assert cell_history in cell_page.content.decode()
    assert 'class="cell-history-link' in matrix


def test_history_marks_what_was_undone(editor_client, editor, team):
    ordering = make_activity(team, "Backlog ordering")
    edits(team, ordering, PO, editor, ["A"])
    editor_client.post(url("undo", team))

    page = editor_client.get(url("history", team)).content.decode()

    assert rows(page)[0] == ("edgar:", "Undid: Product Owner on “Backlog ordering” — → A")
    assert page.count('class="badge text-bg-secondary">undone</span>') == 1
    assert page.index("undone</span>") > page.index('id="change-1"')


def test_history_pages_keep_the_filters(editor_client, editor, ana, team):
    ordering = make_activity(team, "Backlog ordering")
    edits(team, ordering, PO, editor, ["A", "R"] * 30)  # 60 changes by edgar
    edits(team, ordering, DEV, ana, ["C"])

    first = editor_client.get(url("history", team), {"user": editor.pk}).content.decode()
    second = editor_client.get(url("history", team), {"user": editor.pk, "page": 2})

    assert f'href="?user={editor.pk}&amp;page=2">Older</a>' in first
    assert f'href="?user={editor.pk}&amp;page=1">Newer</a>' in second.content.decode()
    assert {who for who, _summary in rows(second.content.decode())} == {"edgar:"}


def test_cell_history_is_paginated_newest_first(viewer_client, editor, team):
    ordering = make_activity(team, "Backlog ordering")
    edits(team, ordering, PO, editor, ["A", "R"] * 30)  # 60 changes
    cell_history = url("cell_history", team, ordering.pk, role(team, PO).pk)

    first = viewer_client.get(cell_history).content.decode()
    second = viewer_client.get(cell_history, {"page": 2}).content.decode()

    assert first.count("<tr>") == 51 and second.count("<tr>") == 11  # with the header
    assert 'href="?page=2">Older</a>' in first and "Page 2 of 2" in second
    assert 'href="?page=1">Newer</a>' in second
