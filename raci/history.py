"""The change log: every write to a team records what it changed, who and when,
as one change set in its own transaction; undo, redo and restore replay it.

Written here rather than with django-simple-history or django-reversion: both
record per-model snapshots from signals, which queryset.update() and
bulk_create() (the cells' compare-and-set, imports) do not send, neither
groups one user action as one change set to undo, and their revert overwrites
without comparing. django-pghistory's triggers are PostgreSQL-only.
"""

from contextlib import contextmanager
from datetime import datetime
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction

from raci.models import (
    AcceptedFinding,
    Activity,
    Assignment,
    Change,
    ChangeKind,
    ChangeSet,
    Person,
    Role,
    RoleHolder,
    Team,
    TeamRole,
)
from raci.vocabulary import letters_to_text

BLANK = "—"


def change_set(team: Team, *, by, action: str, summary: str = "", undoes=None) -> ChangeSet:
    """Start the change set of a write to `team`, inside the write's transaction.

    Bumps the team's revision (taking its row lock: writes to one team run one
    after the other) and records the change set at that revision. A write that
    is rolled back takes its change set with it.
    """
    # With the trash: a write on its way while the team was trashed lands in it.
    Team.with_trashed.filter(pk=team.pk).record_change()
    revision = Team.with_trashed.filter(pk=team.pk).values_list("revision", flat=True).get()
    return change_set_at(team, revision, by=by, action=action, summary=summary, undoes=undoes)


def change_set_at(team: Team, revision: int, *, by, action: str, summary: str = "", undoes=None):
    """The change set of a write that has already called record_change() in
    its transaction and read the revision it made (the cell edit, which reads
    it with the cell's names in one query)."""
    return ChangeSet.objects.create(
        team_id=team.pk,
        revision=revision,
        user=by if by is not None and by.is_authenticated else None,
        action=action,
        summary=fit_summary(summary),
        undoes=undoes,
    )


def fit_summary(text: str) -> str:
    """`text` cut to the summary's column, with an ellipsis where it was cut."""
    limit = ChangeSet._meta.get_field("summary").max_length
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


# --- Structural writes: the team's state before and after, and the difference -----------

# What a change of each kind holds (before and after; None: not there):
#   cell        activity_id, role_id; the letters as text ("" for none)
#   activity    activity_id; ACTIVITY_FIELDS (all of them when added or deleted,
#               else only those that changed)
#   column      role_id; {"position": n, "name": the role's name then}
#   holder      person_id, role_id; true when the person holds the role
#   setting     the SETTING_FIELDS that changed
#   acceptance  activity_id, role_id, person_id; ACCEPTANCE_FIELDS with its "id"
ACTIVITY_FIELDS = ("name", "description", "category", "catalogue_key", "position")
SETTING_FIELDS = (
    "name",
    "uses_scrum",
    "stage",
    "accountable_does_work",
    "max_responsible",
    "max_consulted",
)
ACCEPTANCE_FIELDS = (
    "id",
    "rule",
    "activity_id",
    "role_id",
    "person_id",
    "subject",
    "letters",
    "reason",
    "accepted_by_id",
    "accepted_at",
)
PARTS = ("settings", "activities", "columns", "cells", "holders", "acceptances")


def team_state(team: Team, parts=PARTS) -> dict:
    """The team as plain JSON-ready values, one query per part."""
    state = {}
    if "settings" in parts:
        state["settings"] = Team.objects.filter(pk=team.pk).values(*SETTING_FIELDS).get()
    if "activities" in parts:
        rows = Activity.objects.filter(team=team).values("pk", *ACTIVITY_FIELDS)
        state["activities"] = {row.pop("pk"): row for row in rows}
    if "columns" in parts:
        # The name only to say which column it was once the role is deleted.
        rows = TeamRole.objects.filter(team=team).values_list("role_id", "position", "role__name")
        state["columns"] = {
            role_id: {"position": position, "name": name} for role_id, position, name in rows
        }
    if "cells" in parts:
        rows = Assignment.objects.filter(activity__team=team).exclude(letters="")
        state["cells"] = {
            (a, r): letters
            for a, r, letters in rows.values_list("activity_id", "role_id", "letters")
        }
    if "holders" in parts:
        state["holders"] = set(
            RoleHolder.objects.filter(team=team).values_list("person_id", "role_id")
        )
    if "acceptances" in parts:
        rows = AcceptedFinding.objects.filter(team=team).values(*ACCEPTANCE_FIELDS)
        state["acceptances"] = {row["id"]: _plain(row) for row in rows}
    return state


