"""Finding the RACI matrix in the tables people really have.

Given the tables of a file (`raci.tables`), this picks the table that holds
the matrix, finds its header row under any title or legend, tells the
layout (activities as rows, roles as rows, the inverted R/A/C/I columns
holding role names, or one row per activity, role and letter), the
activity column whatever its header, the category (a column, section rows,
or a group name filled only on its first row), and the role columns;
descriptive columns are left out. Every such decision that could have gone
another way is reported as a `Guess`, which the import preview shows and
`ReadOptions` overrides.

Pure Python (no Django): plain tables in, the engine's `Matrix` out.
"""

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace

from raci.catalogue import OTHER_ROLES, OtherRole, other_role_named
from raci.rules import Activity, Matrix, Person, Role
from raci.tables import Document, Table
from raci.vocabulary import (
    AMBIGUOUS_ROLE_ALIASES,
    LETTER_WORDS,
    ROLE_ALIASES,
    CanonicalRole,
    Letter,
    fold,
    fold_role,
    letter_heading,
    parse_letters,
)

MAX_ACTIVITIES = 5000
MAX_ROLES = 200


class LayoutError(ValueError):
    """No matrix could be read from the tables; the message is meant for the user."""


# Layouts, as the preview and `raci lint --layout` name them.
ROWS = "rows"  # activities in rows, roles in columns: the usual matrix
COLUMNS = "columns"  # roles in rows, activities in columns
INVERTED = "inverted"  # columns R, A, C, I holding role names
LONG = "long"  # one row per activity, role and letter
LAYOUTS = {
    ROWS: "Activities in rows, roles in columns",
    COLUMNS: "Roles in rows, activities in columns",
    INVERTED: "Columns R, A, C and I holding role names",
    LONG: "One row per activity, role and letter",
}
CUSTOM = "custom"
# The four roles, the other jobs the catalogue names (a column of its own, which the
# checks know by its name), and any other role.
ROLE_CHOICES = [
    *((kind.value, kind.label) for kind in CanonicalRole),
    *((other.key, f"{other.label} (a role of its own)") for other in OTHER_ROLES),
    (CUSTOM, "A role of its own (custom)"),
]

ACTIVITY_HEADERS = {
    "activity",
    "activities",
    "task",
    "tasks",
    "task / activity",
    "activity / task",
    "activity / deliverable",
    "activity/deliverable",
    "activity / artifact",
    "task / deliverable",
    "deliverable",
    "deliverables",
    "work item",
    "work items",
    "workstream / activity",
    "name",
    "step",
    "steps",
    "ceremony",
    "ceremonies",
    "event",
    "events",
    "process",
    "decision",
    "decisions",
    "responsibility",
    "responsibilities",
    "item",
    "project deliverables",
    "what",
    "aufgabe",
    "aufgaben",
    "tätigkeit",
    "aktivität",
    "actividad",
    "actividades",
    "actividad / entregable",
    "tarea",
    "tâche",
    "activité",
    "attività",
    "atividade",
    "tarefa",
}
KEY_HEADERS = {"key", "catalogue key", "catalog key"}
CATEGORY_HEADERS = {
    "category",
    "categories",
    "phase",
    "group",
    "area",
    "section",
    "stage",
    "workstream",
    "process area",
    "kategorie",
    "phase / stage",
    "categoría",
    "fase",
}
DESCRIPTION_HEADERS = {
    "description",
    "notes",
    "note",
    "comments",
    "comment",
    "details",
    "remarks",
    "artifact",
    "artifacts",
    "output",
    "outputs",
    "priority",
    "status",
    "due date",
    "step id",
    "id",
    "#",
    "no.",
    "no",
    "ref",
    "wbs",
    "beschreibung",
    "descripción",
}
ROLE_HEADERS = {"role", "roles", "raci role", "who", "stakeholder", "function"}
LETTER_HEADERS = {"letter", "letters", "raci", "assignment", "raci letter", "type", "r/a/c/i"}
PERSON_HEADERS = {"person", "people", "assignee", "member", "team member", "holder"}
MARKS = {"✓", "✔", "✅", "x", "yes", "y", "●", "•", "☑"}
ID_LIKE = re.compile(r"^[#A-Za-z]{0,4}[-_.]?\d+([.-]\d+)*[a-z]?$")
NO_NAMES = {"", "-", "\u2013", "\u2014", "n/a", "none", "tbd"}
NAME_SEPARATORS = re.compile(r"\s*(?:[,;/&+]|\band\b)\s*")


@dataclass(frozen=True)
class ReadOptions:
    """What the user said when a guess was wrong (the preview's choices, lint's flags)."""

    table: int | None = None  # 1-based, among the file's tables
    layout: str | None = None
    activity_column: str | None = None  # the header as written, or a 1-based number
    # Folded role header -> "pm", "po", "sm", "dev", an other role's key or "custom".
    roles: Mapping[str, str] = field(default_factory=dict)
    sections: bool = True  # letterless rows between activities are section headings


@dataclass(frozen=True)
class Guess:
    """Something the reader decided that could have gone another way."""

    topic: str  # "file", "table", "layout", "activity", "role", "sections", "columns"
    message: str
    subject: str = ""  # the role header, for topic "role"
    # For "role" guesses that need an answer: the user should look ("PM").
    ask: bool = False


