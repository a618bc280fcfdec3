"""Charts out: XLSX that keeps checking itself, SVG, Markdown and HTML tables, PDF.

Every writer takes a `Chart`, plain values built by the views and the
`raci export` command from a team's snapshot, so that this module stays
free of the ORM. XLSX is written with XlsxWriter (constant memory, cached
formula results, data validation, conditional formats and print set-up);
the PDF is WeasyPrint's rendering of the print template (see `pdf_from_html`).
"""

import html
import io
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from raci import rules
from raci.tables import formula_like, guard_formula
from raci.vocabulary import (
    LETTER_ORDER,
    SEVERITY_ORDER,
    Category,
    Letter,
    Severity,
    letters_to_text,
)

# Fills whose lightness alone tells the letters apart (grayscale, colour-blind
# readers), with the letter always printed: A darkest, then R, C, I.
LETTER_STYLES = {
    Letter.ACCOUNTABLE: {"fill": "#1F3A5F", "text": "#FFFFFF"},
    Letter.RESPONSIBLE: {"fill": "#4F81BD", "text": "#FFFFFF"},
    Letter.CONSULTED: {"fill": "#F2C14E", "text": "#000000"},
    Letter.INFORMED: {"fill": "#E7E6E6", "text": "#000000"},
}
LETTER_MEANINGS = {
    Letter.ACCOUNTABLE: "Answers for the outcome and signs it off; exactly one per activity.",
    Letter.RESPONSIBLE: "Does the work; at least one per activity (an AR cell counts).",
    Letter.CONSULTED: "Asked before the work moves on (two-way).",
    Letter.INFORMED: "Told once it is done (one-way).",
}
OTHER = "Other"


@dataclass(frozen=True)
class Chart:
    """A team's matrix with what every export shows around it."""

    matrix: rules.Matrix
    findings: list[rules.Finding]
    team: str
    organization: str = ""
    exported_by: str = ""
    exported_at: datetime | None = None
    version: str = ""
    reference: rules.Matrix | None = None

    @property
    def holders(self) -> dict[str, list[str]]:
        """Role key -> names of the people holding it."""
        held: dict[str, list[str]] = {}
        for person in self.matrix.people or ():
            for role_key in person.role_keys:
                held.setdefault(role_key, []).append(person.name)
        return {key: sorted(names, key=str.lower) for key, names in held.items()}

    @property
    def subtitle(self) -> str:
        parts = [self.organization] if self.organization else []
        if self.exported_at:
            parts.append(f"exported {self.exported_at:%Y-%m-%d %H:%M} UTC")
        if self.exported_by:
            parts.append(f"by {self.exported_by}")
        if self.version:
            parts.append(f"RACI builder {self.version}")
        return " · ".join(parts)


@dataclass
class Group:
    label: str
    activities: list[rules.Activity] = field(default_factory=list)


def category_label(category: str) -> str:
    try:
        return Category(category).label
    except ValueError:
        return category or OTHER


def groups(matrix: rules.Matrix) -> list[Group]:
    """Activities grouped by category, in the order the editor shows them."""
    by_label: dict[str, Group] = {}
    for activity in matrix.activities:
        label = category_label(activity.category)
        by_label.setdefault(label, Group(label)).activities.append(activity)
    order = [category.label for category in Category]
    return sorted(
        by_label.values(),
        key=lambda group: (
            order.index(group.label) if group.label in order else len(order),
            group.label == OTHER,
        ),
    )


def check_text(matrix: rules.Matrix, activity: rules.Activity) -> str:
    """What the workbook's check column says: "OK", "no A", "2 A" or "no R"."""
    letters = [matrix.letters(activity.key, role.key) for role in matrix.roles]
    accountable = sum(1 for cell in letters if Letter.ACCOUNTABLE in cell)
    if accountable == 0:
        return "no A"
    if accountable > 1:
        return f"{accountable} A"
    if not any(Letter.RESPONSIBLE in cell for cell in letters):
        return "no R"
    return "OK"


