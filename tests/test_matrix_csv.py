"""Reading and writing CSV matrix files: spellings, aliases and every error path."""

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from raci import matrix_io
from raci.catalogue import CATALOGUE
from raci.matrix_io import MatrixFileError, read_csv, write_csv
from raci.rules import Activity, Matrix, Role, analyse, reference_matrix
from raci.vocabulary import CanonicalRole, Letter, Severity

A, R, C = Letter.ACCOUNTABLE, Letter.RESPONSIBLE, Letter.CONSULTED
INFORMED = Letter.INFORMED


def csv_cell(text: str) -> frozenset[Letter]:
    """The letters read from one PO cell."""
    matrix = read_csv(f'Activity,PO\nVision,"{text}"\n')
    return matrix.letters(matrix.activities[0].key, "PO")


def error_of(data) -> str:
    with pytest.raises(MatrixFileError) as error:
        read_csv(data)
    return str(error.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A/R", {A, R}),
        ("AR", {A, R}),
        ("ra", {A, R}),
        ("R, A", {A, R}),
        ("A+R", {A, R}),
        (" c ", {C}),
        ("i", {INFORMED}),
        ("A;C", {A, C}),
        ("RACI", set(Letter)),
        ("AA", {A}),
        ("", set()),
        ("   ", set()),
    ],
)
def test_cell_spellings(text, expected):
    assert csv_cell(text) == expected


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Product Manager", CanonicalRole.PRODUCT_MANAGER),
        ("pm", CanonicalRole.PRODUCT_MANAGER),
        ("PRODUCT OWNER", CanonicalRole.PRODUCT_OWNER),
        ("Po", CanonicalRole.PRODUCT_OWNER),
        ("scrum  master", CanonicalRole.SCRUM_MASTER),
        ("SM", CanonicalRole.SCRUM_MASTER),
        ("Developers", CanonicalRole.DEVELOPERS),
        ("developer", CanonicalRole.DEVELOPERS),
        (" Dev ", CanonicalRole.DEVELOPERS),
        ("Development Team", CanonicalRole.DEVELOPERS),
        ("Business Analyst", None),
        ("Legal", None),
    ],
)
def test_role_headers_map_case_insensitively(header, kind):
    (role,) = read_csv(f"Activity,{header}\nVision,A\n").roles
    assert role.kind == kind
    assert role.name == header.strip()


def test_key_and_category_columns_are_optional_and_read():
    matrix = read_csv("Category,Activity,KEY,PM\nbacklog,Order, Backlog-Ordering ,C\nx,Other,,AR\n")
    first, second = matrix.activities
    assert (first.name, first.category, first.catalogue_key) == (
        "Order",
        "backlog",
        "backlog-ordering",
    )
    assert second.catalogue_key is None
    assert [role.name for role in matrix.roles] == ["PM"]


def test_bom_and_crlf_are_tolerated():
    data = "Activity,PM,PO\r\nVision,AR,C\r\n".encode("utf-8-sig")
    matrix = read_csv(data)
    assert [role.kind for role in matrix.roles] == [
        CanonicalRole.PRODUCT_MANAGER,
        CanonicalRole.PRODUCT_OWNER,
    ]
    assert matrix.letters(matrix.activities[0].key, "PO") == {C}
    assert read_csv("\ufeffActivity,PM\nVision,A\n").activities[0].name == "Vision"


def test_blank_lines_short_rows_and_empty_trailing_columns_are_fine():
    matrix = read_csv("Activity,PM,PO,,\n\nVision,AR\n,,,,\nRoadmap,C,AR,,\n")
    assert [activity.name for activity in matrix.activities] == ["Vision", "Roadmap"]
    assert len(matrix.roles) == 2


def test_quoted_names_with_commas_and_newlines():
    matrix = read_csv('Activity,PM\n"Plan, then ship\nagain",AR\n')
    assert matrix.activities[0].name == "Plan, then ship\nagain"