@dataclass(frozen=True)
class HeaderMapping:
    header: str
    role: str
    kind: CanonicalRole | None
    guessed: bool = False
    # The other job the column is (Project Manager, Business Analyst), when no kind.
    other: OtherRole | None = None

    @property
    def choice(self) -> str:
        """The column's value among ROLE_CHOICES."""
        if self.kind:
            return self.kind.value
        return self.other.key if self.other else CUSTOM


@dataclass(frozen=True)
class Reading:
    matrix: Matrix
    guesses: tuple[Guess, ...] = ()
    mappings: tuple[HeaderMapping, ...] = ()
    # For the preview's choosers.
    tables: tuple[str, ...] = ()
    table: int = 1
    layout: str = ROWS
    headers: tuple[str, ...] = ()
    activity_header: str = ""
    file_kind: str = ""
    # The file has a catalogue-key column: an empty key means "none", not "unknown".
    keys_in_file: bool = False

    def roles_under(self, headers: Collection[str]) -> frozenset[str]:
        """The keys of the role columns under `headers`, folded as ReadOptions.roles."""
        return frozenset(
            mapping.role
            for mapping in self.mappings
            if fold(mapping.header) in headers or fold_role(mapping.header) in headers
        )


def read_document(document: Document, options: ReadOptions | None = None) -> Reading:
    """The matrix in a document's tables; raises LayoutError naming what was found."""
    options = options or ReadOptions()
    candidates = [_Candidate.find(index, table) for index, table in enumerate(document.tables)]
    described = tuple(
        f"{table.where}{f' ({table.title})' if table.title and 'sheet' not in table.where else ''}"
        for table in document.tables
    )
    if options.table is not None:
        if not 1 <= options.table <= len(candidates):
            raise LayoutError(f"There is no table {options.table}: the file has {len(candidates)}.")
        chosen = candidates[options.table - 1]
    else:
        chosen = _choose(document, candidates)
    if chosen is None or (chosen.score == 0 and not chosen.named and options.layout is None):
        raise LayoutError(_nothing_found(document, candidates))
    guesses = [Guess("file", note) for note in document.notes]
    if len(candidates) > 1 and options.table is None:
        others = sum(1 for candidate in candidates if candidate.score)
        why = ""
        if others > 1:
            why = (
                f", the first sheet with letters ({others} hold some)"
                if document.kind in WORKBOOKS
                else f", the one with the most letters ({others} hold some)"
            )
        guesses.append(
            Guess(
                "table",
                f"The file has {len(candidates)} tables; the matrix was read from "
                f"{described[chosen.index]}{why}.",
            )
        )
    table = chosen.table
    merged = _merge_continuations(document, chosen) if options.table is None else []
    reader = _MatrixReader(document, table, options, guesses)
    matrix = reader.read(chosen, merged)
    if not matrix.name and not reader.titles_are_categories:
        matrix = replace(matrix, name=table_name(table))
    return Reading(
        matrix=matrix,
        guesses=tuple(reader.guesses),
        mappings=tuple(reader.mappings),
        tables=described,
        table=chosen.index + 1,
        layout=reader.layout,
        headers=tuple(reader.header),
        activity_header=reader.activity_header,
        file_kind=document.kind,
        keys_in_file=reader.keys_in_file,
    )


WORKBOOKS = ("XLSX", "XLS", "ODS")
# Titles that name no team: a spreadsheet's default sheet names, and what a RACI chart is.
GENERIC_TITLE = re.compile(
    r"(sheet|feuil|tabelle|hoja|foglio|blad|planilha|arkusz|лист)\s*\d*"
    r"|(the\s+)?(raci|rasci|responsibility)?\s*(matrix|chart|table|assignment matrix)?"
)
TITLE_LIMIT = 120


def table_name(table: Table) -> str:
    """What a table calls itself, "" when nothing: the heading just above it or its
    sheet's name, else a title row on its own above the header (this app's workbook
    writes the team's name there, under a sheet named "RACI matrix")."""
    candidates = [table.title]
    first = next((row for row in table.rows if any(row)), [])
    filled = [cell for cell in first if cell]
    # One cell on its own, and not a legend on top ("R = Responsible, A = ...").
    if (
        len(filled) == 1
        and len(filled[0]) <= TITLE_LIMIT
        and not _is_letter_cell(filled[0])
        and not LETTER_WORDS.keys() & set(re.findall(r"[a-z]+", filled[0].lower()))
    ):
        candidates.append(filled[0])
    for text in candidates:
        text = " ".join(text.split())
        if text and not GENERIC_TITLE.fullmatch(fold(text)):
            return text
    return ""


def _choose(document: Document, candidates):
    """A workbook's first sheet holding a matrix (sheets after it are drafts, variants or
    references); in a document, the table with the most letters (the others are legends
    and examples)."""
    if not candidates:
        return None
    if document.kind in WORKBOOKS:
        with_letters = [candidate for candidate in candidates if candidate.score >= 2]
        if with_letters:
            return with_letters[0]
    return max(candidates, key=lambda candidate: (candidate.score, candidate.named))