# --- XLSX ----------------------------------------------------------------------------------

ALLOWED_SPELLINGS = sorted(
    {
        letters_to_text({LETTER_ORDER[i] for i in range(4) if mask & (1 << i)})
        for mask in range(1, 16)
    },
    key=lambda text: (len(text), [LETTER_ORDER.index(Letter(c)) for c in text]),
)
HEADER_ROWS = 5  # title, subtitle, blank, role names, holders
SHEET_NAME_LIMIT = 31


def write_xlsx(chart: Chart) -> bytes:
    """The team's workbook: the matrix that checks itself, a legend, the findings, the
    people and the documented reference."""
    import xlsxwriter  # Only the XLSX export needs it.

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    styles = _Styles(workbook)
    _matrix_sheet(workbook, styles, chart, "RACI matrix")
    _legend_sheet(workbook, styles)
    _findings_sheet(workbook, styles, chart.findings)
    _people_sheet(workbook, styles, chart.matrix)
    if chart.reference is not None:
        reference = Chart(matrix=chart.reference, findings=[], team="Documented reference")
        _matrix_sheet(workbook, styles, reference, "Reference", note=REFERENCE_NOTE)
    workbook.close()
    return out.getvalue()


REFERENCE_NOTE = (
    "The documented reference: the catalogue's activities with the letters the role "
    "definitions give them, for comparison."
)


def write_organization_xlsx(organization: str, charts: list[Chart]) -> bytes:
    """Every team of an organization: a summary sheet of findings counts, then a sheet per
    team."""
    import xlsxwriter

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    styles = _Styles(workbook)
    summary = workbook.add_worksheet("Summary")
    summary.write_string(0, 0, organization, styles.title)
    headers = ["Team", "Activities", "Roles", "Errors", "Warnings", "Info", "Sheet"]
    summary.write_row(2, 0, headers, styles.header)
    names = _unique_sheet_names([chart.team for chart in charts], taken={"summary"})
    for row, (chart, name) in enumerate(zip(charts, names, strict=True), start=3):
        counts = rules.count_by_severity(rules.open_findings(chart.findings))
        _text(summary, row, 0, chart.team, styles)
        summary.write_number(row, 1, len(chart.matrix.activities))
        summary.write_number(row, 2, len(chart.matrix.roles))
        for column, severity in enumerate(SEVERITY_ORDER, start=3):
            summary.write_number(row, column, counts[severity])
        summary.write_url(row, 6, f"internal:'{name}'!A1", string=name)
    summary.set_column(0, 0, 32)
    summary.set_column(1, 6, 11)
    summary.freeze_panes(3, 1)
    for chart, name in zip(charts, names, strict=True):
        _matrix_sheet(workbook, styles, chart, name)
    workbook.close()
    return out.getvalue()


def _unique_sheet_names(names: list[str], taken: set[str]) -> list[str]:
    result = []
    for name in names:
        base = "".join(" " if char in "[]:*?/\\" else char for char in name).strip("' ") or "Team"
        candidate, number = base[:SHEET_NAME_LIMIT], 1
        while candidate.lower() in taken:
            number += 1
            suffix = f" ({number})"
            candidate = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        taken.add(candidate.lower())
        result.append(candidate)
    return result


class _Styles:
    def __init__(self, workbook):
        self.workbook = workbook
        self.title = workbook.add_format({"bold": True, "font_size": 16})
        self.subtitle = workbook.add_format({"italic": True, "font_color": "#555555"})
        self.header = workbook.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bottom": 1, "bg_color": "#F2F2F2"}
        )
        self.holders = workbook.add_format(
            {"italic": True, "font_size": 9, "text_wrap": True, "valign": "top", "bottom": 2}
        )
        self.group = workbook.add_format({"bold": True, "bg_color": "#D9D9D9", "top": 1})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.text = workbook.add_format({"valign": "top"})
        self.quoted = workbook.add_format({"valign": "top", "quote_prefix": True})
        self.cell = workbook.add_format({"align": "center", "valign": "vcenter", "border": 1})
        self.check = workbook.add_format({"align": "center", "bold": True})
        self.problem = workbook.add_format(
            {"bg_color": "#F4CCCC", "font_color": "#990000", "bold": True, "pattern": 1}
        )
        self.letters = {
            letter: workbook.add_format(
                {"bg_color": style["fill"], "font_color": style["text"], "bold": True}
            )
            for letter, style in LETTER_STYLES.items()
        }


