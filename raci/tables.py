"""Tables out of the files people keep their RACI matrices in.

CSV (any delimiter Excel writes, UTF-8 or the Windows encodings), XLSX, XLS
and ODS workbooks, Markdown pipe tables and HTML tables all come out as the
same plain value: a list of `Table`s, each a grid of text cells with the
line or row number every row came from, so that an error can name it.
Finding the RACI matrix inside those tables is `raci.layouts`' job.

Pure Python (no Django). Every limit is checked before the expensive step:
the caller hands over at most MAX_BYTES + 1 bytes, and a workbook's
decompressed size is measured in small chunks, from the raw deflate
streams, before any spreadsheet library opens it (a zip bomb is refused
without ever being held in memory).
"""

import csv
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown_it import MarkdownIt

MAX_BYTES = 5 * 1024 * 1024
# What a workbook may unpack to. A real 5,000 x 200 RACI workbook unpacks to
# about 30 MB; more than this is a zip bomb or not a RACI matrix.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000
MAX_ROWS = 20_000
MAX_COLUMNS = 1000
MAX_TABLES = 200
CHUNK = 64 * 1024


# --- Formula injection ---------------------------------------------------------------------

# A spreadsheet runs a cell that starts with one of these as a formula (the
# full-width forms too, which some spreadsheets fold to the ASCII ones), so a
# name such as "=HYPERLINK(...)" would turn an export into an attack. Every
# writer of a format a spreadsheet opens asks `formula_like`: text formats
# (CSV, HTML tables) write such text behind an apostrophe, which spreadsheets
# hide and this reader takes off again; XLSX marks the cell as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS) or (text.startswith("'") and formula_like(text[1:]))


def guard_formula(text: str) -> str:
    """Text a spreadsheet shows as text, whatever it starts with."""
    return "'" + text if formula_like(text) else text


def unguard_formula(text: str) -> str:
    return text[1:] if text.startswith("'") and formula_like(text[1:]) else text


class FileFormatError(ValueError):
    """A file that cannot be read as tables; the message is meant for the user."""


@dataclass
class Table:
    """A grid of text cells from one sheet, one Markdown or HTML table, or a CSV file."""

    rows: list[list[str]]
    # Where each row came from, for messages: a line (text files) or a row number (sheets).
    numbers: list[int]
    # "sheet 'RACI'", "the table at line 12"...
    where: str
    # The heading just before the table in a document, or the sheet's name.
    title: str = ""
    # Rows the document marked as headings (a Markdown row in bold, an HTML row of <th>).
    emphasised: set[int] = field(default_factory=set)


@dataclass
class Document:
    """The tables of a file, and its text outside them (where a glossary may say what
    "PM" stands for)."""

    tables: list[Table]
    kind: str  # "CSV", "XLSX", "XLS", "ODS", "Markdown", "HTML"
    text: str = ""
    notes: list[str] = field(default_factory=list)  # Guesses made while reading the file.


def _sentence_start(words: str) -> str:
    return words[:1].upper() + words[1:]


def read_tables(data: bytes | str, filename: str = "", *, source: str = "the file") -> Document:
    """The tables of a CSV, XLSX, XLS, ODS, Markdown or HTML file; raises FileFormatError.
    `source` is how messages name what was read ("the pasted table")."""
    if len(data) > MAX_BYTES:
        raise FileFormatError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    if not data or (isinstance(data, str) and not data.strip()):
        raise FileFormatError(f"{_sentence_start(source)} is empty.")
    name = filename.lower()
    if isinstance(data, bytes):
        kind = _binary_kind(data, name)
        if kind:
            return _read_workbook(data, kind)
        text, notes = decode_text(data)
    else:
        text, notes = data.removeprefix("\ufeff"), []
    if not text.strip():
        raise FileFormatError(f"{_sentence_start(source)} is empty.")
    kind = _text_kind(text, name)
    if kind == "Markdown":
        document = _read_markdown(text)
    elif kind == "HTML":
        document = _read_html(text)
    else:
        document = _read_csv(text, source)
    document.notes[:0] = notes
    return document


# --- Telling formats apart -----------------------------------------------------------------

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
REFUSED_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
}
SUPPORTED = "CSV, XLSX, XLS, ODS, Markdown, HTML or JSON"


def _binary_kind(data: bytes, name: str) -> str | None:
    """ "XLSX", "XLS" or "ODS" for a workbook, None for text; refuses other binaries."""
    for magic, what in REFUSED_MAGIC.items():
        if data.startswith(magic):
            raise FileFormatError(f"This is {what}, not a table: upload the matrix as {SUPPORTED}.")
    if data.startswith(ZIP_MAGIC):
        return "ZIP"
    if data.startswith(OLE_MAGIC):
        return "XLS"
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise FileFormatError(
            "The file is named like a spreadsheet but is not one (it may be damaged, or "
            "a CSV file renamed): save it again from the spreadsheet program."
        )
    return None


