"""Every write to a team is recorded as one change set, in the write's own
transaction: who, when, what, before and after; nothing for a write that
did not happen. Several cells are written all or nothing."""

import pytest
from django.db import transaction
from django.urls import reverse

from raci import history
from raci.models import Assignment, Change, ChangeSet, Team
from tests.builders import (
    DEV,
    HTMX,
    PM,
    PO,
    canonical_role,
    make_activity,
    make_organization,
    make_team,
)


@pytest.fixture
def team(organization):
    return make_team(organization, "Checkout")


@pytest.fixture
def ordering(team):
    return make_activity(team, "Backlog ordering", category="backlog", letters={PO: "C", DEV: "R"})


def role(team, kind):
    return canonical_role(team.organization, kind)


def letters(activity, kind):
    cell = Assignment.objects.filter(activity=activity, role__canonical=kind.value).first()
    return cell.letters if cell else ""


def version(activity, kind):
    return Assignment.objects.get(activity=activity, role__canonical=kind.value).version


def cell_url(team, activity, kind):
    args = [team.organization.slug, team.slug, activity.pk, role(team, kind).pk]
    return reverse("raci:cell", args=args)


def test_a_cell_edit_records_who_what_and_the_revision_it_made(
    editor_client, editor, team, ordering
):
    response = editor_client.post(
        cell_url(team, ordering, PO), {"letters": ["A", "R"], "version": 1}, **HTMX
    )

    assert response.status_code == 200
    change_set = ChangeSet.objects.get(team=team)
    assert change_set.user == editor
    assert change_set.action == "cell"
    assert change_set.summary == "Product Owner on “Backlog ordering” C → AR"
    assert change_set.revision == Team.objects.get(pk=team.pk).revision
    [change] = change_set.changes.all()
    assert (change.kind, change.activity_id, change.role_id) == (
        "cell",
        ordering.pk,
        role(team, PO).pk,
    )
    assert (change.before, change.after) == ("C", "AR")


def test_a_new_cell_is_recorded_from_blank(editor, team, ordering):
    team.edit_cell(
        activity_id=ordering.pk, role_id=role(team, PM).pk, letters="I", version=0, by=editor
    )

    assert ChangeSet.objects.get(team=team).summary == "Product Manager on “Backlog ordering” — → I"


def test_a_stale_edit_records_nothing(editor_client, team, ordering):
    before = Team.objects.get(pk=team.pk).revision

    response = editor_client.post(
        cell_url(team, ordering, PO), {"letters": ["A"], "version": 7}, **HTMX
    )

    assert "your edit was not saved" in response.content.decode()
    assert not ChangeSet.objects.exists() and not Change.objects.exists()
    assert Team.objects.get(pk=team.pk).revision == before


def test_an_edit_rolled_back_with_its_transaction_leaves_no_record(editor, team, ordering):
    with pytest.raises(RuntimeError), transaction.atomic():
        team.edit_cell(
            activity_id=ordering.pk, role_id=role(team, PO).pk, letters="A", version=1, by=editor
        )
        assert ChangeSet.objects.count() == 1  # recorded inside the transaction...
        raise RuntimeError("the request failed after the edit")

    # ...and gone with it, as is the edit.
    assert not ChangeSet.objects.exists() and not Change.objects.exists()
    assert letters(ordering, PO) == "C"


def test_change_sets_are_numbered_by_the_revision_they_made(editor, team, ordering):
    for text, seen in (("A", 1), ("AR", 2), ("", 3)):
        team.edit_cell(
            activity_id=ordering.pk,
            role_id=role(team, PO).pk,
            letters=text,
            version=seen,
            by=editor,
        )

    revisions = list(ChangeSet.objects.filter(team=team).values_list("revision", flat=True))
    assert revisions == [3, 2, 1]  # newest first
    assert ChangeSet.objects.first().summary == "Product Owner on “Backlog ordering” AR → —"


def test_write_cells_writes_every_cell_as_one_change_set(editor, team, ordering):
    refining = make_activity(team, "Refinement", letters={DEV: "R"})

    written = team.write_cells(
        [
            (ordering.pk, role(team, PO).pk, "AR", version(ordering, PO)),
            (ordering.pk, role(team, PM).pk, "C", 0),
            (refining.pk, role(team, DEV).pk, "", version(refining, DEV)),
        ],
        by=editor,
    )

    assert written.ok, written.message
    assert (letters(ordering, PO), letters(ordering, PM), letters(refining, DEV)) == ("AR", "C", "")
    change_set = ChangeSet.objects.get(team=team)
    assert written.change_set == change_set
    assert (change_set.action, change_set.user) == ("paste", editor)
    assert change_set.summary == "3 cells on 2 activities"
    assert sorted(change_set.changes.values_list("before", "after")) == [
        ("", "C"),
        ("C", "AR"),
        ("R", ""),
    ]