def _text(sheet, row, column, value: str, styles: _Styles, style=None):
    """A cell of text that a spreadsheet never runs as a formula, whatever it starts with."""
    if formula_like(value):
        sheet.write_string(row, column, value, styles.quoted)
    else:
        sheet.write_string(row, column, value, style or styles.text)


def _matrix_sheet(workbook, styles: _Styles, chart: Chart, name: str, note: str = "") -> None:
    from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

    matrix = chart.matrix
    sheet = workbook.add_worksheet(name)
    roles = matrix.roles
    last_role = len(roles)  # Columns: A activity, B.. roles, then the check column.
    check_column = last_role + 1
    _text(sheet, 0, 0, chart.team, styles, styles.title)
    _text(sheet, 1, 0, note or chart.subtitle, styles, styles.subtitle)
    sheet.write_string(HEADER_ROWS - 2, 0, "Activity", styles.header)
    sheet.write_string(HEADER_ROWS - 1, 0, "Held by", styles.holders)
    holders = chart.holders
    for column, role in enumerate(roles, start=1):
        _text(sheet, HEADER_ROWS - 2, column, role.name, styles, styles.header)
        people = ", ".join(holders.get(role.key, []))
        _text(sheet, HEADER_ROWS - 1, column, people or "nobody", styles, styles.holders)
    sheet.write_string(HEADER_ROWS - 2, check_column, "Check", styles.header)
    sheet.write_string(HEADER_ROWS - 1, check_column, "one A, an R", styles.holders)

    row = HEADER_ROWS
    blocks = []  # (first row, last row) of each group's activity rows
    for group in groups(matrix):
        sheet.merge_range(row, 0, row, check_column, group.label, styles.group)
        row += 1
        first = row
        for activity in group.activities:
            _text(sheet, row, 0, activity.name, styles, styles.wrap)
            for column, role in enumerate(roles, start=1):
                text = letters_to_text(matrix.letters(activity.key, role.key))
                if text:
                    sheet.write_string(row, column, text, styles.cell)
                else:
                    sheet.write_blank(row, column, None, styles.cell)
            if roles:
                span = f"{xl_rowcol_to_cell(row, 1)}:{xl_rowcol_to_cell(row, last_role)}"
                count_a = f'COUNTIF({span},"*A*")'
                formula = (
                    f'=IF({count_a}=0,"no A",IF({count_a}>1,{count_a}&" A",'
                    f'IF(COUNTIF({span},"*R*")=0,"no R","OK")))'
                )
                sheet.write_formula(
                    row, check_column, formula, styles.check, check_text(matrix, activity)
                )
            row += 1
        if group.activities:
            blocks.append((first, row - 1))

    for first, last in blocks:
        if not roles:
            break
        letters_range = (first, 1, last, last_role)
        sheet.data_validation(
            *letters_range,
            {
                "validate": "list",
                "source": ALLOWED_SPELLINGS,
                "ignore_blank": True,
                "error_title": "Not a RACI letter",
                "error_message": "Use A, R, C or I, or several of them (AR, CI...).",
            },
        )
        for letter in LETTER_ORDER:
            sheet.conditional_format(
                *letters_range,
                {
                    "type": "text",
                    "criteria": "containing",
                    "value": letter.value,
                    "format": styles.letters[letter],
                    "stop_if_true": True,
                },
            )
        first_cell = xl_rowcol_to_cell(first, 1, row_abs=False, col_abs=True)
        last_col = xl_col_to_name(last_role)
        span = f"{first_cell}:${last_col}{first + 1}"
        problem = f'=OR(COUNTIF({span},"*A*")<>1,COUNTIF({span},"*R*")=0)'
        for columns in ((0, 0), (check_column, check_column)):
            sheet.conditional_format(
                first,
                columns[0],
                last,
                columns[1],
                {"type": "formula", "criteria": problem, "format": styles.problem},
            )

    # Widths that fit, the header row and activity column frozen, landscape print.
    longest = max([len(activity.name) for activity in matrix.activities] + [12])
    sheet.set_column(0, 0, min(60, longest + 2))
    for column, role in enumerate(roles, start=1):
        sheet.set_column(column, column, max(6, min(18, len(role.name) + 2)))
    sheet.set_column(check_column, check_column, 11)
    sheet.set_row(HEADER_ROWS - 2, 30)
    sheet.freeze_panes(HEADER_ROWS, 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.repeat_rows(HEADER_ROWS - 2, HEADER_ROWS - 1)
    sheet.repeat_columns(0, 0)
    sheet.fit_to_pages(1, 0)
    sheet.set_header(f"&L&B{_header_text(chart.team)}&R&D")
    sheet.set_footer("&CPage &P of &N")


def _header_text(text: str) -> str:
    # An ampersand starts a control code in Excel's page headers.
    return text.replace("&", "&&")[:200]


def _legend_sheet(workbook, styles: _Styles) -> None:
    sheet = workbook.add_worksheet("Legend")
    sheet.write_string(0, 0, "Legend", styles.title)
    sheet.write_row(2, 0, ["Letter", "Meaning", "What it means here"], styles.header)
    for row, letter in enumerate(LETTER_ORDER, start=3):
        sheet.write_string(row, 0, letter.value, styles.letters[letter])
        sheet.write_string(row, 1, letter.label)
        sheet.write_string(row, 2, LETTER_MEANINGS[letter], styles.wrap)
    notes = [
        "A cell may hold several letters (AR: accountable and doing the work).",
        "Each letter cell accepts only these spellings: " + ", ".join(ALLOWED_SPELLINGS) + ".",
        "The Check column recounts every row as you edit: OK, no A, 2 A or no R; a row with "
        "no A, more than one A, or no R turns red.",
        "Colours differ in lightness too, so that they read in grayscale; the letter is "
        "always printed.",
    ]
    for row, note in enumerate(notes, start=8):
        sheet.write_string(row, 0, note)
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 1, 14)
    sheet.set_column(2, 2, 70)


