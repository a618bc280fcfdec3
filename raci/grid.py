"""The matrix editor's grid: a team's cells, rows and columns with the
findings that concern each of them attached, and the grid's HTML.

Findings are placed where a team lead looks for them: on the cell when they
name an activity and a role, on the row when they name only an activity, on
the column when they name only a role.

The markup of the grid (column headers, rows, cells) is written here, in
plain Python, for the page and for the htmx answers alike: a 1,000 x 20
matrix is 20,000 cells, and the template language took 93% of a 300 x 12
page on them, some 80 times what the string formatting below takes. The
template keeps everything around the grid (page, tools, findings panel,
picker).

The markup, in short (the editor's script and the browser tests rely on it):

    <table id="matrix" hx-target="#workspace" hx-swap="outerHTML">
      <thead><tr id="column-headers"><th id="col-ROLE" class="role-head">menu</th>…</tr></thead>
      <tbody id="group-KEY" class="activity-group" data-group="group-KEY">
        <tr class="group-header">…</tr>
        <tr id="row-ACTIVITY" class="activity-row [has-SEVERITY]" [data-key="CATALOGUE-KEY"]>
          <th scope="row" class="activity-cell"><a class="activity-name">name</a> badges</th>
          <td id="cell-ACTIVITY-ROLE" class="raci-cell [has-SEVERITY] [is-stale]"
              data-letters="AR" data-version="3">
            <a class="cell-button" id="btn-cell-ACTIVITY-ROLE" href="cells/ACTIVITY/ROLE/">
              <span class="letters"><b class="letter-A">A</b><b class="letter-R">R</b></span>
            </a>
          </td>
      …
      <tbody class="grid-rest" hx-get="rows/?after=ACTIVITY">  (very large teams: the rest)

An empty cell has no data-letters, a cell never written no data-version.
Cell links are relative: the page's address is the team's, ending in "/".
The script names each cell for screen readers when it gets the focus, from
its row and column headers, rather than every cell carrying a label.
"""

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, fields, is_dataclass
from functools import cache, cached_property
from html import escape
from urllib.parse import urlencode

from django.utils.safestring import SafeString

from raci import rules
from raci.catalogue import CatalogueEntry
from raci.models import ActivityRow, CellValue, Team, TeamSnapshot
from raci.vocabulary import CANONICAL_ROLE_NAMES, SEVERITY_ORDER, CanonicalRole, Category, Severity

FINDINGS_SHOWN = 50
# A team of more cells than this sends the rows after its first screen (more
# than a tall screen shows) in a second request, made by htmx at once.
LAZY_AFTER_CELLS = 6000
FIRST_SCREEN_ROWS = 60

# --- DOM ids: one spelling each ------------------------------------------------------------


def cell_id(activity_id, role_id) -> str:
    return f"cell-{activity_id}-{role_id}"


def row_id(activity_id) -> str:
    return f"row-{activity_id}"


def column_id(role_id) -> str:
    return f"col-{role_id}"


def group_id(key: str) -> str:
    return f"group-{key}"


def finding_target(finding: rules.Finding) -> str:
    """The DOM id of what a finding points to."""
    if finding.activity_key and finding.role_key:
        return cell_id(finding.activity_key, finding.role_key)
    if finding.activity_key:
        return row_id(finding.activity_key)
    if finding.role_key:
        return column_id(finding.role_key)
    return "matrix"


# --- The grid as data ----------------------------------------------------------------------


def worst(findings) -> Severity | None:
    return min((f.severity for f in findings), key=lambda s: s.rank, default=None)


@dataclass
class Marked:
    """Something findings can be attached to."""

    findings: list[rules.Finding] = field(default_factory=list)

    @property
    def severity(self) -> Severity | None:
        return worst(self.findings)

    @property
    def counts(self) -> list[tuple[Severity, int]]:
        """The badges: each severity present, with its count."""
        return [item for item in rules.count_by_severity(self.findings).items() if item[1]]


@dataclass
class Column(Marked):
    role_id: int = 0
    name: str = ""
    acts_as: str = ""  # the label of the documented role a custom role acts as
    holders: list[str] = field(default_factory=list)

    @property
    def dom_id(self) -> str:
        return column_id(self.role_id)


@dataclass
class Row(Marked):
    activity: ActivityRow | None = None
    group_label: str = ""
    # Activities move within their category, the group they are shown in.
    can_move_up: bool = False
    can_move_down: bool = False

    @property
    def dom_id(self) -> str:
        return row_id(self.activity.pk)


