"""Two matrices side by side: which rows, columns and cells were added, removed
or changed, and the findings of each side. Pure Python, no Django.

Rows (activities) and columns (roles) are matched by name, case and spacing
aside, as people read them: a row renamed between two versions shows as one
removed and one added.
"""

import csv
import enum
import io
from dataclasses import dataclass

from raci import rules
from raci.tables import guard_formula
from raci.vocabulary import fold, letters_to_text


class Status(enum.StrEnum):
    SAME = "same"
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a label ("Agreed split, Q3", "Now"), its matrix
    and the thresholds its findings were computed with."""

    label: str
    matrix: rules.Matrix
    thresholds: rules.Thresholds

    def findings(self) -> list[rules.Finding]:
        return rules.open_findings(rules.analyse(self.matrix, self.thresholds))


@dataclass(frozen=True)
class CellDiff:
    activity: str
    role: str
    before: str
    after: str

    @property
    def status(self) -> Status:
        if self.before == self.after:
            return Status.SAME
        if not self.before:
            return Status.ADDED
        return Status.REMOVED if not self.after else Status.CHANGED


@dataclass(frozen=True)
class Line:
    """A row or a column of the comparison: its name and whether it is on both sides."""

    name: str
    status: Status


@dataclass(frozen=True)
class RowDiff:
    activity: Line
    cells: tuple[CellDiff, ...]  # one per column of the comparison, in order

    @property
    def status(self) -> Status:
        """A row on both sides is changed when one of its cells is."""
        if self.activity.status != Status.SAME:
            return self.activity.status
        changed = any(cell.status != Status.SAME for cell in self.cells)
        return Status.CHANGED if changed else Status.SAME


@dataclass(frozen=True)
class FindingDiff:
    finding: rules.Finding
    status: Status  # ADDED: only on the "after" side; REMOVED: only on "before"; else SAME


@dataclass(frozen=True)
class Comparison:
    before: Side
    after: Side
    columns: tuple[Line, ...]
    rows: tuple[RowDiff, ...]
    before_findings: tuple[FindingDiff, ...]
    after_findings: tuple[FindingDiff, ...]

    @property
    def changed_cells(self) -> list[CellDiff]:
        return [cell for row in self.rows for cell in row.cells if cell.status != Status.SAME]

    @property
    def counts(self) -> dict[str, int]:
        """How many rows, columns and cells were added, removed or changed."""
        counts = {}
        for kind, items in (
            ("rows", [row.status for row in self.rows]),
            ("columns", [column.status for column in self.columns]),
            ("cells", [cell.status for cell in self.changed_cells]),
        ):
            for status in (Status.ADDED, Status.REMOVED, Status.CHANGED):
                counts[f"{kind}_{status}"] = items.count(status)
        return counts

    @property
    def unchanged(self) -> bool:
        return not any(self.counts.values())


def compare(before: Side, after: Side) -> Comparison:
    """What changed from `before` to `after`."""
    old, new = before.matrix, after.matrix
    columns = _merge([role.name for role in old.roles], [role.name for role in new.roles])
    rows = _merge(
        [activity.name for activity in old.activities],
        [activity.name for activity in new.activities],
    )
    old_letters = _letters_by_name(old)
    new_letters = _letters_by_name(new)
    row_diffs = tuple(
        RowDiff(
            activity=row,
            cells=tuple(
                CellDiff(
                    activity=row.name,
                    role=column.name,
                    before=old_letters.get((fold(row.name), fold(column.name)), ""),
                    after=new_letters.get((fold(row.name), fold(column.name)), ""),
                )
                for column in columns
            ),
        )
        for row in rows
    )
    before_findings, after_findings = before.findings(), after.findings()
    before_seen = {_finding_key(finding) for finding in before_findings}
    after_seen = {_finding_key(finding) for finding in after_findings}
    return Comparison(
        before=before,
        after=after,
        columns=columns,
        rows=row_diffs,
        before_findings=tuple(
            FindingDiff(f, Status.SAME if _finding_key(f) in after_seen else Status.REMOVED)
            for f in before_findings
        ),
        after_findings=tuple(
            FindingDiff(f, Status.SAME if _finding_key(f) in before_seen else Status.ADDED)
            for f in after_findings
        ),
    )


def _merge(before: list[str], after: list[str]) -> tuple[Line, ...]:
    """The names of both sides in the "after" order, each name of "before" only
    placed after the name it followed there."""
    after_folded = {fold(name) for name in after}
    before_folded = {fold(name) for name in before}
    lines = [
        Line(name, Status.SAME if fold(name) in before_folded else Status.ADDED) for name in after
    ]
    previous = None
    for name in before:
        if fold(name) in after_folded:
            previous = fold(name)
            continue
        index = 0
        if previous is not None:
            index = next(i for i, line in enumerate(lines) if fold(line.name) == previous) + 1
        lines.insert(index, Line(name, Status.REMOVED))
        previous = fold(name)
    return tuple(lines)


def _letters_by_name(matrix: rules.Matrix) -> dict[tuple[str, str], str]:
    activities = {activity.key: fold(activity.name) for activity in matrix.activities}
    roles = {role.key: fold(role.name) for role in matrix.roles}
    return {
        (activities[a], roles[r]): letters_to_text(letters)
        for (a, r), letters in matrix.cells.items()
        if letters and a in activities and r in roles
    }


def _finding_key(finding: rules.Finding) -> tuple:
    """A finding as the same on both sides: keys differ between matrices, names do not."""
    return (finding.rule, finding.activity, finding.role, finding.person, finding.subject)


CSV_HEADER = ("Change", "What", "Activity", "Role", "Before", "After")


def write_csv(comparison: Comparison) -> str:
    """The differences, one line each: the two sides' labels, rows and columns
    added or removed, then every cell that differs. Names a spreadsheet would
    run as a formula are written behind an apostrophe."""
    lines = [
        ("before", "version", "", "", comparison.before.label, ""),
        ("after", "version", "", "", "", comparison.after.label),
    ]
    lines += [
        (row.activity.status, "activity", row.activity.name, "", "", "")
        for row in comparison.rows
        if row.activity.status in (Status.ADDED, Status.REMOVED)
    ]
    lines += [
        (column.status, "role", "", column.name, "", "")
        for column in comparison.columns
        if column.status in (Status.ADDED, Status.REMOVED)
    ]
    lines += [
        (cell.status, "cell", cell.activity, cell.role, cell.before, cell.after)
        for cell in comparison.changed_cells
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows([guard_formula(str(value)) for value in line] for line in lines)
    return out.getvalue()