def _findings_sheet(workbook, styles: _Styles, findings: list[rules.Finding]) -> None:
    sheet = workbook.add_worksheet("Findings")
    headers = ["Severity", "Rule", "Activity", "Role", "Person", "Message", "Suggestion"]
    headers += ["Documented source", "Accepted"]
    sheet.write_row(0, 0, headers, styles.header)
    for row, finding in enumerate(findings, start=1):
        sources = finding.sources or (finding.reference.sources if finding.reference else ())
        source = "; ".join(f"{s.title}: {s.part}" for s in sources)
        values = [
            finding.severity.label,
            finding.rule,
            finding.activity or "",
            finding.role or "",
            finding.person or "",
            finding.message,
            finding.suggestion,
            source,
            _accepted_text(finding.accepted),
        ]
        for column, value in enumerate(values):
            _text(sheet, row, column, value, styles, styles.wrap)
    for column, width in enumerate([10, 22, 30, 18, 18, 60, 50, 50, 40]):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)
    if findings:
        sheet.autofilter(0, 0, len(findings), len(headers) - 1)


def _accepted_text(acceptance: rules.Acceptance | None) -> str:
    """Who accepted a finding and why; empty for an open finding."""
    if acceptance is None:
        return ""
    by = f" by {acceptance.by}" if acceptance.by else ""
    when = f" on {acceptance.at:%Y-%m-%d}" if acceptance.at else ""
    return f"Accepted{by}{when}: {acceptance.reason}"


