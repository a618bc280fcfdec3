"""What an open matrix page has missed since the revision it shows, from the
change log: which rows it can refresh in place, or what to tell the user when
it cannot. Plain values in, a plan out; no Django."""

from dataclasses import dataclass, field

# More changed rows than this and the page is told to refresh instead: a
# reload costs less than swapping most of a large grid row by row.
MAX_ROWS = 20
CELL = "cell"


@dataclass(frozen=True)
class Recorded:
    """One change set as the page needs it."""

    revision: int
    user_id: int | None
    user_name: str  # "" when unknown (a former member, a script)
    # (kind, activity id, role id) of each change it made.
    changes: tuple[tuple[str, int | None, int | None], ...]


@dataclass(frozen=True)
class CatchUp:
    # The activities whose rows can be refreshed in place; empty with `notice`.
    rows: frozenset[int] = frozenset()
    # What to tell the user when the page cannot catch up by itself ("" if none).
    notice: str = ""
    # The cells and rows (DOM ids) the notice is about, to be marked on the page.
    marked: tuple[str, ...] = field(default=())
    # The revision the page shows once this is applied.
    revision: int = 0


def catch_up(
    recorded: list[Recorded], *, seen: int, current: int, me: int, editing: bool
) -> CatchUp:
    """What the page at revision `seen` does to show revision `current`.

    Rows refresh in place when every revision since `seen` is in the change
    log, only cells changed, in a few rows, and the user is not in the middle
    of an edit (a row swapped under an open picker would lose it). Otherwise
    the page keeps showing `seen`, grid and findings alike, and the user is
    told who changed what, with the changed cells marked. The user's own
    changes (this tab's, mostly) are never announced.
    """
    complete = len({change_set.revision for change_set in recorded}) == current - seen
    cells_only = all(kind == CELL for cs in recorded for kind, _a, _r in cs.changes)
    rows = frozenset(a for cs in recorded for _kind, a, _r in cs.changes if a is not None)
    if complete and cells_only and len(rows) <= MAX_ROWS and not editing:
        return CatchUp(rows=rows, revision=current)
    others = [cs for cs in recorded if cs.user_id != me]
    if complete and not others:
        # Only this user's own changes: already on this page, or in another tab of theirs.
        return CatchUp(rows=frozenset() if editing else rows, revision=current)
    cells = {(a, r) for cs in others for kind, a, r in cs.changes if kind == CELL}
    rows_touched = {a for cs in others for kind, a, _r in cs.changes if kind != CELL and a}
    marked = tuple(sorted(f"cell-{a}-{r}" for a, r in cells)) + tuple(
        sorted(f"row-{a}" for a in rows_touched)
    )
    return CatchUp(
        notice=_notice(others, cells, complete and cells_only), marked=marked, revision=seen
    )


def rows_changed_by_others(
    recorded: list[Recorded], *, seen: int, current: int, me: int
) -> frozenset[int] | None:
    """The rows others changed between `seen` and `current`, for a cell edit's
    answer to bring along, so that the findings it shows (computed from the
    whole team) match the grid; None when the page cannot catch up in place
    (unrecorded or structural changes, too many rows)."""
    complete = len({change_set.revision for change_set in recorded}) == current - seen
    others = [cs for cs in recorded if cs.user_id != me]
    if not complete or any(kind != CELL for cs in others for kind, _a, _r in cs.changes):
        return None
    rows = frozenset(a for cs in others for _kind, a, _r in cs.changes if a is not None)
    return rows if len(rows) <= MAX_ROWS else None


def _notice(others: list[Recorded], cells: set, cells_only: bool) -> str:
    names = sorted({cs.user_name for cs in others if cs.user_name})
    who = _join(names) if names else "Someone"
    if cells_only and cells:
        return f"{who} changed {len(cells)} cell{'' if len(cells) == 1 else 's'}"
    return f"{who} changed the team"


def _join(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
