"""Blocks of cells written at once: a paste, a fill, a clear.

The editor sends a block as the tab-separated text spreadsheets put on the
clipboard (Excel, Sheets, this app), the cell it goes to, and the version of
every cell it covers as the page showed them. Everything is checked here,
before anything is written: the shape of the block, that it stays inside the
grid, every letter (named by its row and column when it is not R, A, C or
I), and that the page saw each cell it covers. Pure Python: the view hands
in the grid's rows and columns in the order the page shows them.
"""

import csv
import io
from dataclasses import dataclass

from raci.vocabulary import Letter, fold, parse_letters

# A block bigger than a 1,000 x 20 matrix is not a paste from this app.
MAX_CELLS = 20_000


class BlockRefused(ValueError):
    """The block cannot be written; the message says why, in a sentence."""


@dataclass(frozen=True)
class Axis:
    """A row or a column of the grid: its id and what the page calls it."""

    id: int
    name: str


def read_block(text: str) -> list[list[str]]:
    """Tab-separated text as rows of cells. Spreadsheets quote a cell with a
    tab or a line break in it and end the block with a line break."""
    if len(text) > MAX_CELLS * 20:
        raise BlockRefused("That block is too large to paste: nothing was written.")
    # The reader drops the block's last line break; a blank line is an empty
    # cell of a one-column block (or a line too short, below).
    rows = [row or [""] for row in csv.reader(io.StringIO(text), delimiter="\t", strict=False)]
    rows = rows or [[""]]
    width = len(rows[0])
    for number, row in enumerate(rows, start=1):
        if len(row) != width:
            raise BlockRefused(
                f"Line {number} of the block has {len(row)} cells where the first has "
                f"{width}: paste a rectangle of cells. Nothing was written."
            )
    if len(rows) * width > MAX_CELLS:
        raise BlockRefused("That block is too large to paste: nothing was written.")
    return rows


def without_names(
    block: list[list[str]], *, rows: list[Axis], at: tuple[int, int]
) -> tuple[list[list[str]], bool]:
    """A block copied from a spreadsheet with the activity names in front of
    the letters, pasted at the cell `at` (activity id, role id): the letters
    alone and True when each line's first cell is the name of the row it goes
    to, as in this matrix. BlockRefused when the first column is text other
    than letters that does not name those rows: the message names the first
    line that does not, and the row to paste on instead when there is one
    where every name lines up. Any other block as it is and False: its cells
    are checked as letters by `place_block`."""
    row_index = {row.id: n for n, row in enumerate(rows)}
    if len(block[0]) < 2 or at[0] not in row_index:
        return block, False
    top = row_index[at[0]]
    names = [fold(line[0]) for line in block]
    folded = [fold(row.name) for row in rows]
    if folded[top : top + len(names)] == names:
        return [line[1:] for line in block], True
    firsts = [line[0].strip() for line in block]
    if not all(first and not _is_letters(first) for first in firsts):
        return block, False
    line = next(
        n for n, name in enumerate(names) if top + n >= len(rows) or name != folded[top + n]
    )
    if top + line < len(rows):
        lands = f"would land on “{rows[top + line].name}”"
    else:
        lands = f"would land below the last row, “{rows[-1].name}”"
    # Only a row where every name of the block lines up is worth pointing to.
    start = next(
        (n for n in range(len(rows)) if folded[n : n + len(names)] == names),
        None,
    )
    if start is None:
        advice = "Copy the letters only"
    else:
        advice = (
            f"Paste on the first role cell of “{rows[start].name}”, where every name lines up "
            "with its row, or copy the letters only"
        )
    raise BlockRefused(
        "The first column of the block holds names, not letters, and they are not the rows "
        f"it would cover: line {line + 1}, “{firsts[line]}”, {lands}. {advice}. "
        "Nothing was written."
    )


def _is_letters(text: str) -> bool:
    try:
        parse_letters(text)
    except ValueError:
        return False
    return True


def place_block(
    block: list[list[str]],
    *,
    rows: list[Axis],
    columns: list[Axis],
    at: tuple[int, int],
    versions: dict[tuple[int, int], int],
) -> list[tuple[int, int, frozenset[Letter], int]]:
    """The cells `block` writes with its top-left corner on the cell `at`
    (activity id, role id): (activity id, role id, letters, version seen)
    each, for Team.write_cells. BlockRefused when it runs past the grid, a
    letter is not one, or the page did not show a cell the block covers."""
    row_index = {row.id: n for n, row in enumerate(rows)}
    column_index = {column.id: n for n, column in enumerate(columns)}
    if at[0] not in row_index or at[1] not in column_index:
        raise BlockRefused(
            "The cell you pasted at is no longer in this matrix: a colleague may have "
            "removed its row or column. Nothing was written."
        )
    top, left = row_index[at[0]], column_index[at[1]]
    height, width = len(block), len(block[0])
    if top + height > len(rows) or left + width > len(columns):
        raise BlockRefused(
            f"The block is {_count(height, 'row')} by {_count(width, 'column')}, but from "
            f"{columns[left].name} on “{rows[top].name}” the grid has "
            f"{_count(len(rows) - top, 'row')} and {_count(len(columns) - left, 'column')}: "
            "it would run past the grid. Nothing was written."
        )
    cells = []
    for dy, texts in enumerate(block):
        row = rows[top + dy]
        for dx, text in enumerate(texts):
            column = columns[left + dx]
            try:
                letters = parse_letters(text)
            except ValueError:
                raise BlockRefused(
                    f"“{text.strip()}” (line {dy + 1}, cell {dx + 1} of the block, for "
                    f"{column.name} on “{row.name}”) is not R, A, C or I. Nothing was written."
                ) from None
            seen = versions.get((row.id, column.id))
            if seen is None:
                raise BlockRefused(
                    "Your page does not show the matrix as it is now (a row or a column was "
                    "added, moved or removed meanwhile). Reload it and paste again; nothing "
                    "was written."
                )
            cells.append((row.id, column.id, letters, seen))
    return cells


def read_versions(text: str) -> dict[tuple[int, int], int]:
    """ "ACTIVITY-ROLE-VERSION ..." as the page sends it: the version of each
    cell it shows (0 for a cell never written). ValueError if unreadable."""
    versions = {}
    for item in text.split():
        activity_id, role_id, version = (int(part) for part in item.split("-"))
        if min(activity_id, role_id, version) < 0:
            raise ValueError(item)
        versions[activity_id, role_id] = version
    return versions


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