def _nothing_found(document: Document, candidates) -> str:
    if not document.tables or not any(table.rows for table in document.tables):
        return f"No table was found in the {document.kind} file."
    best = max(candidates, key=lambda candidate: candidate.filled)
    header = [cell for cell in best.first_row if cell][:8]
    shown = ", ".join(header) + (", …" if len(header) == 8 else "")
    return (
        f"No RACI matrix found: {best.table.where} starts with {shown or 'empty rows'}, but no "
        "cell holds R, A, C or I (or the words Responsible, Accountable, Consulted, Informed)."
    )


# --- Scoring the tables --------------------------------------------------------------------


def _letters_or_none(text: str) -> frozenset[Letter] | None:
    try:
        return parse_letters(text)
    except ValueError:
        return None


def _is_letter_cell(text: str) -> bool:
    return bool(text) and bool(_letters_or_none(text))


@dataclass
class _Candidate:
    index: int
    table: Table
    score: int = 0
    filled: int = 0
    first_row: list[str] = field(default_factory=list)
    inverted_header: int | None = None
    named: bool = False  # it has a header naming its activity column

    @classmethod
    def find(cls, index: int, table: Table) -> "_Candidate":
        candidate = cls(index=index, table=table)
        candidate.filled = sum(1 for row in table.rows for cell in row if cell)
        candidate.first_row = next((row for row in table.rows if any(row)), [])
        named_header = _activity_header_row(table.rows)
        # An inverted header is the table's header: a data row below a header that
        # names its activity column ("0R | C | A") is never one.
        last = 50 if named_header is None else named_header + 1
        for number in range(min(len(table.rows), last)):
            if _is_inverted_header(table.rows, number):
                candidate.inverted_header = number
                break
        if candidate.inverted_header is not None:
            candidate.score = sum(
                1
                for row in table.rows[candidate.inverted_header + 1 :]
                for cell in row[1:]
                if cell and _letters_or_none(cell) is None
            )
        else:
            candidate.score = sum(
                sum(1 for cell in row[1:] if _is_letter_cell(cell)) for row in table.rows if row
            )
        candidate.named = named_header is not None
        return candidate


def _is_inverted_header(rows: list[list[str]], number: int) -> bool:
    """A header with columns R, A, C and I whose cells below hold names, not letters."""
    row = rows[number]
    if not row or _is_letter_cell(row[0]):
        return False
    columns = [column for column, cell in enumerate(row) if cell and letter_heading(cell)]
    if len({letter_heading(row[column]) for column in columns}) < 3:
        return False
    below = [_cell(other, column) for other in rows[number + 1 : number + 11] for column in columns]
    below = [cell for cell in below if cell and fold(cell) not in NO_NAMES]
    names = [cell for cell in below if _letters_or_none(cell) is None]
    return bool(below) and len(names) >= len(below) * 2 / 3


OUR_HEADER = ("activity", "key", "category")


def _is_our_header(row: list[str]) -> bool:
    return tuple(fold(cell) for cell in row[:3]) == OUR_HEADER


def _activity_header_row(rows: list[list[str]]) -> int | None:
    """A header naming its activity column ("Activity", "Task"...) and at least one
    more column: a matrix whose cells are all still empty, or start with letters."""
    for index, row in enumerate(rows[:50]):
        filled = [cell for cell in row if cell]
        if len(filled) >= 2 and any(fold(cell) in ACTIVITY_HEADERS for cell in filled):
            return index
    return None


def _block_end(rows: list[list[str]], header_index: int) -> int:
    """Where the matrix under a header ends: the last row with letters, plus rows still
    to be filled in that follow without a gap; a blank line then a legend, title or
    notes end it."""
    end, last = header_index + 1, header_index + 1
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        if not any(row):
            continue
        first = next(cell for cell in row if cell)
        after_gap = not any(rows[index - 1])
        lone = len([cell for cell in row if cell]) == 1
        # After a blank line, a legend ("R | Responsible") or a lone line of notes.
        if (
            after_gap
            and (_is_letter_cell(first) or lone)
            and (_is_letter_cell(first) or not any(_is_letter_cell(cell) for cell in row[1:]))
        ):
            break
        last = index + 1
        end = last
    return max(end, last)


def _merge_continuations(document: Document, chosen: _Candidate) -> list[Table]:
    """Further tables of a document with the same header as the chosen one: a matrix
    written as one table per phase, under headings."""
    if document.kind not in ("Markdown", "HTML"):
        return []
    header = _header_key(chosen.table)
    return [table for table in document.tables if header and _header_key(table) == header]


def _header_key(table: Table) -> tuple[str, ...]:
    first = next((row for row in table.rows if any(row)), [])
    return tuple(fold(cell) for cell in first)


# --- Reading one table ---------------------------------------------------------------------