def _plain(row: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}


def _changed(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def state_changes(before: dict, after: dict) -> list[Change]:
    """The changes from one team state to another, in an order that can be
    replayed forwards, and backwards by an undo: what is added comes first,
    what is removed last (cells go before their row or column does)."""
    changes = []
    if "settings" in after:
        old, new = _changed(before["settings"], after["settings"])
        if new:
            changes.append(Change(kind=ChangeKind.SETTING, before=old, after=new))
    old_rows, new_rows = before.get("activities", {}), after.get("activities", {})
    old_cols, new_cols = before.get("columns", {}), after.get("columns", {})
    for pk in sorted(new_rows.keys() - old_rows.keys()):
        changes.append(Change(kind=ChangeKind.ACTIVITY, activity_id=pk, after=new_rows[pk]))
    for role_id in sorted(new_cols.keys() - old_cols.keys()):
        changes.append(Change(kind=ChangeKind.COLUMN, role_id=role_id, after=new_cols[role_id]))
    for pk in sorted(old_rows.keys() & new_rows.keys()):
        old, new = _changed(old_rows[pk], new_rows[pk])
        if new:
            changes.append(Change(kind=ChangeKind.ACTIVITY, activity_id=pk, before=old, after=new))
    for role_id in sorted(old_cols.keys() & new_cols.keys()):
        if old_cols[role_id]["position"] != new_cols[role_id]["position"]:
            changes.append(
                Change(
                    kind=ChangeKind.COLUMN,
                    role_id=role_id,
                    before=old_cols[role_id],
                    after=new_cols[role_id],
                )
            )
    old_cells, new_cells = before.get("cells", {}), after.get("cells", {})
    for a, r in sorted(old_cells.keys() | new_cells.keys()):
        old, new = old_cells.get((a, r), ""), new_cells.get((a, r), "")
        if old != new:
            changes.append(
                Change(kind=ChangeKind.CELL, activity_id=a, role_id=r, before=old, after=new)
            )
    old_held, new_held = before.get("holders", set()), after.get("holders", set())
    for person_id, role_id in sorted(old_held ^ new_held):
        held = (person_id, role_id) in new_held
        changes.append(
            Change(
                kind=ChangeKind.HOLDER,
                person_id=person_id,
                role_id=role_id,
                before=not held,
                after=held,
            )
        )
    old_acc, new_acc = before.get("acceptances", {}), after.get("acceptances", {})
    for pk in sorted(old_acc.keys() | new_acc.keys()):
        old, new = old_acc.get(pk), new_acc.get(pk)
        if old != new:
            row = new or old
            changes.append(
                Change(
                    kind=ChangeKind.ACCEPTANCE,
                    activity_id=row["activity_id"],
                    role_id=row["role_id"],
                    person_id=row["person_id"],
                    before=old,
                    after=new,
                )
            )
    for role_id in sorted(old_cols.keys() - new_cols.keys()):
        changes.append(Change(kind=ChangeKind.COLUMN, role_id=role_id, before=old_cols[role_id]))
    for pk in sorted(old_rows.keys() - new_rows.keys()):
        changes.append(Change(kind=ChangeKind.ACTIVITY, activity_id=pk, before=old_rows[pk]))
    return changes


@contextmanager
def recording(team: Team, *, by, action: str, summary: str = "", parts=PARTS):
    """Record what the block changes in `team` as one change set, in one
    transaction with it: the team's `parts` are read before and after (a
    fixed number of queries) and their difference kept.

        with history.recording(team, by=request.user, action="column-remove") as cs:
            ...  # the write
    """
    with transaction.atomic():
        cs = change_set(team, by=by, action=action, summary=summary)
        before = team_state(team, parts)
        yield cs
        if transaction.get_rollback():
            return  # the block gave up: nothing was written
        changes = state_changes(before, team_state(team, parts))
        if not changes:
            # Nothing the log keeps changed (a move at the end of its group, a
            # person's email): the revision moves on, no change set is kept.
            cs.delete()
            return
        cs.add(changes)
        if not cs.summary:
            names = Names(team, changes)
            lines = [describe(change, names) for change in changes]
            more = f" and {len(lines) - 1} more changes" if len(lines) > 1 else ""
            cs.describe(lines[0] + more)


# --- Undo, redo and restore: the recorded changes replayed backwards ------------------


def _form_version(change: Change) -> dict:
    """An activity's name, description, category or catalogue key written back
    moves its version on, so that an edit form opened before is refused
    instead of saving over it (a move alone does not)."""
    return {"version": models.F("version") + 1} if set(change.before) - {"position"} else {}


class Names:
    """Names for messages: the team's activities (those deleted too, from the
    changes being replayed), the organization's roles and people."""

    def __init__(self, team: Team, changes=()):
        self.activities = {
            change.activity_id: (change.before or change.after)["name"]
            for change in changes
            if change.kind == ChangeKind.ACTIVITY and "name" in (change.before or change.after)
        }
        self.activities.update(Activity.objects.filter(team=team).values_list("pk", "name"))
        unknown = {c.activity_id for c in changes if c.activity_id} - self.activities.keys()
        if unknown:
            # Deleted by a change not being replayed: its name is in the log.
            logged = Change.objects.filter(
                change_set__team=team, kind=ChangeKind.ACTIVITY, activity_id__in=unknown
            ).values_list("activity_id", "before", "after")
            for pk, before, after in logged:
                if "name" in (before or after or {}):
                    self.activities.setdefault(pk, (before or after)["name"])
        organization = team.organization_id
        self.existing_roles = dict(
            Role.objects.filter(organization=organization).values_list("pk", "name")
        )
        self.roles = {
            change.role_id: (change.before or change.after)["name"]
            for change in changes
            if change.kind == ChangeKind.COLUMN and "name" in (change.before or change.after)
        }
        self.roles.update(self.existing_roles)
        self.people = dict(
            Person.objects.filter(organization=organization).values_list("pk", "name")
        )

    def activity(self, pk) -> str:
        return f"“{self.activities.get(pk, f'activity #{pk}')}”"

    def role(self, pk) -> str:
        return self.roles.get(pk, f"role #{pk}")

    def person(self, pk) -> str:
        return self.people.get(pk, f"person #{pk}")


def describe(change: Change, names: Names) -> str:
    """One line for one change: "Product Owner on “Backlog ordering”: C → AR"."""
    before, after = change.before, change.after
    match change.kind:
        case ChangeKind.CELL:
            where = f"{names.role(change.role_id)} on {names.activity(change.activity_id)}"
            return f"{where}: {show_letters(before)} → {show_letters(after)}"
        case ChangeKind.ACTIVITY if before is None:
            return f"Activity {names.activity(change.activity_id)} added"
        case ChangeKind.ACTIVITY if after is None:
            return f"Activity {names.activity(change.activity_id)} removed"
        case ChangeKind.ACTIVITY:
            return f"Activity {names.activity(change.activity_id)}: " + _fields(before, after)
        case ChangeKind.COLUMN if before is None:
            return f"Column {names.role(change.role_id)} added"
        case ChangeKind.COLUMN if after is None:
            return f"Column {names.role(change.role_id)} removed"
        case ChangeKind.COLUMN:
            return f"Column {names.role(change.role_id)} moved"
        case ChangeKind.HOLDER:
            holds = "holds" if after else "no longer holds"
            return f"{names.person(change.person_id)} {holds} {names.role(change.role_id)}"
        case ChangeKind.SETTING:
            return "Settings: " + _fields(before, after)
        case ChangeKind.ACCEPTANCE:
            rule = (after or before)["rule"]
            if after is None:
                return f"Finding {rule} reopened"
            return f"Finding {rule} accepted" if before is None else f"Finding {rule}: reason"
    return change.kind


def _fields(before: dict, after: dict) -> str:
    def show(value):
        return "“”" if value == "" else str(value)

    return ", ".join(
        f"{key.replace('_', ' ')} changed"
        if key == "description"
        else f"{key.replace('_', ' ')} {show(before.get(key))} → {show(value)}"
        for key, value in after.items()
    )


class Reverted(NamedTuple):
    """What an undo, redo or restore did: `change_set` (None when there was
    nothing to do), what it changed as lines, and the `conflicts`: what
    colleagues changed since, left as they set it, each with why. `refused`:
    what an undo or redo that changed nothing, for the conflicts, set out to
    do (it recorded nothing)."""

    change_set: ChangeSet | None
    lines: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    refused: str = ""

    @property
    def message(self) -> str:
        summary = self.change_set.summary if self.change_set else self.refused
        if not summary:
            return ""
        kept = " ".join(self.conflicts)
        # A summary may end a sentence already (an acceptance's reason).
        stop = "" if summary.endswith((".", "!", "?", "…")) else "."
        return f"{summary}{stop}" + (f" Left as colleagues set them: {kept}" if kept else "")


class _Reverter:
    """Applies the inverse of recorded changes, newest first, each only where
    the team still holds what the change left (else a conflict, and the
    colleague's value stays), recording what it did in `cs`."""

    def __init__(self, team: Team, cs: ChangeSet, changes):
        self.team, self.cs = team, cs
        self.names = Names(team, changes)
        self.done: list[Change] = []
        self.conflicts: list[str] = []
        self.cell_conflicts: list[tuple[int, int, str]] = []
        # Rows and columns that could not come back: their cells go unsaid.
        self.missing_rows: set[int] = set()
        self.missing_columns: set[int] = set()

    def revert(self, changes) -> None:
        cells = []
        for change in reversed(changes):
            if change.kind == ChangeKind.CELL:
                cells.append(change)
                continue
            self._cells(cells)
            cells = []
            getattr(self, f"_{change.kind}")(change)
        self._cells(cells)

    def _did(self, change: Change, **ids) -> None:
        self.done.append(Change(kind=change.kind, before=change.after, after=change.before, **ids))

    def _conflict(self, text: str) -> None:
        if text not in self.conflicts:
            self.conflicts.append(text)

    def finish(self) -> tuple[str, ...]:
        """Record what was done; the conflicts, colleagues' cell changes named by who."""
        self.cs.add(self.done)
        if self.cell_conflicts:
            who = _who_changed_since(self.team, self.cell_conflicts, self.cs.revision)
            for a, r, letters in self.cell_conflicts:
                by = who.get((a, r), "someone else")
                self._conflict(
                    f"{self.names.role(r)} on {self.names.activity(a)}: {by} made it "
                    f"{show_letters(letters)} since."
                )
        return tuple(self.conflicts)

    def _cells(self, changes) -> None:
        if not changes:
            return
        rows = set(Activity.objects.filter(team=self.team).values_list("pk", flat=True))
        columns = set(TeamRole.objects.filter(team=self.team).values_list("role_id", flat=True))
        current = current_cells(self.team, [(c.activity_id, c.role_id) for c in changes])
        for change in changes:
            a, r = change.activity_id, change.role_id
            if a in self.missing_rows or r in self.missing_columns:
                continue
            if a not in rows:
                self._conflict(f"{self.names.activity(a)} is no longer in the matrix.")
                continue
            if r not in columns:
                self._conflict(f"{self.names.role(r)} is no longer a column.")
                continue
            letters, version = current.get((a, r), ("", 0))
            if letters != change.after:
                self.cell_conflicts.append((a, r, letters))
                continue
            if letters == change.before:
                continue
            if not Assignment.objects.compare_and_set(
                activity_id=a, role_id=r, letters=change.before, version=version
            ):
                # Written by a path that takes no team lock (a database shell).
                self.cell_conflicts.append((a, r, letters))
                continue
            current[(a, r)] = (change.before, version + 1)
            self._did(change, activity_id=a, role_id=r)

    def _activity(self, change: Change) -> None:
        pk = change.activity_id
        name = self.names.activity(pk)
        row = Activity.objects.filter(team=self.team, pk=pk).values(*ACTIVITY_FIELDS).first()
        if change.after is None:  # deleted: bring it back, with its id
            if row is not None:
                return
            if self._saved(
                lambda: Activity.objects.create(pk=pk, team=self.team, **change.before),
                f"{name} could not come back: the team has an activity of that name now.",
            ):
                self._did(change, activity_id=pk)
            else:
                self.missing_rows.add(pk)
        elif change.before is None:  # added: take it away, unless colleagues filled it since
            if row is None:
                return
            if Assignment.objects.filter(activity_id=pk).exclude(letters="").exists():
                self._conflict(f"{name} stays: it has letters set since.")
                return
            Activity.objects.filter(pk=pk).delete()
            self.done.append(Change(kind=change.kind, activity_id=pk, before=row, after=None))
        elif row is None:
            self._conflict(f"{name} is no longer in the matrix.")
        elif any(row[key] != value for key, value in change.after.items()):
            self._conflict(f"{name} was changed since.")
        elif self._saved(
            lambda: Activity.objects.filter(pk=pk).update(**change.before, **_form_version(change)),
            f"{name} could not be renamed back: another activity has that name now.",
        ):
            self._did(change, activity_id=pk)

    def _column(self, change: Change) -> None:
        role_id = change.role_id
        role = self.names.role(role_id)
        column = TeamRole.objects.filter(team=self.team, role_id=role_id).first()
        if change.after is None:  # removed: bring it back where it was
            if column is not None:
                return
            if role_id not in self.names.existing_roles:
                self._conflict(f"The role {role} no longer exists in the organization.")
                self.missing_columns.add(role_id)
                return
            position = change.before["position"]
            TeamRole.objects.create(team=self.team, role_id=role_id, position=position)
            self._did(change, role_id=role_id)
        elif change.before is None:  # added: take it away, unless colleagues filled it since
            if column is None:
                return
            filled = Assignment.objects.filter(activity__team=self.team, role_id=role_id)
            held = RoleHolder.objects.filter(team=self.team, role_id=role_id)
            if filled.exclude(letters="").exists() or held.exists():
                self._conflict(f"The {role} column stays: it has letters or holders set since.")
                return
            filled.delete()
            column.delete()
            self.done.append(
                Change(
                    kind=change.kind,
                    role_id=role_id,
                    before={"position": column.position, "name": role},
                    after=None,
                )
            )
        elif column is None or column.position != change.after["position"]:
            self._conflict(f"The {role} column was moved or removed since.")
        else:
            TeamRole.objects.filter(pk=column.pk).update(position=change.before["position"])
            self._did(change, role_id=role_id)

    def _holder(self, change: Change) -> None:
        person_id, role_id = change.person_id, change.role_id
        holders = RoleHolder.objects.filter(team=self.team, person_id=person_id, role_id=role_id)
        held = holders.exists()
        if held == change.before:
            return
        if role_id in self.missing_columns:
            return  # said once, for the column
        if not change.before:
            holders.delete()
        elif person_id in self.names.people and role_id in self.names.existing_roles:
            RoleHolder.objects.create(team=self.team, person_id=person_id, role_id=role_id)
        else:
            self._conflict(
                f"{self.names.person(person_id)} or the role {self.names.role(role_id)} "
                "no longer exists."
            )
            return
        self._did(change, person_id=person_id, role_id=role_id)

    def _setting(self, change: Change) -> None:
        team = Team.objects.filter(pk=self.team.pk)
        current = team.values(*change.after).get()
        changed = [key for key, value in change.after.items() if current[key] != value]
        if changed:
            fields = ", ".join(key.replace("_", " ") for key in changed)
            self._conflict(f"The team's settings were changed since ({fields}).")
        elif self._saved(
            # A settings form opened before the undo is refused, not saved over it.
            lambda: team.update(**change.before, settings_version=models.F("settings_version") + 1),
            "The team could not take its old name back: another team has it now.",
        ):
            self._did(change)

    def _acceptance(self, change: Change) -> None:
        values = change.before or change.after
        found = AcceptedFinding.objects.filter(team=self.team, pk=values["id"])
        row = found.values(*ACCEPTANCE_FIELDS).first()
        ids = {key: values[key] for key in ("activity_id", "role_id", "person_id")}
        if change.after is None:  # reopened: accept it again
            if row is not None:
                return
            # Checked here: foreign keys are checked only at commit, too late to say which.
            if not self._still_there(ids):
                self._conflict(
                    f"The finding {values['rule']} was not accepted again: its row, column "
                    "or person is no longer here."
                )
                return
            accepted = dict(change.before)
            if not get_user_model().objects.filter(pk=accepted["accepted_by_id"]).exists():
                accepted["accepted_by_id"] = None
            if self._saved(
                lambda: AcceptedFinding.objects.create(team=self.team, **accepted),
                f"The finding {values['rule']} could not be accepted again: it was since.",
            ):
                self._did(change, **ids)
        elif change.before is None:  # accepted: reopen it
            if row is not None:
                found.delete()
                self._did(change, **ids)
        elif row is not None and _plain(row) == change.after:
            found.update(**{k: v for k, v in change.before.items() if k != "id"})
            self._did(change, **ids)
        else:
            self._conflict(f"The acceptance of {values['rule']} was changed since.")

    def _still_there(self, ids: dict) -> bool:
        activity, role, person = ids["activity_id"], ids["role_id"], ids["person_id"]
        return (
            (not activity or Activity.objects.filter(team=self.team, pk=activity).exists())
            and (not role or role in self.names.existing_roles)
            and (not person or person in self.names.people)
        )

    def _saved(self, write, refusal: str) -> bool:
        try:
            with transaction.atomic():
                write()
        except IntegrityError:
            self._conflict(refusal)
            return False
        return True


def _who_changed_since(team: Team, cells, revision: int) -> dict[tuple[int, int], str]:
    """Who last changed each of `cells` (by the log), in one query."""
    changes = (
        Change.objects.filter(
            change_set__team=team,
            kind=ChangeKind.CELL,
            activity_id__in={a for a, _r, _l in cells},
            role_id__in={r for _a, r, _l in cells},
            change_set__revision__lt=revision,
        )
        .order_by("change_set__revision")
        .values_list("activity_id", "role_id", "change_set__user__username")
    )
    return {(a, r): user or "someone else" for a, r, user in changes}


def _changes_of(change_sets) -> list[Change]:
    """Their changes, in one query, in the order they were made."""
    return list(
        Change.objects.filter(change_set__in=change_sets).order_by("change_set__revision", "id")
    )


def _revert(team: Team, cs: ChangeSet, sources, *, summary: str, undoes=None) -> Reverted:
    """Undo `sources` (change sets of `team`, newest first) as the change set `cs`."""
    cs.summary, cs.undoes = fit_summary(summary), undoes
    cs.save(update_fields=["summary", "undoes"])
    changes = _changes_of(sources)
    reverter = _Reverter(team, cs, changes)
    by_source = {}
    for change in changes:
        by_source.setdefault(change.change_set_id, []).append(change)
    for source in sources:
        reverter.revert(by_source.get(source.pk, []))
    conflicts = reverter.finish()
    return Reverted(cs, tuple(describe(c, reverter.names) for c in reverter.done), conflicts)


NOT_UNDONE = models.Q(undone_by__isnull=True)


def undo_target(team: Team, user) -> ChangeSet | None:
    """The user's last change set in this team that is not undone yet."""
    return (
        ChangeSet.objects.filter(team=team, user=user)
        .exclude(action="undo")
        .filter(NOT_UNDONE)
        .order_by("-revision")
        .first()
    )


def redo_target(team: Team, user) -> ChangeSet | None:
    """The user's last undo not redone yet, unless they changed something since."""
    mine = ChangeSet.objects.filter(team=team, user=user)
    last_action = mine.exclude(action__in=["undo", "redo"]).order_by("-revision").first()
    undos = mine.filter(action="undo").filter(NOT_UNDONE)
    if last_action is not None:
        undos = undos.filter(revision__gt=last_action.revision)
    return undos.order_by("-revision").select_related("undoes").first()


def undo(team: Team, *, by) -> Reverted:
    """Undo `by`'s last change set in this team, as a change set of its own."""
    with transaction.atomic():
        # The team's lock first: two undos at once take two different change sets.
        cs = change_set(team, by=by, action="undo")
        target = undo_target(team, by)
        if target is None:
            transaction.set_rollback(True)
            return Reverted(None)
        done = _as_done(target)
        reverted = _revert(team, cs, [target], summary=f"Undid: {done}", undoes=target)
        return _kept_unless_refused(reverted, refused=f"Could not undo: {done}")


def _kept_unless_refused(reverted: Reverted, *, refused: str) -> Reverted:
    """`reverted`, unless it changed nothing because colleagues changed all it
    would have taken back. Then its transaction is rolled back: no change set
    that counts as a step, the team's revision as it was, and the user's next
    undo or redo is this one again, whose answer names the colleagues' changes."""
    if reverted.lines or not reverted.conflicts:
        return reverted
    transaction.set_rollback(True)
    return Reverted(None, conflicts=reverted.conflicts, refused=refused)


def _as_done(target: ChangeSet) -> str:
    """What a change set did, in the user's words: a redo did again what its
    undo took back, and is told as that change."""
    if target.action == "redo" and target.undoes and target.undoes.undoes:
        return target.undoes.undoes.summary
    return target.summary


def redo(team: Team, *, by) -> Reverted:
    """Redo `by`'s last undo, unless they changed something since."""
    with transaction.atomic():
        cs = change_set(team, by=by, action="redo")
        target = redo_target(team, by)
        if target is None:
            transaction.set_rollback(True)
            return Reverted(None)
        undone = target.undoes.summary if target.undoes else target.summary
        reverted = _revert(team, cs, [target], summary=f"Redid: {undone}", undoes=target)
        return _kept_unless_refused(reverted, refused=f"Could not redo: {undone}")


def restore(team: Team, *, to: ChangeSet, by, preview: bool = False) -> Reverted:
    """Bring the team back to how it was right after `to`: every change set
    since, colleagues' too, undone newest first, as one change set. With
    `preview`, the same is done and rolled back: what would change."""
    with transaction.atomic():
        cs = change_set(team, by=by, action="restore")
        since = list(
            ChangeSet.objects.filter(team=team, revision__gt=to.revision).exclude(pk=cs.pk)
        )
        if not since:
            transaction.set_rollback(True)
            return Reverted(None)
        summary = f"Restored the team as it was after change {to.revision} ({to.summary})"
        before = team_state(team)
        reverted = _revert(team, cs, since, summary=summary)
        # Said as the difference it makes, each cell once, rather than step by step.
        names = Names(team, _changes_of(since))
        names.activities.update((pk, row["name"]) for pk, row in before["activities"].items())
        net = state_changes(before, team_state(team))
        if not net:
            # The team is already back as it was: a restore would only add a
            # change set that changes nothing to the history.
            transaction.set_rollback(True)
            return Reverted(None, conflicts=reverted.conflicts)
        reverted = reverted._replace(lines=tuple(describe(change, names) for change in net))
        if preview:
            transaction.set_rollback(True)
    return reverted