def _text_kind(text: str, name: str) -> str:
    if name.endswith((".md", ".markdown")):
        return "Markdown"
    if name.endswith((".html", ".htm")):
        return "HTML"
    if name.endswith((".csv", ".tsv", ".txt")) and not _MARKDOWN_TABLE.search(text):
        return "CSV"
    head = text[:4096].lower()
    if "<table" in head or "<html" in head or "<!doctype html" in head:
        return "HTML"
    if _MARKDOWN_TABLE.search(text):
        return "Markdown"
    return "CSV"


# A Markdown table's delimiter row: | --- | :---: |
_MARKDOWN_TABLE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$", re.MULTILINE)


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Text from bytes: UTF-8 (with or without a BOM), UTF-16 with a BOM (Excel's
    "Unicode text"), else Windows-1252, which Excel uses for CSV on Western
    Windows. Returns the text and a note when the encoding was a guess."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            raise FileFormatError("The file says it is UTF-16 text but is not.") from None
    if b"\x00" in data:
        raise FileFormatError(f"The file is not text (it contains NUL bytes): use {SUPPORTED}.")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        position = error.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text, [
        f"The file is not UTF-8 (byte {position} is not); it was read as Windows-1252, the "
        "encoding Excel uses for CSV on Western Windows. If accents look wrong, save the "
        "file as 'CSV UTF-8'."
    ]


# --- CSV -----------------------------------------------------------------------------------

DELIMITERS = ",;\t|"


def _read_csv(text: str, source: str) -> Document:
    delimiter, note = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, numbers = [], []
    try:
        line = 1
        for row in reader:
            if len(rows) == MAX_ROWS:
                raise FileFormatError(f"{_sentence_start(source)} has more than {MAX_ROWS} rows.")
            if len(row) > MAX_COLUMNS:
                raise FileFormatError(f"Row {line}: more than {MAX_COLUMNS} columns.")
            rows.append([unguard_formula(cell.strip()) for cell in row])
            numbers.append(line)
            line = reader.line_num + 1
    except csv.Error as error:
        raise FileFormatError(f"Row {reader.line_num}: the CSV is malformed ({error}).") from None
    table = Table(rows=rows, numbers=numbers, where=source)
    return Document(tables=[table], kind="CSV", notes=[note] if note else [])


def _sniff_delimiter(text: str) -> tuple[str, str]:
    sample = text[: 64 * 1024]
    first_line = sample.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in DELIMITERS}
    # The header line decides when it is unambiguous, which it nearly always is.
    best = max(counts, key=counts.get)
    if counts[best] and sorted(counts.values())[-2] == 0:
        delimiter = best
    else:
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
        except csv.Error:
            delimiter = ","
    names = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}
    note = f"Columns are separated by {names[delimiter]}." if delimiter in names else ""
    return delimiter, note


# --- Workbooks -----------------------------------------------------------------------------


def _read_workbook(data: bytes, kind: str) -> Document:
    if kind == "ZIP":
        kind = _check_zip(data)
    # Imported here: the spreadsheet reader is only needed for workbooks.
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        tables = []
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            if sheet.height > MAX_ROWS or sheet.width > MAX_COLUMNS:
                raise FileFormatError(
                    f"Sheet '{name}' has more than {MAX_ROWS} rows or {MAX_COLUMNS} columns."
                )
            tables.append(_sheet_table(name, sheet))
    except (CalamineError, ValueError, OSError) as error:
        if isinstance(error, FileFormatError):
            raise
        raise FileFormatError(
            f"The {kind} workbook cannot be read ({str(error).splitlines()[0][:120]}); "
            "open it in a spreadsheet program and save it again."
        ) from None
    if len(tables) > MAX_TABLES:
        raise FileFormatError(f"The workbook has more than {MAX_TABLES} sheets.")
    return Document(tables=tables, kind=kind)


