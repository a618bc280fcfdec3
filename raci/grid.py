"""The matrix editor's grid: a team's cells, rows and columns with the
findings that concern each of them attached, ready for the template.

Findings are placed where a team lead looks for them: on the cell when they
name an activity and a role, on the row when they name only an activity, on
the column when they name only a role.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from raci import rules
from raci.models import Activity, Assignment, Role, TeamSnapshot
from raci.vocabulary import SEVERITY_ORDER, Category, Severity


@dataclass
class Marked:
    """Something findings can be attached to."""

    findings: list[rules.Finding] = field(default_factory=list)

    @property
    def severity(self) -> Severity | None:
        return min((f.severity for f in self.findings), key=lambda s: s.rank, default=None)

    @property
    def counts(self) -> list[tuple[Severity, int]]:
        """The badges: each severity present, with its count."""
        return [item for item in rules.count_by_severity(self.findings).items() if item[1]]


@dataclass
class Cell(Marked):
    activity: Activity | None = None
    role: Role | None = None
    letters: str = ""
    version: int = 0
    stale: bool = False

    @property
    def dom_id(self) -> str:
        return f"cell-{self.activity.pk}-{self.role.pk}"


@dataclass
class Row(Marked):
    activity: Activity | None = None
    cells: list[Cell] = field(default_factory=list)
    # Activities move within their category, the group they are shown in.
    can_move_up: bool = False
    can_move_down: bool = False

    @property
    def dom_id(self) -> str:
        return f"row-{self.activity.pk}"


@dataclass
class Column(Marked):
    role: Role | None = None
    holders: list[str] = field(default_factory=list)

    @property
    def dom_id(self) -> str:
        return f"col-{self.role.pk}"


@dataclass
class Group:
    key: str
    label: str
    rows: list[Row]


@dataclass
class Grid:
    columns: list[Column]
    groups: list[Group]
    # The open findings; those the team accepted are apart, in `accepted`.
    findings: list[rules.Finding]
    # A huge matrix can have thousands of findings: the panel lists the first
    # ones of each severity and links to the full list.
    findings_limit: int | None = None
    accepted: list[rules.Finding] = field(default_factory=list)
    # Rows without a catalogue key whose name matches an entry: (activity, entry).
    name_matches: list = field(default_factory=list)

    @property
    def rows(self) -> list[Row]:
        return [row for group in self.groups for row in group.rows]

    def row(self, activity_id: int) -> Row:
        return next(row for row in self.rows if row.activity.pk == activity_id)

    @property
    def counts(self) -> dict[str, int]:
        return {s.value: n for s, n in rules.count_by_severity(self.findings).items()}

    @property
    def findings_by_severity(self) -> list["SeverityGroup"]:
        groups = []
        for severity in SEVERITY_ORDER:
            found = [finding for finding in self.findings if finding.severity == severity]
            shown = found if self.findings_limit is None else found[: self.findings_limit]
            groups.append(
                SeverityGroup(
                    severity=severity,
                    total=len(found),
                    shown=[Placed(finding, finding_target(finding)) for finding in shown],
                )
            )
        return groups


@dataclass
class SeverityGroup:
    severity: Severity
    total: int
    shown: list["Placed"]

    @property
    def hidden(self) -> int:
        return self.total - len(self.shown)


@dataclass
class Placed:
    """A finding and the DOM id of the cell, row or column it points to."""

    finding: rules.Finding
    target: str

    @property
    def identity_query(self) -> str:
        return identity_query(self.finding)


def identity_query(finding: rules.Finding) -> str:
    """The finding's name as a query string, for the link that opens its accept form."""
    return urlencode({name: value for name, value in finding_identity(finding).items() if value})


def finding_identity(finding: rules.Finding) -> dict[str, str]:
    """What names a finding in a form or a link ("" for no activity, role or person)."""
    return {
        "rule": finding.rule,
        "activity": finding.activity_key or "",
        "role": finding.role_key or "",
        "person": finding.person_key or "",
        "subject": finding.subject,
    }


def finding_target(finding: rules.Finding) -> str:
    """The DOM id of what a finding points to."""
    if finding.activity_key and finding.role_key:
        return f"cell-{finding.activity_key}-{finding.role_key}"
    if finding.activity_key:
        return f"row-{finding.activity_key}"
    if finding.role_key:
        return f"col-{finding.role_key}"
    return "matrix"


FINDINGS_SHOWN = 50


def build_grid(
    snapshot: TeamSnapshot, *, all_findings: bool = False, stale_cell: tuple[int, int] = ()
) -> Grid:
    """The grid of a team; `stale_cell` (activity id, role id) is marked as
    refused because a colleague changed it first."""
    matrix = snapshot.to_matrix()
    analysed = rules.analyse(matrix, snapshot.team.thresholds())
    findings = rules.open_findings(analysed)
    assignments = {(a.activity_id, a.role_id): a for a in snapshot.assignments}
    holders_by_role = {}
    for holder in snapshot.holders:
        holders_by_role.setdefault(holder.role_id, []).append(holder.person.name)

    columns = [
        Column(role=column.role, holders=sorted(holders_by_role.get(column.role_id, [])))
        for column in snapshot.columns
    ]
    rows = []
    for activity in snapshot.activities:
        cells = []
        for column in columns:
            assignment: Assignment | None = assignments.get((activity.pk, column.role.pk))
            cells.append(
                Cell(
                    activity=activity,
                    role=column.role,
                    letters=assignment.letters if assignment else "",
                    version=assignment.version if assignment else 0,
                    stale=(activity.pk, column.role.pk) == stale_cell,
                )
            )
        rows.append(Row(activity=activity, cells=cells))

    rows_by_key = {str(row.activity.pk): row for row in rows}
    column_index = {str(column.role.pk): index for index, column in enumerate(columns)}
    for finding in findings:
        row = rows_by_key.get(finding.activity_key)
        index = column_index.get(finding.role_key)
        column = columns[index] if index is not None else None
        if row and column:
            row.cells[index].findings.append(finding)
            row.findings.append(finding)
        elif row:
            row.findings.append(finding)
        elif column:
            column.findings.append(finding)

    return Grid(
        columns=columns,
        groups=_group_by_category(rows),
        findings=findings,
        findings_limit=None if all_findings else FINDINGS_SHOWN,
        accepted=[finding for finding in analysed if finding.accepted],
        name_matches=rules.name_matches(matrix),
    )


def _group_by_category(rows: list[Row]) -> list[Group]:
    """Rows grouped by category, in the catalogue's category order, keeping
    each activity's own order inside its group; uncategorised rows last."""
    order = [category.value for category in Category] + [""]
    labels = {category.value: category.label for category in Category} | {"": "Other"}
    grouped = {key: [] for key in order}
    for row in rows:
        grouped.setdefault(row.activity.category, []).append(row)
    for rows_of_group in grouped.values():
        for index, row in enumerate(rows_of_group):
            row.can_move_up = index > 0
            row.can_move_down = index < len(rows_of_group) - 1
    return [
        Group(key=key or "other", label=labels[key], rows=grouped[key])
        for key in order
        if grouped[key]
    ]