def test_rows_are_numbered_like_a_spreadsheet():
    assert error_of("Activity,PM,PO\nA,AR,C\nB,AR,C\nC,AR,X\n") == (
        "Row 4, column 'PO': unknown letter 'X' (use R, A, C or I)."
    )


# Error paths: each one a clear message, never a traceback.


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("", "The file is empty."),
        (b"", "The file is empty."),
        ("\n \n", "The file is empty."),
        ("Activity\nVision\n", "No RACI matrix found: the file starts with Activity, but no cell"),
        ("Activity,Dev,Development Team\nX,R,A\n", "'Dev' and 'Development Team' are both the Dev"),
        ("Activity,PM\n,AR\n", "Row 2, column 'Activity': the activity has no name."),
        ("Activity,PM\n\n", "The matrix has a header row but no activities."),
        ("Activity,PM\nVision,AR,R\n", "Row 2, column 3: 'R' is in a column without a header."),
        ("Activity,,PM\nVision,R,A\n", "Row 2, column 2 (no header): 'R' is in a column"),
        ("Activity,PM\nVision,Z\n", "Row 2, column 'PM': unknown letter 'Z' (use R, A, C or I)."),
        ("Activity,PM\nVision,A-R\n", "Row 2, column 'PM': unknown letter '-'"),
        (b"Activity,PM\nVision,\xe9\n", "Row 2, column 'PM': unknown letter '\xe9'"),
        (b"Activity,PM\x00\n", "The file is not text"),
        (b"PK\x03\x04rest-of-a-zip", "looks like a spreadsheet (a zip archive) but is damaged"),
        (b"%PDF-1.7 ...", "This is a PDF document, not a table"),
        ('Activity,PM\n"' + "x" * 200_000 + '",A\n', "Row 2: the CSV is malformed"),
    ],
)
def test_unreadable_input_is_a_clear_error(data, message):
    assert message in error_of(data)


@pytest.mark.parametrize(
    ("data", "names"),
    [
        # Once refused; a real file's own words decide now.
        ("Task,PM\nVision,A\n", ["PM"]),
        ("Activity;PM\nVision;A\n", ["PM"]),
        ("Activity,Legal,LEGAL\nVision,A,R\n", ["Legal", "LEGAL (2)"]),
        ("Activity,PM,Product Manager\nVision,A,R\n", ["PM", "Product Manager"]),
    ],
)
def test_headers_once_refused_are_read(data, names):
    assert [role.name for role in read_csv(data).roles] == names


def test_too_many_rows_is_refused():
    rows = "".join(f"Task {n},AR\n" for n in range(matrix_io.MAX_ACTIVITIES + 1))
    assert error_of("Activity,PM\n" + rows) == "The file has more than 5000 activities."
    ok = "".join(f"Task {n},AR\n" for n in range(matrix_io.MAX_ACTIVITIES))
    assert len(read_csv("Activity,PM\n" + ok).activities) == matrix_io.MAX_ACTIVITIES


def test_too_many_columns_is_refused():
    header = ",".join(f"Role {n}" for n in range(matrix_io.MAX_ROLES + 1))
    assert "more than 200 role columns" in error_of(f"Activity,{header}\n")


def test_too_large_input_is_refused():
    data = b"Activity,PM\n" + b"x" * matrix_io.MAX_BYTES
    assert error_of(data) == "The file is larger than 5 MB."


# Writing.


def test_write_csv_spells_letters_canonically():
    matrix = Matrix(
        activities=(Activity(key="1", name="Order", category="backlog", catalogue_key="x-y"),),
        roles=(Role(key="7", name="PO"), Role(key="8", name="Legal")),
        cells={("1", "7"): frozenset({R, A}), ("1", "8"): frozenset({INFORMED, C})},
    )
    assert write_csv(matrix) == "Activity,Key,Category,PO,Legal\nOrder,x-y,backlog,AR,CI\n"