def _sheet_table(name: str, sheet) -> Table:
    # Row numbers as the spreadsheet shows them: the used range may start below row 1.
    first_row, first_column = sheet.start or (0, 0)
    rows = [
        [""] * first_column + [_cell_text(value) for value in row]
        for row in sheet.to_python(skip_empty_area=True)
    ]
    return Table(
        rows=rows,
        numbers=list(range(first_row + 1, first_row + 1 + len(rows))),
        where=f"sheet '{name}'",
        title=name,
    )


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _check_zip(data: bytes) -> str:
    """The workbook kind of a zip file, once its real unpacked size is known to fit.

    The sizes a zip declares can lie, so each member's raw deflate stream is
    inflated here in bounded chunks and counted; nothing is kept.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, struct.error):
        raise FileFormatError(
            "The file looks like a spreadsheet (a zip archive) but is damaged: save it again "
            "from the spreadsheet program."
        ) from None
    names = {member.filename for member in members}
    if "xl/workbook.xml" in names:
        kind = "XLSX"
    elif "content.xml" in names and b"opendocument.spreadsheet" in data[:200]:
        kind = "ODS"
    elif "word/document.xml" in names:
        raise FileFormatError(
            "This is a Word document (.docx): copy its table into a spreadsheet, or save it "
            f"as HTML, and upload that ({SUPPORTED})."
        )
    else:
        raise FileFormatError(f"This zip archive is not a spreadsheet: upload {SUPPORTED}.")
    if len(members) > MAX_ZIP_MEMBERS:
        raise FileFormatError(f"The workbook has more than {MAX_ZIP_MEMBERS} parts.")
    budget = MAX_UNPACKED_BYTES
    for member in members:
        budget -= _inflated_size(data, member, budget)
    return kind


def _inflated_size(data: bytes, member: zipfile.ZipInfo, budget: int) -> int:
    too_big = FileFormatError(
        f"The spreadsheet unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB, "
        "far more than any RACI matrix needs (it may be a zip bomb); it was not opened."
    )
    if member.file_size > budget:
        raise too_big
    if member.compress_type == zipfile.ZIP_STORED:
        return member.compress_size
    if member.compress_type != zipfile.ZIP_DEFLATED:
        raise FileFormatError("The spreadsheet uses a compression this app does not read.")
    # The local header's own lengths say where the member's data starts.
    offset = member.header_offset
    header = data[offset : offset + 30]
    if len(header) < 30 or header[:4] != ZIP_MAGIC:
        raise FileFormatError("The spreadsheet is damaged: save it again.")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = offset + 30 + name_length + extra_length
    stream = memoryview(data)[start : start + member.compress_size]
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    total = 0
    try:
        for position in range(0, len(stream), CHUNK):
            pending = stream[position : position + CHUNK]
            while pending:
                total += len(inflater.decompress(pending, CHUNK))
                if total > budget or total > member.file_size:
                    raise too_big
                pending = inflater.unconsumed_tail
    except zlib.error:
        raise FileFormatError("The spreadsheet is damaged: save it again.") from None
    return total


# --- Markdown ------------------------------------------------------------------------------

_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")
_EMPHASIS = re.compile(r"^\s*(\*\*|__)(.+?)\1\s*:?\s*$")


def _read_markdown(text: str) -> Document:
    tokens = _markdown.parse(text)
    tables, title, prose = [], "", []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open":
            title = plain_text(tokens[index + 1].content)
        elif token.type == "inline" and not _inside_table(tokens, index):
            prose.append(token.content)
        elif token.type == "table_open":
            table, index = _markdown_table(tokens, index, title)
            tables.append(table)
            if len(tables) > MAX_TABLES:
                raise FileFormatError(f"The file has more than {MAX_TABLES} tables.")
            continue
        index += 1
    if not tables:
        tables = _pipe_lines(text)
    return Document(tables=tables, kind="Markdown", text="\n".join(prose))


def _inside_table(tokens, index) -> bool:
    return index > 0 and tokens[index - 1].type in ("th_open", "td_open")


def _markdown_table(tokens, index, title) -> tuple[Table, int]:
    rows, numbers, emphasised = [], [], set()
    row: list[str] = []
    raw: list[str] = []
    line = (tokens[index].map or [0])[0] + 1
    while tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "tr_open":
            row, raw = [], []
            line = (token.map or [line - 1])[0] + 1
        elif token.type == "inline":
            raw.append(token.content)
            row.append(plain_text(token.content))
        elif token.type == "tr_close":
            if len(rows) == MAX_ROWS:
                raise FileFormatError(f"A table has more than {MAX_ROWS} rows.")
            filled = [cell for cell in raw if cell.strip()]
            if len(filled) == 1 and _EMPHASIS.match(filled[0]) and len(raw) > 1:
                emphasised.add(len(rows))
            rows.append(row)
            numbers.append(line)
        index += 1
    start = numbers[0] if numbers else 0
    table = Table(
        rows=rows,
        numbers=numbers,
        where=f"the table at line {start}",
        title=title,
        emphasised=emphasised,
    )
    return table, index + 1


def _pipe_lines(text: str) -> list[Table]:
    """Tables written with pipes but without the delimiter row Markdown needs."""
    tables, rows, numbers = [], [], []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("|") and stripped.count("|") >= 3:
            rows.append([plain_text(cell) for cell in stripped.strip("|").split("|")])
            numbers.append(number)
        elif rows:
            tables.append(
                Table(rows=rows, numbers=numbers, where=f"the table at line {numbers[0]}")
            )
            rows, numbers = [], []
    if rows:
        tables.append(Table(rows=rows, numbers=numbers, where=f"the table at line {numbers[0]}"))
    return tables


_MARKUP = re.compile(r"(\*\*|__|`|~~|<br\s*/?>)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


# What pandas writes for an empty cell or header when a sheet is turned into Markdown.
_PANDAS_BLANKS = re.compile(r"^(nan|NaN|Unnamed: \d+)$")


def plain_text(markdown: str) -> str:
    """A Markdown cell's text without emphasis, code or link markup."""
    text = _LINK.sub(r"\1", markdown)
    text = _MARKUP.sub(" ", text).replace("\\|", "|")
    text = re.sub(r"(?<!\w)[*_](\S(?:.*?\S)?)[*_](?!\w)", r"\1", text)
    text = unguard_formula(" ".join(text.split()))
    return "" if _PANDAS_BLANKS.match(text) else text


