"""Exports read back: the workbook's checks (openpyxl, and LibreOffice recalculating
them), the PDF's pages, SVG, Markdown and HTML tables, and formula injection in every
format a spreadsheet opens."""

import csv
import io
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from raci import exports, matrix_io
from raci.rules import Acceptance, Activity, Matrix, Person, Role, analyse, reference_matrix
from raci.vocabulary import CanonicalRole, Letter, Severity

A, R, C, INFORMED = Letter.ACCOUNTABLE, Letter.RESPONSIBLE, Letter.CONSULTED, Letter.INFORMED
STYLESHEET = Path(__file__).resolve().parents[1] / "static" / "raci" / "print.css"


def chart_of(matrix: Matrix, **extra) -> exports.Chart:
    return exports.Chart(
        matrix=matrix,
        findings=analyse(matrix),
        team=extra.pop("team", "Checkout"),
        organization="Acme",
        exported_by="olivia",
        exported_at=datetime(2026, 11, 27, 9, 30, tzinfo=UTC),
        version="0.1.0",
        **extra,
    )


def small_matrix() -> Matrix:
    roles = (
        Role(key="po", name="Product Owner", kind=CanonicalRole.PRODUCT_OWNER),
        Role(key="dev", name="Developers", kind=CanonicalRole.DEVELOPERS),
        Role(key="ba", name="Business Analyst", kind=CanonicalRole.PRODUCT_OWNER),
    )
    activities = (
        Activity(key="1", name="Backlog ordering", category="backlog"),
        Activity(key="2", name="Acceptance criteria", category="backlog"),
        Activity(key="3", name="Build the increment", category="delivery"),
        Activity(key="4", name="Two bosses", category=""),
    )
    cells = {
        ("1", "po"): frozenset({A, R}),
        ("1", "dev"): frozenset({C}),
        ("2", "dev"): frozenset({C}),  # no A, no R
        ("3", "dev"): frozenset({A, R}),
        ("3", "po"): frozenset({INFORMED}),
        ("4", "po"): frozenset({A}),
        ("4", "ba"): frozenset({A, R}),  # two A
    }
    people = (Person(key="1", name="Ana", role_keys=frozenset({"po"})),)
    return Matrix(activities=activities, roles=roles, cells=cells, people=people)


def workbook(chart, **options):
    return openpyxl.load_workbook(io.BytesIO(exports.write_xlsx(chart)), **options)


def check_cells(sheet):
    """{activity name: check column cell} of a matrix sheet."""
    last = sheet.max_column
    return {
        row[0].value: row[last - 1]
        for row in sheet.iter_rows(min_row=exports.HEADER_ROWS + 1)
        if row[last - 1].value is not None
    }


# --- XLSX ----------------------------------------------------------------------------------


def test_workbook_sheets_header_and_frozen_panes():
    book = workbook(chart_of(small_matrix(), reference=reference_matrix()))
    assert book.sheetnames == ["RACI matrix", "Legend", "Findings", "People", "Reference"]
    sheet = book["RACI matrix"]
    assert sheet["A1"].value == "Checkout"
    assert "exported 2026-11-27 09:30 UTC" in sheet["A2"].value
    assert "by olivia" in sheet["A2"].value and "RACI builder 0.1.0" in sheet["A2"].value
    assert [cell.value for cell in sheet[4]][:5] == [
        "Activity",
        "Product Owner",
        "Developers",
        "Business Analyst",
        "Check",
    ]
    assert sheet["B5"].value == "Ana" and sheet["C5"].value == "nobody"
    assert sheet.freeze_panes == "B6"
    # Grouped by category, in the editor's order; uncategorised last.
    names = [row[0].value for row in sheet.iter_rows(min_row=6)]
    assert names == [
        "Backlog",
        "Backlog ordering",
        "Acceptance criteria",
        "Delivery",
        "Build the increment",
        "Other",
        "Two bosses",
    ]