def _people_sheet(workbook, styles: _Styles, matrix: rules.Matrix) -> None:
    sheet = workbook.add_worksheet("People")
    sheet.write_row(0, 0, ["Person", "Email", "Title", "Roles held in this team"], styles.header)
    names = {role.key: role.name for role in matrix.roles}
    for row, person in enumerate(matrix.people or (), start=1):
        held = ", ".join(names[key] for key in names if key in person.role_keys)
        for column, value in enumerate([person.name, person.email, person.title, held]):
            _text(sheet, row, column, value, styles)
    for column, width in enumerate([28, 32, 24, 50]):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)


# --- Markdown and HTML tables --------------------------------------------------------------


def _markdown_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def write_markdown(matrix: rules.Matrix, *, title: str = "") -> str:
    """A pipe table for wikis and READMEs: categories as bold rows, which the reader
    turns back into categories."""
    lines = [f"# {title}", ""] if title else []
    roles = [_markdown_cell(role.name) for role in matrix.roles]
    lines.append("| Activity | " + " | ".join(roles) + " |")
    lines.append("|---|" + "".join(":---:|" for _ in roles))
    for group in groups(matrix):
        lines.append(f"| **{_markdown_cell(group.label)}** |" + " |" * len(roles))
        for activity in group.activities:
            cells = [letters_to_text(matrix.letters(activity.key, r.key)) for r in matrix.roles]
            lines.append(f"| {_markdown_cell(activity.name)} | " + " | ".join(cells) + " |")
    lines += ["", "R = Responsible, A = Accountable, C = Consulted, I = Informed.", ""]
    return "\n".join(lines)


def write_html_table(matrix: rules.Matrix, *, title: str = "") -> str:
    """A plain HTML table (a document of its own) for pasting into wikis and documents;
    text a spreadsheet would run is written behind an apostrophe, as in CSV."""

    def cell(text: str) -> str:
        return html.escape(guard_formula(text))

    head = "".join(f"<th scope='col'>{cell(role.name)}</th>" for role in matrix.roles)
    body = []
    for group in groups(matrix):
        body.append(
            f"<tr><th scope='rowgroup' colspan='{len(matrix.roles) + 1}'>"
            f"<strong>{cell(group.label)}</strong></th></tr>"
        )
        for activity in group.activities:
            letters = "".join(
                f"<td>{letters_to_text(matrix.letters(activity.key, role.key))}</td>"
                for role in matrix.roles
            )
            body.append(f"<tr><th scope='row'>{cell(activity.name)}</th>{letters}</tr>")
    caption = f"<caption>{html.escape(title)}</caption>" if title else ""
    return (
        "<!doctype html>\n<html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title or 'RACI matrix')}</title></head><body>\n"
        f"<table>{caption}<thead><tr><th scope='col'>Activity</th>{head}</tr></thead>\n"
        "<tbody>\n" + "\n".join(body) + "\n</tbody></table>\n"
        "<p>R = Responsible, A = Accountable, C = Consulted, I = Informed.</p>\n</body></html>\n"
    )


# --- SVG -----------------------------------------------------------------------------------

SVG_ACTIVITY_WIDTH = 300
SVG_CELL = 56
SVG_ROW = 24
SVG_HEADER = 110


