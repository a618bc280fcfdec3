"""The change log: every write to a team records what it changed, who and when,
as one change set in its own transaction; undo, redo and restore replay it.

Written here rather than with django-simple-history or django-reversion: both
record per-model snapshots from signals, which queryset.update() and
bulk_create() (the cells' compare-and-set, imports) do not send, neither
groups one user action as one change set to undo, and their revert overwrites
without comparing. django-pghistory's triggers are PostgreSQL-only.
"""

from typing import NamedTuple

from django.db import IntegrityError, transaction

from raci.models import Activity, Assignment, Change, ChangeSet, Team, TeamRole
from raci.vocabulary import letters_to_text

BLANK = "—"


def change_set(team: Team, *, by, action: str, summary: str = "", undoes=None) -> ChangeSet:
    """Start the change set of a write to `team`, inside the write's transaction.

    Bumps the team's revision (taking its row lock: writes to one team run one
    after the other) and records the change set at that revision. A write that
    is rolled back takes its change set with it.
    """
    Team.objects.filter(pk=team.pk).record_change()
    revision = Team.objects.filter(pk=team.pk).values_list("revision", flat=True).get()
    return ChangeSet.objects.create(
        team_id=team.pk,
        revision=revision,
        user=by if by is not None and by.is_authenticated else None,
        action=action,
        summary=summary,
        undoes=undoes,
    )


def show_letters(text: str) -> str:
    return text or BLANK


def cell_summary(role_name: str, activity_name: str, before: str, after: str) -> str:
    """ "Product Owner on “Backlog ordering” C → AR"."""
    return f"{role_name} on “{activity_name}” {show_letters(before)} → {show_letters(after)}"


class CellWrite(NamedTuple):
    """One cell to write: the letters (text or Letter members) and the version
    the writer saw (0: no row yet)."""

    activity_id: int
    role_id: int
    letters: object
    expected_version: int


class CellConflict(NamedTuple):
    """A cell changed by someone else since the writer saw it."""

    activity_id: int
    role_id: int
    activity_name: str
    role_name: str
    letters: str  # what it holds now

    def __str__(self):
        return f"{self.role_name} on “{self.activity_name}” (now {show_letters(self.letters)})"


class CellsWritten(NamedTuple):
    """What Team.write_cells did.

    `ok`: every cell was written, as `change_set` (None when no cell needed
    changing). Otherwise nothing was written, and `conflicts` names the cells
    changed meanwhile, or `refused` says which cell is not in this matrix;
    `message` says it in a sentence either way.
    """

    ok: bool
    change_set: ChangeSet | None = None
    conflicts: tuple[CellConflict, ...] = ()
    refused: str = ""

    @property
    def message(self) -> str:
        if self.refused:
            return self.refused
        if self.conflicts:
            cells = "; ".join(str(conflict) for conflict in self.conflicts)
            return f"Changed by someone else meanwhile, so nothing was written: {cells}."
        if self.change_set is None:
            return "Nothing to change."
        return f"Saved: {self.change_set.summary}."


class _Refused(Exception):
    def __init__(self, written: CellsWritten):
        self.written = written


def cells_in_team(team: Team, cells) -> tuple[dict[int, str], dict[int, str]]:
    """The names of the activities and role columns `cells` name, in two queries;
    _Refused, naming the first cell outside this matrix."""
    activity_ids = {cell[0] for cell in cells}
    role_ids = {cell[1] for cell in cells}
    activities = dict(
        Activity.objects.filter(team=team, pk__in=activity_ids).values_list("pk", "name")
    )
    roles = dict(
        TeamRole.objects.filter(team=team, role_id__in=role_ids).values_list(
            "role_id", "role__name"
        )
    )
    for position, (activity_id, role_id, *_rest) in enumerate(cells, start=1):
        if activity_id not in activities or role_id not in roles:
            row = activities.get(activity_id, f"row #{activity_id} (not in this matrix)")
            column = roles.get(role_id, f"column #{role_id} (not in this matrix)")
            raise _Refused(
                CellsWritten(
                    ok=False,
                    refused=f"Cell {position}, {column} on {row}, is not in this matrix: "
                    "nothing was written.",
                )
            )
    return activities, roles