def test_workbook_check_column_is_a_formula_with_its_result_cached():
    formulas = check_cells(workbook(chart_of(small_matrix()))["RACI matrix"])
    assert formulas["Backlog ordering"].value.startswith('=IF(COUNTIF(B7:D7,"*A*")=0')
    values = check_cells(workbook(chart_of(small_matrix()), data_only=True)["RACI matrix"])
    assert {name: cell.value for name, cell in values.items()} == {
        "Backlog ordering": "OK",
        "Acceptance criteria": "no A",
        "Build the increment": "OK",
        "Two bosses": "2 A",
    }


def test_workbook_validates_letters_and_marks_broken_rows():
    sheet = workbook(chart_of(small_matrix()))["RACI matrix"]
    validations = sheet.data_validations.dataValidation
    assert {str(v.sqref) for v in validations} == {"B7:D8", "B10:D10", "B12:D12"}
    assert all(
        v.type == "list" and v.formula1 == '"A,R,C,I,AR,AC,AI,RC,RI,CI,ARC,ARI,ACI,RCI,ARCI"'
        for v in validations
    )
    rules = [(str(cf.sqref), rule) for cf in sheet.conditional_formatting for rule in cf.rules]
    letter_rules = [rule for _sqref, rule in rules if rule.type == "containsText"]
    assert [rule.text for rule in letter_rules[:4]] == ["A", "R", "C", "I"]
    fills = [rule.dxf.fill.bgColor.rgb[-6:] for rule in letter_rules[:4]]
    assert fills == [exports.LETTER_STYLES[letter]["fill"][1:] for letter in (A, R, C, INFORMED)]
    problems = [(sqref, rule) for sqref, rule in rules if rule.type == "expression"]
    assert ("A7:A8", 'OR(COUNTIF($B7:$D7,"*A*")<>1,COUNTIF($B7:$D7,"*R*")=0)') in [
        (sqref, rule.formula[0]) for sqref, rule in problems
    ]


def test_workbook_prints_landscape_with_the_header_repeated():
    sheet = workbook(chart_of(small_matrix()))["RACI matrix"]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$4:$5" and sheet.print_title_cols == "$A:$A"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.column_dimensions["A"].width >= len("Build the increment")


def test_workbook_findings_people_legend_and_reference():
    book = workbook(chart_of(small_matrix(), reference=reference_matrix()))
    findings = [[cell.value for cell in row] for row in book["Findings"].iter_rows()]
    assert findings[0] == [
        "Severity",
        "Rule",
        "Activity",
        "Role",
        "Person",
        "Message",
        "Suggestion",
        "Documented source",
        "Accepted",
    ]
    assert ["Error", "multiple-accountable", "Two bosses"] in [row[:3] for row in findings]
    assert [cell.value for cell in book["People"][2]] == ["Ana", "", "", "Product Owner"]
    assert [book["Legend"].cell(row, 1).value for row in range(4, 8)] == ["A", "R", "C", "I"]
    reference = book["Reference"]
    assert reference["A1"].value == "Documented reference"
    assert len(check_cells(reference)) == len(reference_matrix().activities)


def test_workbook_says_which_findings_were_accepted_and_counts_only_open_ones():
    matrix = small_matrix()
    accepted = Acceptance(
        rule="multiple-accountable", activity_key="4", reason="Until May", by="maya"
    )
    matrix = replace(matrix, accepted=(accepted,))
    chart = chart_of(matrix)
    book = workbook(chart)
    rows = [[cell.value for cell in row] for row in book["Findings"].iter_rows(min_row=2)]
    two_bosses = next(row for row in rows if row[1] == "multiple-accountable")
    assert two_bosses[-1] == "Accepted by maya: Until May"
    counts = dict(exports.severity_counts(chart.findings))
    assert counts[Severity.ERROR] == sum(1 for row in rows if row[0] == "Error" and not row[-1])


def test_organization_workbook_has_a_summary_and_a_sheet_per_team():
    charts = [chart_of(small_matrix(), team="Checkout"), chart_of(small_matrix(), team="Growth")]
    book = openpyxl.load_workbook(io.BytesIO(exports.write_organization_xlsx("Acme", charts)))
    assert book.sheetnames == ["Summary", "Checkout", "Growth"]
    rows = [[cell.value for cell in row] for row in book["Summary"].iter_rows(min_row=4)]
    assert rows[0][:6] == ["Checkout", 4, 3, 3, rows[0][4], rows[0][5]]
    assert book["Summary"]["G4"].hyperlink.location == "'Checkout'!A1"