class _MatrixReader:
    def __init__(self, document: Document, table: Table, options: ReadOptions, guesses):
        self.document = document
        self.table = table
        self.options = options
        self.guesses: list[Guess] = guesses
        self.mappings: list[HeaderMapping] = []
        self.layout = ROWS
        self.header: list[str] = []
        self.activity_header = ""
        self.keys_in_file = False
        # Tables merged into one matrix: the heading above each is a category.
        self.titles_are_categories = False
        self._glossary = _glossary(document)

    def read(self, candidate: _Candidate, continuations: list[Table]) -> Matrix:
        layout = self.options.layout
        if layout is None:
            if candidate.inverted_header is not None:
                layout = INVERTED
            elif self._looks_long(candidate.table):
                layout = LONG
            else:
                layout = ROWS
        if layout not in LAYOUTS:
            raise LayoutError(f"Unknown layout '{layout}': use {', '.join(LAYOUTS)}.")
        self.layout = layout
        if layout == INVERTED:
            return self._read_inverted(candidate.table, candidate.inverted_header or 0)
        if layout == LONG:
            return self._read_long(candidate.table)
        first_table = continuations[0] if len(continuations) > 1 else candidate.table
        continuations = continuations[1:] if len(continuations) > 1 else []
        grid = self._block(first_table)
        if layout == ROWS and self.options.layout is None and self._roles_run_down(grid):
            layout = self.layout = COLUMNS
            self.guesses.append(
                Guess(
                    "layout",
                    "The roles are in the first column and the activities across the top: "
                    "the table was read turned round.",
                )
            )
        if layout == COLUMNS:
            grid = _transpose(grid)
        merged = 0
        for table in continuations:
            more = self._block(table, quiet=True)
            if more.header == grid.header:
                grid.append(more, title=table.title)
                merged += 1
        if merged:
            self.titles_are_categories = True
            if grid.titles and first_table.title:
                grid.titles[0] = first_table.title
            self.guesses.append(
                Guess(
                    "table",
                    f"{merged + 1} tables with the same header were read as one matrix; the "
                    "heading above each became the category of its rows.",
                )
            )
        return self._read_rows(grid)

    # The header row and the rows of letters under it.

    def _block(self, table: Table, quiet=False) -> "_Grid":
        rows = table.rows
        ours = next((index for index, row in enumerate(rows[:50]) if _is_our_header(row)), None)
        if ours is not None:
            grid = _Grid.of(table, ours, ours + 1, len(rows))
            grid.ours = True
            return grid
        # The first row of letters that does not start with a letter either (a legend
        # row "R | Responsible" does) marks where the matrix starts.
        first = next(
            (
                index
                for index, row in enumerate(rows)
                if row
                and not _is_letter_cell(next((cell for cell in row if cell), ""))
                and any(_is_letter_cell(cell) for cell in row[1:])
            ),
            None,
        )
        if first is None:
            header_index = _activity_header_row(rows)
            if header_index is None:
                raise LayoutError(f"No cell of {table.where} holds R, A, C or I.")
            return _Grid.of(table, header_index, header_index + 1, _block_end(rows, header_index))
        header_rows = []
        index = first - 1
        while index >= 0 and len(header_rows) < 3:
            filled = [cell for cell in rows[index] if cell]
            if len(filled) >= 2 and not any(_is_letter_cell(cell) for cell in rows[index][1:]):
                header_rows.append(index)
            elif header_rows or first - index > 3:
                break
            index -= 1
        if not header_rows:
            found = ", ".join(cell for cell in rows[first] if cell)
            raise LayoutError(
                f"Row {table.numbers[first]} of {table.where} ({found}) has letters but no "
                "header row above it naming the roles."
            )
        # Stacked header rows (a group row under the role names): the row naming the
        # most letter columns wins, the others fill its blanks.
        width = max(len(row) for row in rows)
        end = _block_end(rows, first - 1)
        letter_columns = {
            column
            for row in rows[first:end]
            for column, cell in enumerate(row[1:], start=1)
            if _is_letter_cell(cell)
        }
        header_rows.sort(
            key=lambda index: (
                -sum(1 for column in letter_columns if _cell(rows[index], column)),
                -any(fold(cell) in ACTIVITY_HEADERS for cell in rows[index]),
            )
        )
        header = [_cell(rows[header_rows[0]], column) for column in range(width)]
        for index in header_rows[1:]:
            for column in range(width):
                header[column] = header[column] or _cell(rows[index], column)
        if not quiet and header_rows[0] > 0 and any(any(row) for row in rows[: min(header_rows)]):
            skipped = min(header_rows)
            self.guesses.append(
                Guess(
                    "table",
                    f"Skipped {skipped} row{'s' if skipped != 1 else ''} above the header "
                    f"(row {table.numbers[header_rows[0]]}) of {table.where}: a title or legend.",
                )
            )
        return _Grid.of(table, max(header_rows), max(header_rows) + 1, end, header=header)

    def _roles_run_down(self, grid: "_Grid") -> bool:
        across = sum(1 for cell in grid.header[1:] if self._known_role(cell))
        down = sum(1 for row in grid.rows if row and self._known_role(row[0]))
        return down >= 2 and down > across

    def _known_role(self, text: str) -> bool:
        folded = fold_role(text)
        return folded in ROLE_ALIASES or folded in AMBIGUOUS_ROLE_ALIASES

    def _looks_long(self, table: Table) -> bool:
        first = [fold(cell) for cell in next((row for row in table.rows if any(row)), [])]
        return bool(set(first) & ROLE_HEADERS) and bool(set(first) & LETTER_HEADERS)

    # Activities in rows.

    def _read_rows(self, grid: "_Grid") -> Matrix:
        self.header = list(grid.header)
        kinds = self._classify_columns(grid)
        activity_column = kinds.index("activity")
        self.activity_header = grid.header[activity_column] or f"column {activity_column + 1}"
        role_columns = [column for column, kind in enumerate(kinds) if kind == "role"]
        roles = self._roles([grid.header[column] for column in role_columns])
        category_column = kinds.index("category") if "category" in kinds else None
        key_column = kinds.index("key") if "key" in kinds else None
        self.keys_in_file = key_column is not None
        activities, cells, sections = [], {}, []
        category = ""
        for position, row in enumerate(grid.rows):
            number = grid.numbers[position]
            if not any(row):
                continue
            letters_here = [
                (role, _cell(row, column))
                for role, column in zip(roles, role_columns, strict=True)
                if _cell(row, column)
            ]
            name = _cell(row, activity_column)
            if grid.ours or (category_column is not None and _cell(row, category_column)):
                category = _cell(row, category_column)
            elif grid.titles[position] is not None and category_column is None:
                category = grid.titles[position]
            if not letters_here and self._is_section(grid, position, activity_column, kinds):
                category = name
                sections.append(name)
                continue
            if not name:
                if not letters_here:
                    continue
                raise LayoutError(
                    f"Row {number}, column '{self.activity_header}': the activity has no name."
                )
            for column, kind in enumerate(kinds):
                value = _cell(row, column)
                if value and kind is None:
                    named = [index for index, title in enumerate(grid.header) if title]
                    where = (
                        f"column {column + 1}"
                        if column > max(named, default=-1)
                        else f"column {column + 1} (no header)"
                    )
                    raise LayoutError(
                        f"Row {number}, {where}: '{value}' is in a column without a header."
                    )
            if len(activities) == MAX_ACTIVITIES:
                raise LayoutError(f"The file has more than {MAX_ACTIVITIES} activities.")
            key = str(len(activities) + 1)
            for role, text in letters_here:
                try:
                    letters = parse_letters(text)
                except ValueError as error:
                    raise LayoutError(f"Row {number}, column '{role.name}': {error}.") from None
                if letters:
                    cells[(key, role.key)] = letters
            activities.append(
                Activity(
                    key=key,
                    name=name,
                    category=category,
                    catalogue_key=(_cell(row, key_column).lower() or None)
                    if key_column is not None
                    else None,
                )
            )
        if sections:
            shown = ", ".join(sections[:5]) + (", …" if len(sections) > 5 else "")
            self.guesses.append(
                Guess(
                    "sections",
                    f"Read {len(sections)} row{'s' if len(sections) != 1 else ''} without "
                    f"letters as section headings, used as categories: {shown}.",
                )
            )
        if not activities:
            raise LayoutError("The matrix has a header row but no activities.")
        return Matrix(activities=tuple(activities), roles=tuple(roles), cells=cells)

    def _classify_columns(self, grid: "_Grid") -> list[str | None]:
        """ "activity", "category", "key", "role", "ignored" or None (no header) per column."""
        header = grid.header
        kinds: list[str | None] = []
        if grid.ours:
            # Our own CSV: every column after Activity, Key and Category is a role.
            for column, title in enumerate(header):
                has_values = any(_cell(row, column) for row in grid.rows)
                kinds.append("role" if title else (None if has_values else "ignored"))
            kinds[:3] = ["activity", "key", "category"]
            return _checked_roles(kinds, grid, "Activity")
        for column, title in enumerate(header):
            values = [_cell(row, column) for row in grid.rows if _cell(row, column)]
            folded = fold(title)
            letter_share = (
                sum(1 for value in values if _letters_or_none(value) is not None) / len(values)
                if values
                else 1.0
            )
            if not title:
                # A nameless column of names is the activity column of many a sheet.
                kinds.append(("text" if letter_share < 0.5 else None) if values else "ignored")
            elif folded in KEY_HEADERS:
                kinds.append("key")
            elif folded in CATEGORY_HEADERS:
                kinds.append("category")
            elif folded in ACTIVITY_HEADERS or folded in DESCRIPTION_HEADERS:
                kinds.append("text")
            elif letter_share >= 0.5 or self._known_role(title):
                kinds.append("role")
            else:
                kinds.append("text")
        text_columns = [column for column, kind in enumerate(kinds) if kind == "text"]
        chosen = self._activity_column(grid, text_columns)
        if chosen is None:
            found = ", ".join(cell for cell in header if cell)
            raise LayoutError(
                f"The header row has {found}; no column looks like activities (names, not "
                "letters). Name the activity column, or check the table is a RACI matrix."
            )
        kinds[chosen] = "activity"
        ignored = []
        for column in text_columns:
            if column == chosen:
                continue
            if column < chosen and "category" not in kinds and self._fills_down(grid, column):
                kinds[column] = "category"
                self.guesses.append(
                    Guess(
                        "columns",
                        f"Column '{header[column]}' names a group on its first row only: read "
                        "as the category of the rows under it.",
                    )
                )
            else:
                kinds[column] = "ignored"
                ignored.append(header[column])
        if ignored:
            self.guesses.append(
                Guess(
                    "columns",
                    f"Left out the column{'s' if len(ignored) > 1 else ''} "
                    f"{', '.join(repr(name) for name in ignored)}: text, not letters.",
                )
            )
        return _checked_roles(kinds, grid, header[chosen])

    def _activity_column(self, grid: "_Grid", text_columns: list[int]) -> int | None:
        wanted = self.options.activity_column
        header = grid.header
        if wanted:
            if wanted.isdigit() and 1 <= int(wanted) <= len(header):
                return int(wanted) - 1
            for column, title in enumerate(header):
                if fold(title) == fold(wanted):
                    return column
            raise LayoutError(
                f"There is no column '{wanted}': the header row has "
                f"{', '.join(cell for cell in header if cell)}."
            )
        named = [column for column in text_columns if fold(header[column]) in ACTIVITY_HEADERS]
        if named:
            return named[0]
        for column in text_columns:
            if fold(header[column]) in DESCRIPTION_HEADERS:
                continue
            values = [_cell(row, column) for row in grid.rows if _cell(row, column)]
            if values and sum(1 for value in values if ID_LIKE.match(value)) < len(values) / 2:
                label = f"column '{header[column]}'" if header[column] else "the first column"
                self.guesses.append(
                    Guess(
                        "activity", f"Read {label} as the activities (the first column of names)."
                    )
                )
                return column
        return None

    def _fills_down(self, grid: "_Grid", column: int) -> bool:
        values = [_cell(row, column) for row in grid.rows if any(row)]
        filled = [value for value in values if value]
        return 0 < len(filled) < len(values) and bool(values[0])

    def _is_section(self, grid: "_Grid", position: int, activity_column: int, kinds) -> bool:
        if not self.options.sections or "category" in kinds or grid.ours:
            return False
        row = grid.rows[position]
        filled = [column for column, cell in enumerate(row) if cell]
        if filled != [activity_column] and not (position in grid.emphasised and len(filled) == 1):
            return False
        if position in grid.emphasised:
            return True
        text = _cell(row, filled[0])
        if not self._heads_letters(grid, position, activity_column):
            return False
        # Unmarked, a lone name is a section when the table repeats the pattern (one
        # empty activity is likelier than one section).
        return (
            text.endswith(":")
            or (text.isupper() and len(text) > 2)
            or self._lone_rows(grid, activity_column) >= 2
        )

    def _heads_letters(self, grid: "_Grid", position: int, activity_column: int) -> bool:
        following = next((r for r in grid.rows[position + 1 :] if any(r)), None)
        return following is not None and any(
            _is_letter_cell(cell) for cell in following[activity_column + 1 :]
        )

    def _lone_rows(self, grid: "_Grid", activity_column: int) -> int:
        """How many rows hold only a name and head rows of letters."""
        if grid.lone_rows is None:
            grid.lone_rows = sum(
                1
                for position, row in enumerate(grid.rows)
                if [column for column, cell in enumerate(row) if cell] == [activity_column]
                and self._heads_letters(grid, position, activity_column)
            )
        return grid.lone_rows

    # Roles.

    def _roles(self, headers: list[str]) -> list[Role]:
        roles, seen = [], {}
        product_manager_named = any(
            ROLE_ALIASES.get(fold_role(header)) == CanonicalRole.PRODUCT_MANAGER
            for header in headers
        )
        for header in headers:
            name = header.strip()
            kind, guessed, other = self._role_kind(name, product_manager_named)
            role_name = name
            if other is not None and not other.is_named(name):
                # The checks know the other jobs by their names only.
                role_name = other.label
                self.guesses.append(
                    Guess(
                        "role",
                        f"'{name}' is the {other.label}: its column is named "
                        f"'{other.label}', which the checks know.",
                        subject=name,
                    )
                )
            other = other or (other_role_named(name) if kind is None else None)
            identity = f"kind:{kind.value}" if kind else fold(role_name)
            if kind and identity in seen:
                raise LayoutError(
                    f"Columns '{seen[identity]}' and '{name}' are both the {kind.label}; keep one."
                )
            if identity in seen:
                # Two groups of a sheet can each have a "Project Management" column.
                number = 2
                while f"{fold(role_name)} ({number})" in seen:
                    number += 1
                renamed = f"{role_name} ({number})"
                self.guesses.append(
                    Guess(
                        "columns",
                        f"Two columns are named '{role_name}': the second one was read as "
                        f"'{renamed}'.",
                    )
                )
                if role_name == name:
                    name = renamed
                role_name, identity = renamed, fold(renamed)
            seen[identity] = name
            roles.append(Role(key=role_name, name=role_name, kind=kind))
            self.mappings.append(
                HeaderMapping(header=name, role=role_name, kind=kind, guessed=guessed, other=other)
            )
        return roles

    def _role_kind(self, header: str, product_manager_named: bool):
        folded = fold_role(header)
        chosen = self.options.roles.get(fold(header)) or self.options.roles.get(folded)
        if chosen:
            if chosen == CUSTOM:
                return None, False, None
            if other := next((o for o in OTHER_ROLES if o.key == chosen), None):
                return None, False, other
            try:
                return CanonicalRole(chosen), False, None
            except ValueError:
                choices = ", ".join(value for value, _label in ROLE_CHOICES)
                raise LayoutError(f"Role '{header}': '{chosen}' is not one of {choices}.") from None
        if folded in ROLE_ALIASES:
            return ROLE_ALIASES[folded], False, None
        if folded not in AMBIGUOUS_ROLE_ALIASES:
            return None, False, None
        # "PM": the file's own words decide, else the Product Manager, asked.
        meaning = self._glossary.get(folded)
        if product_manager_named or meaning == "project":
            reason = (
                "another column is the Product Manager"
                if product_manager_named
                else "the file says PM is the Project Manager"
            )
            self.guesses.append(
                Guess(
                    "role",
                    f"'{header}' read as the Project Manager, a role of its own: {reason}.",
                    subject=header,
                )
            )
            return None, True, None
        if meaning == "product":
            return CanonicalRole.PRODUCT_MANAGER, False, None
        self.guesses.append(
            Guess(
                "role",
                f"'{header}' read as the Product Manager; in some teams PM is the Project "
                "Manager. Say which it is.",
                subject=header,
                ask=True,
            )
        )
        return AMBIGUOUS_ROLE_ALIASES[folded], True, None

    # The inverted layout: columns R, A, C, I holding role names.

    def _read_inverted(self, table: Table, header_index: int) -> Matrix:
        header = table.rows[header_index]
        self.header = list(header)
        letters = {column: letter_heading(cell) for column, cell in enumerate(header) if cell}
        letter_columns = {column: letter for column, letter in letters.items() if letter}
        text_columns = [column for column in letters if column not in letter_columns]
        activity_column = next(
            (column for column in text_columns if fold(header[column]) in ACTIVITY_HEADERS),
            text_columns[0] if text_columns else None,
        )
        if activity_column is None:
            raise LayoutError("The R, A, C, I columns have no activity column beside them.")
        self.activity_header = header[activity_column]
        category_column = next(
            (column for column in text_columns if fold(header[column]) in CATEGORY_HEADERS), None
        )
        self.guesses.append(
            Guess(
                "layout",
                f"Columns {', '.join(header[column] for column in letter_columns)} hold role "
                "names: each name became a role column.",
            )
        )
        names: dict[str, str] = {}  # folded -> as first written
        rows = []
        for index in range(header_index + 1, len(table.rows)):
            row = table.rows[index]
            name = _cell(row, activity_column)
            if not any(row):
                continue
            if not name:
                if any(_cell(row, column) for column in letter_columns):
                    raise LayoutError(
                        f"Row {table.numbers[index]}, column '{self.activity_header}': the "
                        "activity has no name."
                    )
                continue
            assigned = []
            for column, letter in letter_columns.items():
                for role_name in _role_names(_cell(row, column)):
                    names.setdefault(fold(role_name), role_name)
                    assigned.append((fold(role_name), letter))
            category = _cell(row, category_column) if category_column is not None else ""
            rows.append((name, category, assigned))
        if len(rows) > MAX_ACTIVITIES:
            raise LayoutError(f"The file has more than {MAX_ACTIVITIES} activities.")
        if len(names) > MAX_ROLES:
            raise LayoutError(f"The table names more than {MAX_ROLES} roles.")
        if not rows:
            raise LayoutError("The matrix has a header row but no activities.")
        roles = self._roles(list(names.values()))
        role_by_fold = dict(zip(names, roles, strict=True))
        activities, cells = [], {}
        for position, (name, category, assigned) in enumerate(rows, start=1):
            key = str(position)
            activities.append(Activity(key=key, name=name, category=category))
            for folded, letter in assigned:
                role = role_by_fold[folded]
                cells[(key, role.key)] = cells.get((key, role.key), frozenset()) | {letter}
        return Matrix(activities=tuple(activities), roles=tuple(roles), cells=cells)

    # The long layout: one row per activity, role (and person) and letter.

    def _read_long(self, table: Table) -> Matrix:
        start = next(index for index, row in enumerate(table.rows) if any(row))
        header = [fold(cell) for cell in table.rows[start]]
        self.header = list(table.rows[start])

        def column_of(names):
            return next((column for column, title in enumerate(header) if title in names), None)

        activity_column = column_of(ACTIVITY_HEADERS)
        role_column = column_of(ROLE_HEADERS)
        letter_column = column_of(LETTER_HEADERS)
        person_column = column_of(PERSON_HEADERS)
        category_column = column_of(CATEGORY_HEADERS)
        if activity_column is None or role_column is None or letter_column is None:
            raise LayoutError(
                "One row per letter needs columns for the activity, the role and the letter; "
                f"the header row has {', '.join(cell for cell in self.header if cell)}."
            )
        self.activity_header = self.header[activity_column]
        self.guesses.append(
            Guess("layout", "One row per activity, role and letter: pivoted into a matrix.")
        )
        activity_order: dict[str, tuple[str, str]] = {}
        role_order: dict[str, str] = {}
        people: dict[str, tuple[str, set]] = {}
        assigned = []
        for index in range(start + 1, len(table.rows)):
            row = table.rows[index]
            if not any(row):
                continue
            number = table.numbers[index]
            name, role_name = _cell(row, activity_column), _cell(row, role_column)
            if not name or not role_name:
                raise LayoutError(
                    f"Row {number}: each row needs an activity and a role "
                    f"(found '{name}' and '{role_name}')."
                )
            try:
                letters = parse_letters(_cell(row, letter_column))
            except ValueError as error:
                raise LayoutError(
                    f"Row {number}, column '{self.header[letter_column]}': {error}."
                ) from None
            category = _cell(row, category_column) if category_column is not None else ""
            activity_order.setdefault(fold(name), (name, category))
            role_order.setdefault(fold(role_name), role_name)
            assigned.append((fold(name), fold(role_name), letters))
            person = _cell(row, person_column) if person_column is not None else ""
            if person:
                people.setdefault(fold(person), (person, set()))[1].add(fold(role_name))
            if len(activity_order) > MAX_ACTIVITIES:
                raise LayoutError(f"The file has more than {MAX_ACTIVITIES} activities.")
        if not activity_order:
            raise LayoutError("The matrix has a header row but no activities.")
        roles = self._roles(list(role_order.values()))
        role_by_fold = dict(zip(role_order, roles, strict=True))
        keys = {folded: str(position) for position, folded in enumerate(activity_order, start=1)}
        cells = {}
        for activity, role_name, letters in assigned:
            key = (keys[activity], role_by_fold[role_name].key)
            cells[key] = cells.get(key, frozenset()) | letters
        cells = {key: letters for key, letters in cells.items() if letters}
        activities = tuple(
            Activity(key=keys[folded], name=name, category=category)
            for folded, (name, category) in activity_order.items()
        )
        return Matrix(
            activities=activities,
            roles=tuple(roles),
            cells=cells,
            people=tuple(
                Person(
                    key=str(position),
                    name=name,
                    role_keys=frozenset(role_by_fold[role].key for role in held),
                )
                for position, (name, held) in enumerate(people.values(), start=1)
            )
            if person_column is not None
            else None,
        )


