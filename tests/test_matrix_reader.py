"""The one reader: the shapes real RACI tables come in, what it guesses, what it refuses."""

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from raci import tables
from raci.layouts import CUSTOM, ReadOptions
from raci.matrix_io import MatrixFileError, read_matrix, read_matrix_file
from raci.rules import analyse
from raci.vocabulary import CanonicalRole, Letter

A, R, C, INFORMED = Letter.ACCOUNTABLE, Letter.RESPONSIBLE, Letter.CONSULTED, Letter.INFORMED
REAL = Path(__file__).parent / "samples" / "real"


def grid(matrix):
    """{activity: {role: "letters"}} with categories, for comparing shapes."""
    return {
        (activity.name, activity.category): {
            role.name: "".join(sorted(matrix.letters(activity.key, role.key)))
            for role in matrix.roles
            if matrix.letters(activity.key, role.key)
        }
        for activity in matrix.activities
    }


def error_of(data, name="matrix.csv", options=None) -> str:
    with pytest.raises(MatrixFileError) as error:
        read_matrix(data, name, options)
    return str(error.value)


def guesses(data, name="matrix.md", options=None) -> list[str]:
    return [guess.message for guess in read_matrix_file(data, name, options).guesses]


# The activity column, whatever its header.


@pytest.mark.parametrize(
    "header",
    [
        "Task",
        "Task / Activity",
        "Activity/Deliverable",
        "Work Item",
        "Name",
        "Step",
        "Ceremonies",
        "Aufgabe",
        "Actividad",
        "",
    ],
)
def test_the_first_column_of_names_is_the_activity_column(header):
    matrix = read_matrix(f"{header},Product Owner,Developers\nRefinement,A,R\n", "m.csv")
    assert grid(matrix) == {("Refinement", ""): {"Product Owner": "A", "Developers": "R"}}


def test_an_unknown_activity_header_is_a_reported_guess():
    reading = read_matrix_file("Thing,PO,Dev\nRefinement,A,R\n", "m.csv")
    assert reading.activity_header == "Thing"
    assert any("Read column 'Thing' as the activities" in g.message for g in reading.guesses)


def test_descriptive_and_id_columns_are_left_out_and_said_so():
    data = (
        "Step Id,Activity,Description,PO,Dev,Notes\n"
        "1.1,Refinement,Split the stories,A,R,weekly\n"
        "1.2,Review,Show the increment,A,R,\n"
    )
    reading = read_matrix_file(data, "m.csv")
    assert [role.name for role in reading.matrix.roles] == ["PO", "Dev"]
    assert any(
        "'Step Id', 'Description', 'Notes'" in g for g in [x.message for x in reading.guesses]
    )


# Cells that are not letters.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("N/A", set()),
        ("-", set()),
        ("—", set()),
        ("Responsible", {R}),
        ("accountable", {A}),
        ("(Consulted)", {C}),
        ("R (Responsible)", {R}),
        ("**A**", {A}),
        ("Informed", {INFORMED}),
        ("R and A", {A, R}),
        ("A / R", {A, R}),
    ],
)
def test_cells_people_write(text, expected):
    matrix = read_matrix(f'Activity,PO,Dev\nVision,"{text}",R\n', "m.csv")
    assert matrix.letters(matrix.activities[0].key, "PO") == expected


# Titles, legends, several tables.


def test_title_rows_and_a_legend_are_skipped():
    data = (
        "RACI chart,,\n"
        "Project:,Checkout,\n"
        ",,\n"
        "Task,PO,Dev\n"
        "Refinement,A,R\n"
        "Review,A,R\n"
        ",,\n"
        "R,Responsible,\n"
        "A,Accountable,\n"
    )
    reading = read_matrix_file(data, "m.csv")
    assert [a.name for a in reading.matrix.activities] == ["Refinement", "Review"]
    assert any("Skipped 3 rows above the header" in g.message for g in reading.guesses)


MARKDOWN = """# Team handbook

Who does what. PM = Project Manager, PdM = Product Manager.

| Letter | Meaning |
|---|---|
| R | Responsible |
| A | Accountable |

## Planning

| Activity | PdM | PM | Dev |
|---|---|---|---|
| Roadmap | A | C | I |
| **Delivery** | | | |
| Sprint plan | C | A | R |

Notes follow.
"""