def soffice():
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        message = "LibreOffice (apt-get install libreoffice-calc-nogui) recalculates the workbook"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


def test_libreoffice_recalculates_the_check_column_of_an_edited_workbook(tmp_path):
    binary = soffice()
    book = workbook(chart_of(small_matrix()))
    sheet = book["RACI matrix"]
    rows = {row[0].value: row[0].row for row in sheet.iter_rows(min_row=6)}
    # After export: the A of "Build the increment" is taken away; "Backlog ordering" gets
    # a second A.
    sheet.cell(rows["Build the increment"], 3).value = "R"
    sheet.cell(rows["Backlog ordering"], 4).value = "A"
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    profile = tmp_path / "profile"
    subprocess.run(
        [
            binary,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,1",
            "--outdir",
            str(tmp_path),
            str(edited),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    # LibreOffice names the file of one sheet after the workbook and the sheet.
    (written,) = tmp_path.glob("edited*.csv")
    rows = list(csv.reader(written.open(encoding="utf-8")))
    checks = {row[0]: row[4] for row in rows[5:] if len(row) > 4 and row[4]}
    assert checks == {
        "Backlog ordering": "2 A",
        "Acceptance criteria": "no A",
        "Build the increment": "no A",
        "Two bosses": "2 A",
    }


# --- PDF -----------------------------------------------------------------------------------


def render_pdf(chart) -> PdfReader:
    from raci.views.exports import print_html

    document = print_html(chart, for_pdf=True)
    return PdfReader(io.BytesIO(exports.pdf_from_html(document, stylesheet=str(STYLESHEET))))


@pytest.mark.django_db
def test_pdf_holds_every_activity_the_legend_and_the_findings():
    reader = render_pdf(chart_of(small_matrix()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for name in ("Backlog ordering", "Acceptance criteria", "Build the increment", "Two bosses"):
        assert name in text
    assert "Checkout" in text and "Legend" in text and "Accountable" in text
    assert "✖ 3 errors" in text and "Two bosses: Product Owner and Business Analyst" in text


@pytest.mark.django_db
def test_pdf_lists_an_accepted_finding_apart_and_counts_only_open_ones():
    accepted = Acceptance(
        rule="multiple-accountable",
        activity_key="4",
        reason="Until May",
        by="maya",
        at=datetime(2026, 11, 20, 12, tzinfo=UTC),
    )
    chart = chart_of(replace(small_matrix(), accepted=(accepted,)))
    two_bosses = next(f for f in chart.findings if f.rule == "multiple-accountable")
    reader = render_pdf(chart)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    counts = dict(exports.severity_counts(chart.findings))
    assert f"✖ {counts[Severity.ERROR]} errors ·" in text
    listed, accepted_part = text.split("Accepted (1)")
    errors = listed.split("Errors (")[1]
    assert errors.startswith(f"{counts[Severity.ERROR]})")
    assert errors.count("Error ") == counts[Severity.ERROR]
    assert two_bosses.message not in listed
    assert two_bosses.message in accepted_part
    assert "Accepted by maya on 20 Nov 2026: “Until May”" in accepted_part


def wide_matrix(activities=150, roles=14) -> Matrix:
    role_list = tuple(Role(key=f"r{n}", name=f"Role {n:02d}") for n in range(roles))
    activity_list = tuple(
        Activity(key=str(n), name=f"Activity number {n:03d}", category="delivery")
        for n in range(activities)
    )
    cells = {(str(n), f"r{n % roles}"): frozenset({A, R}) for n in range(activities)}
    return Matrix(activities=activity_list, roles=role_list, cells=cells)


@pytest.mark.django_db
def test_a_large_pdf_splits_across_pages_with_the_header_on_each():
    matrix = wide_matrix()
    reader = render_pdf(chart_of(matrix))
    assert len(reader.pages) > 4
    texts = [page.extract_text() for page in reader.pages]
    chart_pages = [text for text in texts if "Activity number" in text]
    for text in chart_pages:
        assert "Activity" in text.splitlines()[3] or "Activity Role" in text
        assert "Role 00" in text or "Role 10" in text  # the header row of its slice
    text = "\n".join(texts)
    for activity in matrix.activities:
        assert activity.name in text
    # Columns beyond the edge continue on following pages: every role is shown.
    assert all(f"Role {n:02d}" in text for n in range(14))
    assert "Roles 2 of 2 (continued)" in text


# --- SVG, Markdown, HTML -------------------------------------------------------------------


def test_svg_is_well_formed_and_shows_every_activity_and_letter():
    svg = exports.write_svg(chart_of(small_matrix()))
    root = ET.fromstring(svg)
    texts = [element.text for element in root.iter("{http://www.w3.org/2000/svg}text")]
    assert {"Backlog ordering", "Two bosses", "AR", "Product Owner"} <= set(texts)
    assert "script" not in svg and "href" not in svg


def test_markdown_table_reads_back_with_its_categories():
    text = exports.write_markdown(small_matrix(), title="Checkout")
    assert "| Activity | Product Owner | Developers | Business Analyst |" in text
    back = matrix_io.read_matrix(text, "chart.md")
    assert [(a.name, a.category) for a in back.activities] == [
        ("Backlog ordering", "Backlog"),
        ("Acceptance criteria", "Backlog"),
        ("Build the increment", "Delivery"),
        ("Two bosses", "Other"),
    ]


def test_markdown_escapes_pipes():
    matrix = Matrix(
        activities=(Activity(key="1", name="Build | ship"),),
        roles=(Role(key="r", name="QA"),),
        cells={("1", "r"): frozenset({A})},
    )
    back = matrix_io.read_matrix(exports.write_markdown(matrix), "chart.md")
    assert back.activities[0].name == "Build | ship"


# --- Formula injection, in every format a spreadsheet opens --------------------------------

DANGEROUS = [
    '=HYPERLINK("http://x")',
    "+1",
    "-2",
    "@SUM(A1)",
    "\tcmd",
    "\rcmd",
    "\uff1dSUM(1)",
    "\uff0b1",
    "\uff0d1",
    "\uff20A1",
]


def injected(name) -> Matrix:
    return Matrix(
        activities=(Activity(key="1", name=name, category="=cmd"),),
        roles=(Role(key="r", name="@Legal"),),
        cells={("1", "r"): frozenset({A, R})},
        people=(Person(key="1", name="=Eve", role_keys=frozenset({"r"})),),
    )


@pytest.mark.parametrize("name", DANGEROUS)
def test_csv_writes_formula_text_inert_and_reads_it_back(name):
    for text in (
        matrix_io.write_csv(injected(name)),
        matrix_io.write_csv(injected(name), excel=True),
    ):
        header, row = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
        assert header[3] == "'@Legal" and row[0] == "'" + name and row[2] == "'=cmd"
    back = matrix_io.read_matrix(matrix_io.write_csv(injected(name)), "m.csv")
    assert back.activities[0].name == name and back.roles[0].name == "@Legal"


@pytest.mark.parametrize("name", DANGEROUS)
def test_long_csv_and_html_table_write_formula_text_inert(name):
    rows = list(csv.reader(io.StringIO(matrix_io.write_long_csv(injected(name)).lstrip("\ufeff"))))
    assert rows[1][:4] == ["'" + name, "'=cmd", "'@Legal", "'=Eve"]
    html = exports.write_html_table(injected(name))
    assert "<th scope='col'>&#x27;@Legal</th>" in html and "&#x27;=cmd" in html


@pytest.mark.parametrize("name", DANGEROUS)
def test_xlsx_marks_formula_text_as_text(name):
    book = workbook(chart_of(injected(name)))
    sheet = book["RACI matrix"]
    activity = next(row[0] for row in sheet.iter_rows(min_row=7) if row[0].value)
    role = sheet["B4"]
    for cell in (activity, role):
        assert cell.data_type == "s" and cell.quotePrefix
    # openpyxl shows a carriage return as Excel stores it.
    assert activity.value == name.replace("\r", "_x000D_") and role.value == "@Legal"
    person = book["People"]["A2"]
    assert person.value == "=Eve" and person.data_type == "s" and person.quotePrefix