def write_svg(chart: Chart) -> str:
    """The chart as an SVG image for slides and documents (no script, no external font)."""
    matrix = chart.matrix
    rows: list[tuple[str, object]] = []
    for group in groups(matrix):
        rows.append(("group", group.label))
        rows += [("activity", activity) for activity in group.activities]
    width = SVG_ACTIVITY_WIDTH + SVG_CELL * len(matrix.roles) + 20
    legend_y = SVG_HEADER + SVG_ROW * len(rows) + 20
    height = legend_y + 30
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif" '
        'font-size="12" role="img">',
        f"<title>{html.escape(chart.team)}: RACI matrix</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="10" y="24" font-size="18" font-weight="bold">{html.escape(chart.team)}</text>',
        f'<text x="10" y="42" fill="#555555">{html.escape(chart.subtitle)}</text>',
    ]
    for index, role in enumerate(matrix.roles):
        x = SVG_ACTIVITY_WIDTH + SVG_CELL * index + SVG_CELL / 2
        out.append(
            f'<text transform="translate({x + 4},{SVG_HEADER - 6}) rotate(-45)" '
            f'font-weight="bold">{html.escape(_shorten(role.name, 24))}</text>'
        )
    for number, (kind, value) in enumerate(rows):
        y = SVG_HEADER + SVG_ROW * number
        if kind == "group":
            out.append(
                f'<rect x="0" y="{y}" width="{width}" height="{SVG_ROW}" fill="#d9d9d9"/>'
                f'<text x="10" y="{y + 16}" font-weight="bold">{html.escape(value)}</text>'
            )
            continue
        activity = value
        out.append(
            f'<text x="10" y="{y + 16}">{html.escape(_shorten(activity.name, 44))}</text>'
            f'<line x1="0" y1="{y + SVG_ROW}" x2="{width}" y2="{y + SVG_ROW}" stroke="#dddddd"/>'
        )
        for index, role in enumerate(matrix.roles):
            letters = matrix.letters(activity.key, role.key)
            if not letters:
                continue
            text = letters_to_text(letters)
            style = LETTER_STYLES[next(letter for letter in LETTER_ORDER if letter in letters)]
            x = SVG_ACTIVITY_WIDTH + SVG_CELL * index
            out.append(
                f'<rect x="{x + 3}" y="{y + 3}" width="{SVG_CELL - 6}" height="{SVG_ROW - 6}" '
                f'rx="3" fill="{style["fill"]}"/>'
                f'<text x="{x + SVG_CELL / 2}" y="{y + 16}" text-anchor="middle" '
                f'font-weight="bold" fill="{style["text"]}">{text}</text>'
            )
    x = 10
    for letter in LETTER_ORDER:
        style = LETTER_STYLES[letter]
        out.append(
            f'<rect x="{x}" y="{legend_y}" width="22" height="18" rx="3" fill="{style["fill"]}"/>'
            f'<text x="{x + 11}" y="{legend_y + 13}" text-anchor="middle" font-weight="bold" '
            f'fill="{style["text"]}">{letter.value}</text>'
            f'<text x="{x + 28}" y="{legend_y + 13}">{letter.label}</text>'
        )
        x += 130
    out.append("</svg>\n")
    return "\n".join(out)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- PDF -----------------------------------------------------------------------------------

# Columns of roles that fit across a landscape A4 page beside the activity column.
PDF_ROLES_PER_PAGE = 10
# The most table cells (`pdf_boxes`) the PDF export lays out inside a request:
# WeasyPrint takes about 0.7 ms of CPU for each on a busy machine, so about 4 s
# here, far inside gunicorn's 30 s (README, Exports). The bench's 300 x 12 team is
# 2,900; its 1,000 x 20 team, 10,900, gets a page pointing to the workbook, the print
# view and CSV instead.
PDF_MAX_BOXES = 6_000


@dataclass(frozen=True)
class PrintCell:
    """One cell of the printed chart; a run of empty cells is one cell spanning them,
    which halves the boxes WeasyPrint lays out on a typical sparse matrix."""

    letters: str = ""
    span: int = 1

    @property
    def fill(self) -> str:
        """The letter whose colour the cell takes: the first in A, R, C, I order."""
        return self.letters[:1]


@dataclass(frozen=True)
class PrintRow:
    name: str
    cells: list[PrintCell]


@dataclass(frozen=True)
class PrintGroup:
    label: str
    rows: list[PrintRow]


@dataclass(frozen=True)
class PrintPage:
    """The chart for one slice of roles that fits the page's width."""

    roles: list[rules.Role]
    groups: list[PrintGroup]


