"""Template filters for charts: whether the editor's grid is too large for the PDF."""

from django import template

from raci import exports

register = template.Library()


@register.filter
def pdf_too_large(grid) -> bool:
    """The export menu's warning, from the grid the page already holds: the same count
    as `exports.pdf_too_large` makes of the team's matrix."""
    columns = [column.role_id for column in grid.columns]
    pages = -(-len(columns) // exports.PDF_ROLES_PER_PAGE) or 1
    if len(grid.rows) * (len(columns) + pages) <= exports.PDF_MAX_BOXES:
        return False  # fits however its cells are filled: nothing to count
    key = ("pdf too large",)  # counted once per kept grid
    if key not in grid.kept_markup:
        cells = grid.cells
        rows = (
            {role_id for role_id, cell in cells.get(row.activity.pk, {}).items() if cell.letters}
            for row in grid.rows
        )
        grid.kept_markup[key] = exports.pdf_boxes(rows, columns) > exports.PDF_MAX_BOXES
    return grid.kept_markup[key]