@dataclass
class Group:
    key: str
    label: str
    rows: list[Row]

    @property
    def dom_id(self) -> str:
        return group_id(self.key)


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


@dataclass
class Grid:
    columns: list[Column]
    groups: list[Group]
    findings: list[rules.Finding]
    cells: dict[int, dict[int, CellValue]]  # activity id -> role id -> cell
    # The worst severity of the findings on each cell that has any, the same way.
    cell_severity: dict[int, dict[int, Severity]]
    # A huge matrix can have thousands of findings: the panel lists the first
    # ones of each severity and links to the full list.
    findings_limit: int | None = None
    stale_cell: tuple[int, int] | tuple[()] = ()
    # The open findings are `findings`; those the team accepted are apart.
    accepted: list[rules.Finding] = field(default_factory=list)
    # Rows without a catalogue key whose name matches an entry: (activity, entry).
    name_matches: list = field(default_factory=list)
    # Markup written of this grid (its rows, the findings panel's lists) and
    # what the page works out from it (whether its PDF is too large), kept
    # with it for when it is used again (RecentGrids): it depends only on the
    # grid and the writer's options.
    kept_markup: dict = field(default_factory=dict, repr=False, compare=False)
    # Each row's markup, by (editing right, activity id); and the grid this one
    # replaces, whose rows that show the same are not written again (see
    # follow): a colleague's edit changes a row or two of hundreds.
    row_markup: dict = field(default_factory=dict, repr=False, compare=False)
    earlier: "Grid | None" = field(default=None, repr=False, compare=False)

    def follow(self, earlier: "Grid") -> None:
        """Take over the markup of `earlier`, the grid this one replaces, that
        it would write the same: rows that show the same (when the columns
        are the same) and the findings panel's lists when the findings are."""
        if [c.role_id for c in earlier.columns] == [c.role_id for c in self.columns]:
            earlier.earlier = None  # one step back is enough
            self.earlier = earlier
        if earlier.digest == self.digest and earlier.findings_limit == self.findings_limit:
            self.kept_markup.update(
                (key, markup)
                for key, markup in earlier.kept_markup.items()
                if key[0] == "findings panel"
            )

    @cached_property
    def rows(self) -> list[Row]:
        return [row for group in self.groups for row in group.rows]

    @cached_property
    def rows_by_activity(self) -> dict[int, Row]:
        return {row.activity.pk: row for row in self.rows}

    def shows_row_as(self, other: "Grid", row: Row) -> bool:
        """Whether this grid's row of `row`'s activity shows what `row` does in
        `other` (a grid of the same columns): same activity, letters and findings."""
        a = row.activity.pk
        mine = self.row(a)
        return (
            mine is not None
            and mine.activity == row.activity
            and self.cells.get(a) == other.cells.get(a)
            and self.cell_severity.get(a) == other.cell_severity.get(a)
            and (mine.counts == row.counts if mine.findings or row.findings else True)
        )

    @cached_property
    def counts(self) -> dict[str, int]:
        return {s.value: n for s, n in rules.count_by_severity(self.findings).items()}

    def row(self, activity_id: int) -> Row | None:
        return self.rows_by_activity.get(activity_id)

    @cached_property
    def findings_by_severity(self) -> list[SeverityGroup]:
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

    @cached_property
    def digest(self) -> str:
        """A fingerprint of what the findings panel and the column headers show.

        The page carries it and every cell edit sends it back: when it is
        still the same after the edit, the answer leaves those pieces out.
        """
        shown = [placed.finding for group in self.findings_by_severity for placed in group.shown]
        headers = [
            (c.role_id, c.name, c.acts_as, c.holders, [f.severity for f in c.findings])
            for c in self.columns
        ]
        fingerprint = repr(
            _plain(
                (shown, self.accepted, self.name_matches, headers, self.counts, self.findings_limit)
            )
        )
        return hashlib.blake2b(fingerprint.encode(), digest_size=10).hexdigest()


@cache
def _shown_fields(cls) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls) if f.repr)