def role_pages(matrix: rules.Matrix, per_page: int = PDF_ROLES_PER_PAGE):
    """The roles in slices that fit a page's width: columns beyond the edge continue on
    a following page, with the activity column repeated."""
    roles = list(matrix.roles)
    return [roles[start : start + per_page] for start in range(0, len(roles), per_page)] or [[]]


def print_pages(matrix: rules.Matrix) -> list[PrintPage]:
    """The printed chart's rows, slice by slice of roles, grouped by category."""
    by_group = groups(matrix)
    return [
        PrintPage(
            roles=roles,
            groups=[
                PrintGroup(
                    label=group.label,
                    rows=[
                        PrintRow(name=activity.name, cells=_print_cells(matrix, activity, roles))
                        for activity in group.activities
                    ],
                )
                for group in by_group
            ],
        )
        for roles in role_pages(matrix)
    ]


def _print_cells(matrix, activity, roles) -> list[PrintCell]:
    cells: list[PrintCell] = []
    for role in roles:
        text = letters_to_text(matrix.letters(activity.key, role.key))
        if not text and cells and not cells[-1].letters:
            cells[-1] = PrintCell(span=cells[-1].span + 1)
        else:
            cells.append(PrintCell(letters=text))
    return cells


def pdf_boxes(rows: Iterable[Collection], columns: Sequence) -> int:
    """The table cells of the printed chart, as `print_pages` writes them: on each page
    of roles, each activity's name, each letter cell and each run of empty cells.
    `rows` holds the filled columns of each activity, `columns` every column in order."""
    slices = [
        columns[i : i + PDF_ROLES_PER_PAGE] for i in range(0, len(columns), PDF_ROLES_PER_PAGE)
    ]
    boxes = 0
    for filled in rows:
        for roles in slices or [[]]:
            boxes += 1
            empty_run = False
            for column in roles:
                if column in filled:
                    boxes += 1
                    empty_run = False
                elif not empty_run:
                    boxes += 1
                    empty_run = True
    return boxes


def pdf_too_large(matrix: rules.Matrix) -> bool:
    """Whether the PDF would hold a request, and its worker, for more than a few seconds."""
    keys = [role.key for role in matrix.roles]
    rows = (
        {key for key in keys if matrix.letters(activity.key, key)} for activity in matrix.activities
    )
    return pdf_boxes(rows, keys) > PDF_MAX_BOXES


def pdf_from_html(document: str, *, stylesheet: str) -> bytes:
    """WeasyPrint's PDF of the print template, styled by the print stylesheet at path
    `stylesheet`. Nothing is fetched: a document that refers to anything else gets no
    answer, and fonts come from the system's installed packages."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    class NothingFetched(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"Not fetched while making a PDF: {url}")

    fetcher = NothingFetched()
    return HTML(string=document, url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(filename=stylesheet, url_fetcher=fetcher)]
    )


def severity_counts(findings: list[rules.Finding]) -> list[tuple[Severity, int]]:
    """Open findings by severity, in order: accepted ones do not count."""
    counts = rules.count_by_severity(rules.open_findings(findings))
    return [(severity, counts[severity]) for severity in SEVERITY_ORDER]


def counts_text(counts: Iterable[tuple[Severity, int]]) -> str:
    """The summary line of the findings: "✖ 2 errors · ▲ 1 warning · … info"."""
    return " · ".join(f"{severity.symbol} {severity.counted(count)}" for severity, count in counts)


def printed_findings(findings: list[rules.Finding]) -> list[tuple[Severity, list[rules.Finding]]]:
    """The open errors and warnings the print view lists, under their severity; the
    info findings are only counted. Accepted findings are listed apart."""
    shown = [(severity, []) for severity in SEVERITY_ORDER if severity != Severity.INFO]
    by_severity = dict(shown)
    for finding in rules.open_findings(findings):
        if finding.severity in by_severity:
            by_severity[finding.severity].append(finding)
    return [(severity, listed) for severity, listed in shown if listed]


def accepted_findings(findings: list[rules.Finding]) -> list[rules.Finding]:
    return [finding for finding in findings if finding.accepted is not None]