def test_a_markdown_table_inside_prose_with_a_legend_table_and_a_glossary():
    reading = read_matrix_file(MARKDOWN, "handbook.md")
    matrix = reading.matrix
    assert grid(matrix) == {
        ("Roadmap", ""): {"PdM": "A", "PM": "C", "Dev": "I"},
        ("Sprint plan", "Delivery"): {"PdM": "C", "PM": "A", "Dev": "R"},
    }
    kinds = {role.name: role.kind for role in matrix.roles}
    assert kinds == {
        "PdM": CanonicalRole.PRODUCT_MANAGER,
        "PM": None,
        "Dev": CanonicalRole.DEVELOPERS,
    }
    assert any("'PM' read as the Project Manager" in g.message for g in reading.guesses)


def test_pm_alone_is_read_as_the_product_manager_and_asked():
    reading = read_matrix_file("Activity,PM,Dev\nRoadmap,A,R\n", "m.csv")
    assert reading.matrix.roles[0].kind == CanonicalRole.PRODUCT_MANAGER
    asked = [g for g in reading.guesses if g.ask]
    assert [g.subject for g in asked] == ["PM"]


def test_the_glossary_of_the_file_says_what_pm_means():
    text = "PM = Project Manager\n\n| Task | PM | Dev |\n|---|---|---|\n| Plan | A | R |\n"
    assert read_matrix(text, "m.md").roles[0].kind is None


def test_the_user_says_what_a_header_means():
    options = ReadOptions(roles={"pm": CUSTOM, "dev": "po"})
    matrix = read_matrix("Activity,PM,Dev\nRoadmap,A,R\n", "m.csv", options)
    assert [role.kind for role in matrix.roles] == [None, CanonicalRole.PRODUCT_OWNER]


BUDGET = "Task,Product Manager,Delivery,Dev\nBudget and resources,C,AR,I\n"


def rules_on_budget(matrix) -> list[tuple[str, str]]:
    """The findings on the budget row, its catalogue key set as the import infers it."""
    activities = tuple(replace(a, catalogue_key="budget-and-resources") for a in matrix.activities)
    found = analyse(replace(matrix, activities=activities))
    return [(f.rule, f.role) for f in found if f.activity == "Budget and resources"]


def test_a_column_said_to_be_the_project_manager_is_checked_as_the_catalogue_names_it():
    as_read = read_matrix(BUDGET, "m.csv")
    assert rules_on_budget(as_read) == [("owner-mismatch", "Delivery")]

    options = ReadOptions(roles={"delivery": "project-manager"})
    reading = read_matrix_file(BUDGET, "m.csv", options)

    role = reading.matrix.roles[1]
    assert (role.name, role.kind) == ("Project Manager", None)
    assert reading.mappings[1].choice == "project-manager"
    assert (
        "'Delivery' is the Project Manager: its column is named 'Project Manager', which the "
        "checks know." in [guess.message for guess in reading.guesses]
    )
    # 001 gives a project manager the budget: a documented alternative, not a mismatch.
    assert rules_on_budget(reading.matrix) == [("documented-alternative", "Project Manager")]


def test_a_header_that_names_the_project_manager_keeps_its_name_and_is_offered_as_such():
    text = "Task,Product Manager,PM,Proj. Mgr\nPlan,A,R,C\n"
    reading = read_matrix_file(text, "m.csv")
    assert [m.choice for m in reading.mappings] == ["pm", "project-manager", "project-manager"]
    options = ReadOptions(roles={"pm": "project-manager"})
    assert read_matrix(text, "m.csv", options).roles[1].name == "PM"


def test_an_unknown_role_choice_is_refused_with_the_choices():
    message = error_of("Task,PM\nPlan,A\n", options=ReadOptions(roles={"pm": "boss"}))
    assert "'boss' is not one of pm, po, sm, dev, project-manager, business-analyst, custom" in (
        message
    )


def test_several_tables_with_one_header_are_one_matrix_with_their_headings_as_categories():
    text = (
        "## Discovery\n\n| Task | PO | Dev |\n|---|---|---|\n| Research | A | R |\n\n"
        "## Delivery\n\n| Task | PO | Dev |\n|---|---|---|\n| Build | C | AR |\n"
    )
    assert grid(read_matrix(text, "m.md")) == {
        ("Research", "Discovery"): {"PO": "A", "Dev": "R"},
        ("Build", "Delivery"): {"PO": "C", "Dev": "AR"},
    }


def test_the_user_picks_another_table():
    text = (
        "| Task | PO | Dev |\n|---|---|---|\n| Research | A | R |\n| Build | A | R |\n\n"
        "| Decision | Lead | Team |\n|---|---|---|\n| Hire | A | C |\n"
    )
    assert [a.name for a in read_matrix(text, "m.md").activities] == ["Research", "Build"]
    assert [a.name for a in read_matrix(text, "m.md", ReadOptions(table=2)).activities] == ["Hire"]