# --- Small pieces --------------------------------------------------------------------------


@dataclass
class _Grid:
    """The header and data rows of one matrix, with their row numbers."""

    header: list[str]
    rows: list[list[str]]
    numbers: list[int]
    header_number: int
    emphasised: set[int]
    # The title of the table a row came from, on the first row of each merged table.
    titles: list[str | None]
    lone_rows: int | None = None
    ours: bool = False  # the header of this app's own CSV: Activity, Key, Category, roles

    @classmethod
    def of(cls, table: Table, header_index, first, end, header=None) -> "_Grid":
        return cls(
            header=header if header is not None else list(table.rows[header_index]),
            rows=[list(row) for row in table.rows[first:end]],
            numbers=table.numbers[first:end],
            header_number=table.numbers[header_index],
            emphasised={index - first for index in table.emphasised if first <= index < end},
            titles=[None] * (end - first),
        )

    def append(self, other: "_Grid", *, title: str) -> None:
        offset = len(self.rows)
        self.rows += other.rows
        self.numbers += other.numbers
        self.emphasised |= {index + offset for index in other.emphasised}
        self.titles += [title] + [None] * (len(other.rows) - 1)


def _transpose(grid: _Grid) -> _Grid:
    width = max([len(grid.header)] + [len(row) for row in grid.rows])
    table = [grid.header + [""] * (width - len(grid.header))] + [
        row + [""] * (width - len(row)) for row in grid.rows
    ]
    columns = [list(column) for column in zip(*table, strict=True)]
    header, rows = columns[0], columns[1:]
    return _Grid(
        header=header,
        rows=rows,
        numbers=[grid.header_number] * len(rows),
        header_number=grid.header_number,
        emphasised=set(),
        titles=[None] * len(rows),
    )