def _plain(value):
    """`value` (findings are frozen dataclasses) as nested tuples of plain
    values whose repr is the same in every process: a set's order follows the
    process's string hashing, so sets are sorted. A catalogue entry, the same
    in every process of one release, is named by its key."""
    if value is None or isinstance(value, (str, int)):  # enums and bool included
        return value
    if isinstance(value, CatalogueEntry):
        return value.key
    if is_dataclass(value):
        return tuple(_plain(getattr(value, name)) for name in _shown_fields(type(value)))
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(repr(_plain(item)) for item in value))
    if isinstance(value, (tuple, list)):
        return tuple(_plain(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted(repr((_plain(k), _plain(v))) for k, v in value.items()))
    return value


def build_grid(
    snapshot: TeamSnapshot,
    *,
    all_findings: bool = False,
    stale_cell: tuple[int, int] = (),
    only_row: int | None = None,
) -> Grid:
    """The grid of a team; `stale_cell` (activity id, role id) is marked as
    refused because a colleague changed it first. An edit's answer shows one
    row: `only_row` (an activity id) leaves the others out of the grid."""
    matrix = snapshot.to_matrix()
    analysed = snapshot.analyse(matrix)
    findings = rules.open_findings(analysed)
    holders_by_role = {}
    for holder in snapshot.holders:
        holders_by_role.setdefault(holder.role_id, []).append(holder.name)
    columns = [
        Column(
            role_id=column.role_id,
            name=column.name,
            acts_as=CANONICAL_ROLE_NAMES[CanonicalRole(column.acts_as)] if column.acts_as else "",
            holders=sorted(holders_by_role.get(column.role_id, [])),
        )
        for column in snapshot.columns
    ]
    rows = {
        activity.pk: Row(activity=activity)
        for activity in snapshot.activities
        if only_row is None or activity.pk == only_row
    }
    columns_by_id = {column.role_id: column for column in columns}
    cell_findings = {}
    for finding in findings:
        if finding.activity_key:
            row = rows.get(int(finding.activity_key))
            if row is None:
                continue  # a row left out
            row.findings.append(finding)
            if finding.role_key and int(finding.role_key) in columns_by_id:
                cells_of_row = cell_findings.setdefault(row.activity.pk, {})
                cells_of_row.setdefault(int(finding.role_key), []).append(finding)
        elif finding.role_key and int(finding.role_key) in columns_by_id:
            columns_by_id[int(finding.role_key)].findings.append(finding)
    return Grid(
        columns=columns,
        groups=_group_by_category(list(rows.values()), snapshot.activities),
        findings=findings,
        cells=snapshot.cells,
        cell_severity={
            a: {r: worst(found) for r, found in cells_of_row.items()}
            for a, cells_of_row in cell_findings.items()
        },
        findings_limit=None if all_findings else FINDINGS_SHOWN,
        stale_cell=stale_cell,
        accepted=[finding for finding in analysed if finding.accepted],
        name_matches=rules.name_matches(matrix),
    )


@dataclass(frozen=True)
class KeptGrid:
    revision: int
    grid: Grid
    snapshot: TeamSnapshot
    cells: int


class RecentGrids:
    """The latest grid this process built of each team it drew lately.

    Every write that changes what a matrix shows moves the team's revision on
    in its own transaction (TeamQuerySet.record_change), and every request
    reads the revision with the team: a grid kept at a revision is the team
    as it was then, never stale for a request that reads that revision. A
    grid is read-only once built, so requests may share it. Bounded by the
    cells held, so that a few very large teams do not take a worker's memory.
    """

    def __init__(self, max_cells: int):
        self.max_cells = max_cells
        self._kept: OrderedDict[tuple, KeptGrid] = OrderedDict()
        self._cells = 0
        self._lock = threading.Lock()

    def latest(self, team_key: tuple) -> KeptGrid | None:
        with self._lock:
            kept = self._kept.get(team_key)
            if kept is not None:
                self._kept.move_to_end(team_key)
            return kept

    def keep(self, team_key: tuple, kept: KeptGrid) -> None:
        """Keep `kept` unless a later revision of the team is kept already."""
        if kept.cells > self.max_cells:
            return
        with self._lock:
            previous = self._kept.pop(team_key, None)
            if previous is not None and previous.revision > kept.revision:
                kept = previous  # a request that read an older revision
            self._cells += kept.cells - (previous.cells if previous else 0)
            self._kept[team_key] = kept
            while self._cells > self.max_cells:
                _, dropped = self._kept.popitem(last=False)
                self._cells -= dropped.cells

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._cells = 0


# Three 1,000 x 20 teams, or dozens of ordinary ones, per worker process.
recent_grids = RecentGrids(max_cells=60_000)


def team_grid(team: Team, *, revision: int | None = None, all_findings: bool = False) -> Grid:
    """The grid of `team` at `revision` (by default the one read with the team).

    The revision must have been read before this call, and outside the
    transaction of a write: the matrix read here is then that revision or
    newer, never older, and the grid can be kept at it. The grid this process
    kept at that revision is used again; one kept at an earlier revision is
    brought up to date from the change log when only cells changed since
    (TeamSnapshot.caught_up); otherwise the team is read whole. (A write that
    commits while the matrix is read can only show in a grid kept at the
    revision before it, that is in the answers of requests that ran alongside
    it; their live poll then brings that write's rows in again.)
    """
    revision = team.revision if revision is None else revision
    # The creation time tells a team from one that took a deleted team's id.
    team_key = (team.pk, team.created, all_findings)
    kept = recent_grids.latest(team_key)
    if kept is not None and kept.revision == revision:
        return kept.grid
    snapshot = None
    if kept is not None and kept.revision < revision:
        snapshot = kept.snapshot.caught_up(team, since=kept.revision, until=revision)
    if snapshot is None:
        snapshot = team.snapshot()
    grid = build_grid(snapshot, all_findings=all_findings)
    if kept is not None:
        grid.follow(kept.grid)
    cells = len(snapshot.activities) * max(len(snapshot.columns), 1)
    recent_grids.keep(team_key, KeptGrid(revision, grid, snapshot, cells))
    return grid


def _group_by_category(rows: list[Row], activities: list[ActivityRow]) -> list[Group]:
    """Rows grouped by category, in the catalogue's category order, keeping
    each activity's own order inside its group; uncategorised rows last.
    Whether a row can move up or down is read from all the team's
    `activities`, in case some rows are left out."""
    order = [category.value for category in Category] + [""]
    labels = {category.value: category.label for category in Category} | {"": "Other"}
    grouped = {key: [] for key in order}
    for row in rows:
        grouped.setdefault(row.activity.category, []).append(row)
    siblings = {}
    for activity in activities:
        siblings.setdefault(activity.category, []).append(activity.pk)
    for key, rows_of_group in grouped.items():
        shown = siblings.get(key, [])
        for row in rows_of_group:
            row.group_label = labels.get(key, "Other")
            row.can_move_up = row.activity.pk != shown[0]
            row.can_move_down = row.activity.pk != shown[-1]
    return [
        Group(key=key or "other", label=labels[key], rows=grouped[key])
        for key in order
        if grouped[key]
    ]


# --- The grid's HTML -----------------------------------------------------------------------


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


# The grid's own signs as character references: rows of plain ASCII (unless
# a name is not) go out without being encoded again, at half the memory.
EMPTY_CELL = "&middot;"
GROUP_OPEN = "&#9662;"


def symbol(severity: Severity) -> str:
    return f"&#{ord(severity.symbol)};"


def badges(marked: Marked, *, on: str) -> str:
    """The severity badges of a row or a column: a symbol and a count each."""
    return "".join(
        f'<span class="badge marker marker-{severity}" title="{count} {severity.label.lower()} '
        f'finding{_plural(count)} on this {on}"><span aria-hidden="true">{symbol(severity)}</span>'
        f' {count}<span class="visually-hidden"> {severity.label.lower()}</span></span>'
        for severity, count in marked.counts
    )


# A cell's letters, by their stored spelling (the database accepts only
# canonical spellings of A, R, C and I, so nothing here needs escaping).
_LETTERS = {}


def _letters(text: str) -> str:
    if text not in _LETTERS:
        _LETTERS[text] = "".join(f'<b class="letter-{x}">{x}</b>' for x in text) or EMPTY_CELL
    return _LETTERS[text]


class GridMarkup:
    """Writes the grid for one page or one htmx answer. Everything from the
    users (names) is escaped; ids, versions and letters are numbers or
    database-checked spellings. The cells spell their ids inline, as
    cell_id() does: a call per cell would cost a third of the cell."""

    def __init__(self, grid: Grid, *, can_edit: bool, added: str = ""):
        self.grid = grid
        self.can_edit = can_edit
        self.added = added
        self.role_ids = [column.role_id for column in grid.columns]

    # Column headers

    def column_headers(self, *, oob: bool = False) -> SafeString:
        out = ['<tr id="column-headers"', ' hx-swap-oob="true">' if oob else ">"]
        out.append('<th scope="col" class="activity-head">Activity</th>')
        for column in self.grid.columns:
            out.append(self._column_header(column))
        out.append("</tr>")
        return SafeString("".join(out))

    def _column_header(self, column: Column) -> str:
        """A column's name opens its menu: who holds the role, what it acts
        as, and removing the column. A <details> works without JavaScript."""
        name = escape(column.name)
        severity = f" has-{column.severity}" if column.severity else ""
        added = " data-added" if self.added == column.dom_id else ""
        acts_as = f"<p>Acts as {escape(column.acts_as)}</p>" if column.acts_as else ""
        holders = escape(", ".join(column.holders)) or "<em>nobody holds it</em>"
        remove = ""
        if self.can_edit:
            url = f"columns/{column.role_id}/remove/"
            # Without JavaScript this form asks a confirmation page (GET); htmx
            # confirms in the browser and posts.
            remove = (
                f'<form method="get" action="{url}" hx-post="{url}" hx-confirm="Remove the '
                f'{name} column, its cells and who holds it in this team?" data-focus="flash">'
                f'<button type="submit" class="btn btn-sm btn-outline-danger remove-column">'
                f"Remove the {name} column</button></form>"
            )
        return (
            f'<th scope="col" id="{column.dom_id}" class="role-head{severity}"{added}>'
            f'<details class="column-menu"><summary><span class="role-name">{name}</span>'
            f'</summary><div class="column-menu-body">{acts_as}'
            f'<p>Held by <span class="holders">{holders}</span></p>{remove}</div></details>'
            f"{badges(column, on='role')}</th>"
        )

    # Rows

    def groups(self, *, after: int | None = None, everything: bool = False) -> SafeString | None:
        """The rows as one <tbody> per category. A very large team gets the
        first screen only and a placeholder that fetches the rest, unless
        `everything` is asked for; `after` (an activity id) asks for the rows
        that follow it instead (None when that activity is gone)."""
        key = ("rows", self.can_edit, self.added, after, everything)
        if key not in self.grid.kept_markup:
            self.grid.kept_markup[key] = self._groups(after=after, everything=everything)
        return self.grid.kept_markup[key]

    def _groups(self, *, after: int | None, everything: bool) -> SafeString | None:
        rows = self.grid.rows
        start = 0
        if after is not None:
            start = next((n + 1 for n, row in enumerate(rows) if row.activity.pk == after), None)
            if start is None:
                return None
        end = len(rows)
        large = len(rows) * len(self.role_ids) > LAZY_AFTER_CELLS
        if after is None and not everything and large and end > 2 * FIRST_SCREEN_ROWS:
            end = FIRST_SCREEN_ROWS
        out = []
        position = 0
        for group in self.grid.groups:
            group_start, position = position, position + len(group.rows)
            shown = group.rows[max(start - group_start, 0) : max(end - group_start, 0)]
            if not shown:
                continue
            header = group_start >= start
            out.append(self._group_open(group, header=header))
            out.extend(self.row(row) for row in shown)
            out.append("</tbody>")
        if end < len(rows):
            out.append(self._rest(after=rows[end - 1].activity.pk, count=len(rows) - end))
        else:
            # The last rows are written (the first screen was before them):
            # what the earlier grid had to offer is taken.
            self.grid.earlier = None
        return SafeString("".join(out))

    def _group_open(self, group: Group, *, header: bool) -> str:
        if not header:
            # The rest of a group split by the first screen.
            return f'<tbody class="activity-group" data-group="{group.dom_id}">'
        return (
            f'<tbody id="{group.dom_id}" class="activity-group" data-group="{group.dom_id}">'
            f'<tr class="group-header"><th scope="rowgroup" colspan="{len(self.role_ids) + 1}">'
            f'<button type="button" class="group-toggle btn btn-link btn-sm p-0" '
            f'aria-expanded="true" data-group="{group.dom_id}">'
            f'<span class="chevron" aria-hidden="true">{GROUP_OPEN}</span> {escape(group.label)} '
            f'<span class="text-body-secondary">({len(group.rows)})</span></button></th></tr>'
        )

    def _rest(self, *, after: int, count: int) -> str:
        url = f"rows/?after={after}"
        if self.added:
            url += f"&amp;added={escape(self.added)}"
        # htmx fetches the rest as soon as the page is there; without
        # JavaScript the link shows the whole matrix.
        return (
            f'<tbody class="grid-rest" hx-get="{url}" hx-trigger="load" hx-target="this" '
            f'hx-swap="outerHTML"><tr><td colspan="{len(self.role_ids) + 1}">'
            f'<a href="?rows=all">Show the other {count} activities</a></td></tr></tbody>'
        )

    def row(self, row: Row, *, oob: bool = False) -> SafeString:
        """A row; `oob` marks it for htmx to swap in place by its id."""
        grid = self.grid
        if oob or self.added or grid.stale_cell:
            return self._row(row, oob=oob)
        key = (self.can_edit, row.activity.pk)
        markup = grid.row_markup.get(key)
        if markup is None:
            earlier = grid.earlier
            if (
                earlier is not None
                and key in earlier.row_markup
                and earlier.shows_row_as(grid, row)
            ):
                markup = earlier.row_markup[key]
            else:
                markup = self._row(row, oob=False)
            grid.row_markup[key] = markup
        return markup

    def _row(self, row: Row, *, oob: bool) -> SafeString:
        activity = row.activity
        a = activity.pk
        severity = f" has-{row.severity}" if row.severity else ""
        added = " data-added" if self.added == row.dom_id else ""
        key = escape(activity.catalogue_key)
        data_key = f' data-key="{key}"' if key else ""
        swap = ' hx-swap-oob="true"' if oob else ""
        # The catalogue key and the row's actions are in the page's one row
        # menu, which the script brings to the row under the pointer or focus.
        name = escape(activity.name)
        name = (
            f'<a class="activity-name" href="activities/{a}/">{name}</a>'
            if self.can_edit
            else f'<span class="activity-name">{name}</span>'
        )
        out = [
            f'<tr id="{row.dom_id}" class="activity-row{severity}"{added}{data_key}{swap}>'
            f'<th scope="row" class="activity-cell">{name}{badges(row, on="activity")}</th>'
        ]
        cells = self.grid.cells.get(a, {})
        severities = self.grid.cell_severity.get(a, {})
        stale = self.grid.stale_cell[1] if self.grid.stale_cell[:1] == (a,) else None
        a = str(a)
        for r in self.role_ids:
            cell = cells.get(r)
            if cell is None and r not in severities and r != stale:
                out.append(self._empty_cell(a, r))  # most cells
            else:
                out.append(self._cell(a, r, cell, severities.get(r), stale=r == stale))
        out.append("</tr>")
        return SafeString("".join(out))

    def _empty_cell(self, a: str, r: int) -> str:
        """A cell that is empty, was never written and has no finding."""
        if not self.can_edit:
            return (
                f'<td id="cell-{a}-{r}" class="raci-cell"><span class="cell-view">'
                f'<span class="letters">{EMPTY_CELL}</span></span></td>'
            )
        return (
            f'<td id="cell-{a}-{r}" class="raci-cell"><a class="cell-button" '
            f'id="btn-cell-{a}-{r}" href="cells/{a}/{r}/"><span class="letters">{EMPTY_CELL}</span>'
            "</a></td>"
        )

    def _cell(self, a: str, r: int, cell, severity, *, stale: bool) -> str:
        letters, version = cell if cell else ("", 0)
        classes = "raci-cell"
        marker = ""
        if severity:
            classes += f" has-{severity.value}"
            marker = (
                f'<span class="marker marker-{severity.value}" aria-hidden="true">'
                f"{symbol(severity)}</span>"
            )
        if stale:
            classes += " is-stale"
        if not self.can_edit:
            return (
                f'<td id="cell-{a}-{r}" class="{classes}"><span class="cell-view">'
                f'<span class="letters">{_letters(letters)}</span>{marker}</span></td>'
            )
        data = (f' data-letters="{letters}"' if letters else "") + (
            f' data-version="{version}"' if version else ""
        )
        note = (
            '<span class="stale-note" role="alert">Changed by someone else meanwhile: '
            "your edit was not saved.</span>"
            if stale
            else ""
        )
        return (
            f'<td id="cell-{a}-{r}" class="{classes}"{data}><a class="cell-button" '
            f'id="btn-cell-{a}-{r}" href="cells/{a}/{r}/"><span class="letters">'
            f"{_letters(letters)}</span>{marker}</a>{note}</td>"
        )