# Categories.


def test_section_rows_and_fill_down_groups_become_categories():
    sections = "Task,PO,Dev\nPLANNING,,\nRefine,A,R\nOrder,A,C\nDELIVERY,,\nBuild,C,AR\n"
    assert [a.category for a in read_matrix(sections, "m.csv").activities] == [
        "PLANNING",
        "PLANNING",
        "DELIVERY",
    ]
    fill_down = "Phase,Task,PO,Dev\nPlanning,Refine,A,R\n,Order,A,C\nDelivery,Build,C,AR\n"
    assert [a.category for a in read_matrix(fill_down, "m.csv").activities] == [
        "Planning",
        "Planning",
        "Delivery",
    ]


def test_without_sections_a_letterless_row_is_an_activity():
    data = "Task,PO,Dev\nPLANNING,,\nRefine,A,R\n"
    matrix = read_matrix(data, "m.csv", ReadOptions(sections=False))
    assert [a.name for a in matrix.activities] == ["PLANNING", "Refine"]


# Other layouts.


def test_the_inverted_layout_pivots_role_names_into_columns():
    text = (
        "| Process | Responsible | Accountable | Consulted | Informed |\n|---|---|---|---|---|\n"
        "| Billing | Finance, Ops | CFO | Legal (if needed) | All |\n"
        "| Hiring | HR / Lead | Lead | — | All |\n"
    )
    reading = read_matrix_file(text, "m.md")
    assert reading.layout == "inverted"
    assert grid(reading.matrix) == {
        ("Billing", ""): {"Finance": "R", "Ops": "R", "CFO": "A", "Legal": "C", "All": "I"},
        ("Hiring", ""): {"HR": "R", "Lead": "AR", "All": "I"},
    }


def test_roles_as_rows_are_turned_round():
    data = "Role,Vision,Backlog\nProduct Owner,A,AR\nDevelopers,C,R\nScrum Master,I,C\n"
    reading = read_matrix_file(data, "m.csv")
    assert reading.layout == "columns"
    assert grid(reading.matrix) == {
        ("Vision", ""): {"Product Owner": "A", "Developers": "C", "Scrum Master": "I"},
        ("Backlog", ""): {"Product Owner": "AR", "Developers": "R", "Scrum Master": "C"},
    }


def test_one_row_per_letter_is_pivoted_with_the_people():
    data = (
        "Activity,Category,Role,Person,Letter\n"
        "Vision,strategy,Product Owner,Ana,A\n"
        "Vision,strategy,Product Owner,Ana,R\n"
        "Vision,strategy,Developers,Bo,C\n"
        "Vision,strategy,Developers,Cy,C\n"
    )
    matrix = read_matrix(data, "long.csv")
    assert grid(matrix) == {("Vision", "strategy"): {"Product Owner": "AR", "Developers": "C"}}
    assert sorted((p.name, tuple(p.role_keys)) for p in matrix.people) == [
        ("Ana", ("Product Owner",)),
        ("Bo", ("Developers",)),
        ("Cy", ("Developers",)),
    ]


def test_html_tables_are_read():
    html = (
        "<html><body><h2>Delivery</h2><table><tr><th>Task</th><th>PO</th><th>Dev</th></tr>"
        "<tr><th colspan='3'><strong>Build</strong></th></tr>"
        "<tr><td>Code</td><td>A</td><td>R</td></tr></table></body></html>"
    )
    assert grid(read_matrix(html, "m.html")) == {("Code", "Build"): {"PO": "A", "Dev": "R"}}


# Encodings and delimiters Excel writes.


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_any_delimiter(delimiter):
    data = delimiter.join(["Task", "PO", "Dev"]) + "\n" + delimiter.join(["Plan", "A", "R"])
    assert grid(read_matrix(data, "m.csv")) == {("Plan", ""): {"PO": "A", "Dev": "R"}}


def test_windows_encodings_are_read_and_said():
    data = "Tâche;PO;Zoë\nPlan;A;R\n"
    cp1252 = read_matrix_file(data.encode("cp1252"), "m.csv")
    assert [role.name for role in cp1252.matrix.roles] == ["PO", "Zoë"]
    assert any("Windows-1252" in g.message for g in cp1252.guesses)
    utf16 = read_matrix(data.encode("utf-16"), "m.txt")
    assert [role.name for role in utf16.roles] == ["PO", "Zoë"]


