"""Template filters for the printed chart: one cell's letters."""

from django import template

from raci.vocabulary import letters_to_text

register = template.Library()


@register.filter
def cell_letters(matrix, activity):
    """The row of `activity` in `matrix`, for `cell_for`."""
    return (matrix, activity)


@register.filter
def cell_for(row, role) -> str:
    matrix, activity = row
    return letters_to_text(matrix.letters(activity.key, role.key))