def _checked_roles(kinds: list[str | None], grid: _Grid, activity_header: str):
    """The column kinds, once they have at least one role column and not too many."""
    if "role" not in kinds:
        raise LayoutError(
            f"Row {grid.header_number}: there are no role columns after '{activity_header}'."
        )
    if kinds.count("role") > MAX_ROLES:
        raise LayoutError(
            f"Row {grid.header_number}: there are more than {MAX_ROLES} role columns."
        )
    return kinds


def _cell(row: list[str], column: int | None) -> str:
    if column is None or column >= len(row):
        return ""
    return row[column]


def _role_names(text: str) -> list[str]:
    """Role names from an inverted cell: "PM, Design", "Operator + data engineer"."""
    if fold(text) in NO_NAMES:
        return []
    text = re.sub(r"\([^)]*\)", " ", text)
    return [" ".join(name.split()) for name in NAME_SEPARATORS.split(text) if name.strip()]


_GLOSSARY = [
    (
        re.compile(
            r"\bPM\b\s*(?:=|:|\u2013|\u2014|-|\bis\b|\bmeans\b|\()\s*(project|product)\s+manager",
            re.I,
        ),
        1,
    ),
    (re.compile(r"(project|product)\s+manager\s*\(\s*PM\s*\)", re.I), 1),
]


def _glossary(document: Document) -> dict[str, str]:
    """What the file itself says "PM" stands for: {"pm": "project" | "product"}."""
    text = (
        document.text
        + "\n"
        + "\n".join(
            " ".join(row) for table in document.tables for row in table.rows if len(row) <= 4
        )
    )
    for pattern, group in _GLOSSARY:
        match = pattern.search(text)
        if match:
            return {"pm": match.group(group).lower()}
    return {}


def describe(reading: Reading) -> list[str]:
    """The guesses as lines for a terminal."""
    return [guess.message for guess in reading.guesses]