# Refused, with a message and bounded work.


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_opened():
    bomb = zip_of(
        {"xl/workbook.xml": b"<x/>", "xl/sheet.xml": b"\0" * (tables.MAX_UNPACKED_BYTES + 1)}
    )
    assert len(bomb) < tables.MAX_BYTES
    assert "unpacks to more than 64 MB" in error_of(bomb, "bomb.xlsx")


def test_a_zip_that_lies_about_its_sizes_is_refused(monkeypatch):
    honest = zip_of({"xl/workbook.xml": b"<x/>", "xl/sheet.xml": b"a" * 200_000})
    # Rewrite the central directory to declare a tiny size: inflating must not trust it.
    lying = honest.replace((200_000).to_bytes(4, "little"), (10).to_bytes(4, "little"))
    assert "zip bomb" in error_of(lying, "lie.xlsx")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.4", "chart.pdf", "This is a PDF document"),
        (zip_of({"word/document.xml": b"<w/>"}), "chart.docx", "This is a Word document"),
        (b"Activity,PO\nPlan,A\n", "chart.xlsx", "named like a spreadsheet but is not one"),
        (zip_of({"xl/workbook.xml": b"not xml"}), "chart.xlsx", "workbook cannot be read"),
        ("| a | b |\n|---|---|\n| c | d |\n", "m.md", "No RACI matrix found"),
    ],
)
def test_wrong_files_are_clear_errors(data, name, message):
    assert message in error_of(data, name)


def test_too_many_rows_in_a_sheet_is_refused():
    rows = "\n".join(f"T{n},A" for n in range(tables.MAX_ROWS + 1))
    assert "more than 20000 rows" in error_of("Task,PO\n" + rows)


# The real corpus.

REAL_FILES = sorted(path for path in REAL.iterdir() if path.name != "SOURCES")
# (activities, roles, rows with no A, rows with two or more A): counted by hand in the files.
EXPECTED = {
    "agile-scrum-roles-legacy.xls": (9, 5, 3, 0),
    "agile-scrum-roles.md": (9, 5, 3, 0),
    "agile-scrum-roles.xlsx": (9, 5, 3, 0),
    "octoacme-accountability.md": (31, 8, 0, 0),
    "octoacme-blank-cells.md": (12, 7, 0, 0),
    "octoacme-pdm-pm.md": (9, 10, 1, 2),
    "octoacme-phases-ten-roles.md": (35, 10, 3, 0),
    "octoacme-sections-one-cell.md": (25, 8, 4, 0),
    "octoacme-security-champion.md": (39, 7, 1, 1),
    "octoacme-stakeholders.md": (33, 7, 1, 0),
    "octoacme-tables-per-phase.md": (63, 9, 2, 0),
    "pm-tools-raci-matrix.md": (24, 10, 7, 0),
    "sportshield-team3-legend-dash.md": (10, 7, 0, 0),
    "sportshield-team5-name-column.md": (9, 8, 0, 1),
}


def test_every_real_file_has_its_source_and_licence_recorded():
    sources = (REAL / "SOURCES").read_text()
    assert {path.name for path in REAL_FILES} == set(EXPECTED)
    for path in REAL_FILES:
        entry = sources.split(f"\n{path.name}\n", 1)[1].split("\n\n", 1)[0]
        assert "https://github.com/" in entry and "commit: " in entry and "licence: " in entry


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda path: path.name)
def test_real_tables_read_as_is_and_their_a_counts_match_a_recount(path):
    matrix = read_matrix(path.read_bytes(), path.name)
    findings = analyse(matrix)
    no_a = sum(1 for f in findings if f.rule in ("no-accountable", "empty-activity"))
    two_a = sum(1 for f in findings if f.rule == "multiple-accountable")
    assert (len(matrix.activities), len(matrix.roles), no_a, two_a) == EXPECTED[path.name]


def test_the_pdm_file_keeps_pm_as_the_project_manager():
    matrix = read_matrix((REAL / "octoacme-pdm-pm.md").read_bytes(), "octoacme-pdm-pm.md")
    kinds = {role.name: role.kind for role in matrix.roles}
    assert kinds["PdM"] == CanonicalRole.PRODUCT_MANAGER and kinds["PM"] is None


def test_a_zip_bomb_is_refused_with_memory_bounded():
    import tracemalloc

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<x/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(256):  # 256 MB of zeros, a few hundred KB packed
                member.write(bytes(1024 * 1024))
    bomb = out.getvalue()
    assert len(bomb) < tables.MAX_BYTES

    tracemalloc.start()
    try:
        message = error_of(bomb, "bomb.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "it may be a zip bomb" in message
    assert peak < 4 * len(bomb) + 2 * 1024 * 1024