def test_role_named_like_a_reserved_column_cannot_be_written():
    matrix = Matrix(activities=(), roles=(Role(key="1", name="Key"),), cells={})
    with pytest.raises(MatrixFileError, match="cannot be written"):
        write_csv(matrix)


def test_reference_matrix_as_csv_lints_without_error_or_warning():
    matrix = read_csv(write_csv(reference_matrix()))
    assert len(matrix.activities) == len(CATALOGUE)
    assert [f.rule for f in analyse(matrix) if f.severity != Severity.INFO] == []


# Round trip, property-based.

RESERVED = {"activity", "key", "category"}
text_value = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20
).map(str.strip)
custom_role_name = text_value.filter(
    lambda name: (
        name and name.lower() not in RESERVED and matrix_io.role_kind_for_header(name) is None
    )
)
letter_sets = st.frozensets(st.sampled_from(list(Letter)))


def folded(name: str) -> str:
    """Role names the reader treats as the same column."""
    return " ".join(name.split()).lower()


@st.composite
def matrices(draw) -> Matrix:
    kinds = draw(st.lists(st.sampled_from(list(CanonicalRole)), unique=True, max_size=4))
    customs = draw(
        st.lists(
            custom_role_name, unique_by=lambda name: " ".join(name.split()).lower(), max_size=4
        )
    )
    roles = [Role(key=kind.label, name=kind.label, kind=kind) for kind in kinds]
    roles += [Role(key=name, name=name) for name in customs]
    roles = draw(st.permutations(roles)) if roles else [Role(key="Legal", name="Legal")]
    activities = [
        Activity(
            key=str(n),
            name=draw(text_value.filter(bool)),
            category=draw(text_value),
            catalogue_key=draw(st.none() | st.sampled_from([entry.key for entry in CATALOGUE])),
        )
        for n in range(draw(st.integers(1, 8)))
    ]
    cells = {}
    for activity in activities:
        for role in roles:
            letters = draw(letter_sets)
            if letters:
                cells[(activity.key, role.key)] = letters
    return Matrix(activities=tuple(activities), roles=tuple(roles), cells=cells)


def shape(matrix: Matrix):
    """What a CSV file carries, independent of the keys the reader picks."""
    return (
        [(role.name, role.kind) for role in matrix.roles],
        [
            (
                activity.name,
                activity.category,
                activity.catalogue_key,
                [matrix.letters(activity.key, role.key) for role in matrix.roles],
            )
            for activity in matrix.activities
        ],
    )


# No deadline: speed is the benchmark's business, and the shared machines are noisy.
@settings(deadline=None)
@given(matrices())
def test_a_matrix_survives_a_csv_round_trip(matrix):
    assert shape(read_csv(write_csv(matrix))) == shape(matrix)
    assert shape(read_csv(write_csv(matrix).encode("utf-8-sig"))) == shape(matrix)


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "'=quoted"])
def test_text_a_spreadsheet_would_run_is_written_inert_and_read_back_unchanged(name):
    matrix = Matrix(
        activities=(Activity(key="1", name=name, category="=cmd"),),
        roles=(Role(key="r", name="@Legal"),),
        cells={("1", "r"): frozenset({Letter.ACCOUNTABLE, Letter.RESPONSIBLE})},
    )

    written = write_csv(matrix)

    header, row = list(csv.reader(io.StringIO(written)))
    assert header[3] == "'@Legal"
    assert row[0].startswith("'") and row[2] == "'=cmd"
    back = read_csv(written)
    assert (back.activities[0].name, back.activities[0].category) == (name, "=cmd")
    assert back.roles[0].name == "@Legal"


def test_a_data_row_that_reads_like_letter_headings_stays_a_row():
    # Found by the round trip: "0R", category "C" and a cell "A" name three
    # letters, as an inverted layout's header would, but the header is above.
    matrix = read_csv("Activity,Category,Legal\n0R,C,A\n0,,\n")
    assert [activity.name for activity in matrix.activities] == ["0R", "0"]
    assert [role.name for role in matrix.roles] == ["Legal"]