def current_cells(team: Team, cells) -> dict[tuple[int, int], tuple[str, int]]:
    """(letters, version) of the named cells that have a row, in one query."""
    rows = Assignment.objects.filter(
        activity__team=team,
        activity_id__in={cell[0] for cell in cells},
        role_id__in={cell[1] for cell in cells},
    ).values_list("activity_id", "role_id", "letters", "version")
    return {(a, r): (letters, version) for a, r, letters, version in rows}


def write_cells_in(cs: ChangeSet, team: Team, cells: list[CellWrite], *, names=None) -> tuple:
    """Write `cells` as part of the change set `cs` (the caller's transaction,
    the team's lock held). Returns the conflicts, writing nothing, if any
    cell is no longer at its expected version; else the cell changes made,
    as (activity name, role name, before, after)."""
    activities, roles = names or cells_in_team(team, cells)
    current = current_cells(team, cells)
    conflicts = []
    for activity_id, role_id, _letters, expected in cells:
        letters, version = current.get((activity_id, role_id), ("", 0))
        if version != expected:
            conflicts.append(
                CellConflict(activity_id, role_id, activities[activity_id], roles[role_id], letters)
            )
    if conflicts:
        return tuple(conflicts), []
    changes, made = [], []
    for activity_id, role_id, letters, expected in cells:
        before = current.get((activity_id, role_id), ("", 0))[0]
        after = letters_to_text(letters)
        if after == before:
            continue
        # Under the team's lock the versions just read still hold; the
        # compare-and-set is the database's word on it all the same.
        if not Assignment.objects.compare_and_set(
            activity_id=activity_id, role_id=role_id, letters=after, version=expected
        ):
            letters_now = current.get((activity_id, role_id), ("", 0))[0]
            conflict = CellConflict(
                activity_id, role_id, activities[activity_id], roles[role_id], letters_now
            )
            return (conflict,), []
        changes.append(
            Change(
                kind="cell", activity_id=activity_id, role_id=role_id, before=before, after=after
            )
        )
        made.append((activities[activity_id], roles[role_id], before, after))
    cs.add(changes)
    return (), made


def cells_summary(made) -> str:
    if len(made) == 1:
        activity, role, before, after = made[0]
        return cell_summary(role, activity, before, after)
    rows = {activity for activity, *_ in made}
    where = f"“{next(iter(rows))}”" if len(rows) == 1 else f"{len(rows)} activities"
    return f"{len(made)} cells on {where}"


def write_cells(
    team: Team, cells, *, by, action: str = "paste", summary: str = "", undoes=None
) -> CellsWritten:
    """See Team.write_cells."""
    cells = [CellWrite(*cell) for cell in cells]
    try:
        _check_cells(cells)
        with transaction.atomic():
            cs = change_set(team, by=by, action=action, summary=summary, undoes=undoes)
            conflicts, made = write_cells_in(cs, team, cells)
            if conflicts:
                raise _Refused(CellsWritten(ok=False, conflicts=conflicts))
            if not made:
                raise _Refused(CellsWritten(ok=True))
            if not summary:
                cs.describe(cells_summary(made))
    except _Refused as refused:
        return refused.written
    except IntegrityError:
        # An activity went by a path that records nothing (a database shell)
        # and a new cell's foreign key failed at commit.
        return CellsWritten(
            ok=False, refused="A row of this paste was removed meanwhile: nothing was written."
        )
    return CellsWritten(ok=True, change_set=cs)


def _check_cells(cells: list[CellWrite]) -> None:
    seen = set()
    for position, (activity_id, role_id, letters, expected) in enumerate(cells, start=1):
        if (activity_id, role_id) in seen:
            raise _Refused(
                CellsWritten(
                    ok=False,
                    refused=f"Cell {position} repeats an earlier cell: nothing was written.",
                )
            )
        seen.add((activity_id, role_id))
        if len(letters_to_text(letters)) != len(set(letters)) or expected < 0:
            raise _Refused(
                CellsWritten(
                    ok=False, refused=f"Cell {position} is not R, A, C or I: nothing was written."
                )
            )
