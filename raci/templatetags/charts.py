"""Template filters for charts: whether the editor's grid is too large for the PDF."""

from django import template

from raci import exports

register = template.Library()


@register.filter
def pdf_too_large(grid) -> bool:
    """The export menu's warning, from the grid the page already holds: the same count
    as `exports.pdf_too_large` makes of the team's matrix."""
    columns = [column.role_id for column in grid.columns]
    cells = grid.cells
    rows = (
        {role_id for role_id, cell in cells.get(row.activity.pk, {}).items() if cell.letters}
        for row in grid.rows
    )
    return exports.pdf_boxes(rows, columns) > exports.PDF_MAX_BOXES