# --- HTML ----------------------------------------------------------------------------------


def _read_html(text: str) -> Document:
    parser = _TableParser()
    try:
        parser.feed(text)
        parser.close()
    except FileFormatError:
        raise
    except Exception:
        raise FileFormatError("The HTML could not be read: save the page again.") from None
    return Document(tables=parser.tables, kind="HTML", text=" ".join(parser.prose))


class _TableParser(HTMLParser):
    """Collects every <table> as rows of cell text; a colspan repeats nothing (a merged
    title keeps its text in its first cell, as in a spreadsheet)."""

    HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "caption"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self.prose: list[str] = []
        self._stack: list[dict] = []
        self._title = ""
        self._heading: list[str] | None = None
        self._cell: list[str] | None = None
        self._cell_is_header = False
        self._bold = 0
        self._cell_bold = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            if len(self.tables) + len(self._stack) >= MAX_TABLES:
                raise FileFormatError(f"The file has more than {MAX_TABLES} tables.")
            self._stack.append({"rows": [], "numbers": [], "emphasised": set(), "row": None})
            self._stack[-1]["line"] = self.getpos()[0]
            self._stack[-1]["title"] = self._title
        elif tag in self.HEADINGS:
            self._heading = []
        elif not self._stack:
            return
        elif tag == "tr":
            self._stack[-1]["row"] = []
            self._stack[-1]["row_line"] = self.getpos()[0]
            self._stack[-1]["all_th"] = True
        elif tag in ("td", "th"):
            self._cell = []
            self._cell_is_header = tag == "th"
            self._cell_bold = False
            span = dict(attrs).get("colspan") or "1"
            self._span = min(int(span), MAX_COLUMNS) if span.isdigit() else 1
        elif tag in ("b", "strong"):
            self._bold += 1
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag in self.HEADINGS and self._heading is not None:
            self._title = " ".join("".join(self._heading).split())
            if self._stack and tag == "caption":
                self._stack[-1]["title"] = self._title
            self._heading = None
        elif not self._stack:
            return
        elif tag in ("td", "th") and self._cell is not None:
            self._end_cell()
        elif tag == "tr":
            self._end_row()
        elif tag in ("b", "strong"):
            self._bold = max(0, self._bold - 1)
        elif tag == "table":
            if self._cell is not None:
                self._end_cell()
            self._end_row()
            table = self._stack.pop()
            if table["rows"]:
                self.tables.append(
                    Table(
                        rows=table["rows"],
                        numbers=table["numbers"],
                        where=f"the table at line {table['line']}",
                        title=table["title"],
                        emphasised=table["emphasised"],
                    )
                )

    def _end_cell(self):
        table = self._stack[-1]
        if table["row"] is None:
            table["row"] = []
            table["row_line"] = self.getpos()[0]
            table["all_th"] = True
        text = unguard_formula(" ".join("".join(self._cell).split()))
        table["row"].append(text)
        table["row"].extend([""] * (self._span - 1))
        table["all_th"] = table["all_th"] and (self._cell_is_header or self._cell_bold or not text)
        self._cell = None

    def _end_row(self):
        table = self._stack[-1]
        row = table["row"]
        if row is None:
            return
        if len(table["rows"]) == MAX_ROWS:
            raise FileFormatError(f"A table has more than {MAX_ROWS} rows.")
        if table["all_th"] and len([cell for cell in row if cell]) == 1 and len(row) > 1:
            table["emphasised"].add(len(table["rows"]))
        table["rows"].append(row[:MAX_COLUMNS])
        table["numbers"].append(table["row_line"])
        table["row"] = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading.append(data)
        if self._cell is not None:
            self._cell.append(data)
            if self._bold and data.strip():
                self._cell_bold = True
        elif not self._stack and data.strip():
            self.prose.append(data.strip())