def test_write_cells_writes_nothing_when_one_cell_changed_meanwhile(editor, team, ordering):
    seen = version(ordering, DEV)
    Assignment.objects.filter(activity=ordering, role__canonical=DEV.value).update(
        letters="AR", version=seen + 1
    )  # a colleague's edit

    written = team.write_cells(
        [
            (ordering.pk, role(team, PO).pk, "A", version(ordering, PO)),
            (ordering.pk, role(team, DEV).pk, "C", seen),
        ],
        by=editor,
    )

    assert not written.ok
    assert [(c.activity_name, c.role_name, c.letters) for c in written.conflicts] == [
        ("Backlog ordering", "Developers", "AR")
    ]
    assert "Developers on “Backlog ordering” (now AR)" in written.message
    assert (letters(ordering, PO), letters(ordering, DEV)) == ("C", "AR")
    assert not ChangeSet.objects.exists()


def test_write_cells_refuses_a_cell_of_another_team_and_names_it(editor, team, ordering):
    other = make_organization("Other")
    theirs = make_activity(make_team(other, "Theirs"), "Their row", letters={PO: "A"})

    written = team.write_cells(
        [
            (ordering.pk, role(team, PO).pk, "A", version(ordering, PO)),
            (theirs.pk, role(team, PO).pk, "R", 0),
        ],
        by=editor,
    )

    assert not written.ok
    assert "Cell 2, Product Owner on row #" in written.refused
    assert "Their row" not in written.refused  # another organization's name stays hidden
    assert letters(ordering, PO) == "C" and letters(theirs, PO) == "A"
    assert not ChangeSet.objects.exists()


def test_write_cells_refuses_a_column_the_team_does_not_show(editor, organization, ordering):
    small = make_team(organization, "Small", kinds=(PM, DEV))
    row = make_activity(small, "Planning")

    written = small.write_cells([(row.pk, role(small, PO).pk, "A", 0)], by=editor)

    assert not written.ok
    assert "column #" in written.refused and "Planning" in written.refused
    assert not Assignment.objects.filter(activity=row).exists()


@pytest.mark.parametrize("bad", ["X", "R?", "a"])
def test_write_cells_refuses_letters_it_does_not_know(editor, team, ordering, bad):
    written = team.write_cells([(ordering.pk, role(team, PO).pk, bad, 1)], by=editor)

    assert not written.ok and "not R, A, C or I" in written.refused
    assert letters(ordering, PO) == "C"


def test_write_cells_with_nothing_to_change_records_nothing(editor, team, ordering):
    written = team.write_cells([(ordering.pk, role(team, PO).pk, "C", 1)], by=editor)

    assert written.ok and written.change_set is None
    assert not ChangeSet.objects.exists()


def test_an_applied_fix_is_one_change_set_however_many_cells(editor_client, editor, team, ordering):
    Assignment.objects.filter(activity=ordering, role__canonical="po").update(letters="R")
    Assignment.objects.create(activity=ordering, role=role(team, PM), letters="A")
    finding = next(f for f in team.analyse() if f.rule == "owner-mismatch" and f.fixes)
    fix_url = reverse("raci:apply_fix", args=[team.organization.slug, team.slug])

    editor_client.post(
        fix_url,
        {"rule": finding.rule, "activity": finding.activity_key, "role": finding.role_key or ""},
        **HTMX,
    )

    change_set = ChangeSet.objects.get(team=team)
    assert (change_set.action, change_set.user) == ("fix", editor)
    assert change_set.summary.startswith("Applied a fix: Product Owner on “Backlog ordering”")
    assert change_set.changes.count() == len(finding.fixes[0].changes) >= 2


def test_a_long_summary_is_cut_to_fit_on_every_database(editor, team, ordering):
    finding_reason = "Because " + "we decided so " * 100

    cs = history.change_set(team, by=editor, action="accept", summary=finding_reason)

    cs.refresh_from_db()
    assert len(cs.summary) == 300 and cs.summary.endswith("…")
