"""The keyboard as in a spreadsheet: one tab stop, Tab and Shift+Tab along a
row and out of the grid at its ends, Home/End and their Ctrl forms, Page
Up/Down, typing that replaces, renaming in place, and the "?" list of keys."""

import pytest
from playwright.sync_api import expect

from raci.models import Activity
from tests.browser.reference_grid import DEV, PM, PO, SM, Grid

pytestmark = pytest.mark.browser


def focused_cell_id(page):
    return page.evaluate(
        "document.activeElement.closest('td') && document.activeElement.closest('td').id"
    )


def test_tab_moves_along_the_row_and_leaves_the_grid_at_its_ends(page, team):
    grid = Grid(page, team)
    grid.button(3, PM).focus()

    page.keyboard.press("Tab")
    expect(grid.button(3, PO)).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(grid.button(3, PM)).to_be_focused()

    # Past the last cell of the row: out of the grid, to the next control.
    grid.button(3, DEV).focus()
    page.keyboard.press("Tab")
    assert page.evaluate("!document.getElementById('matrix').contains(document.activeElement)")
    expect(page.locator("#id_name")).to_be_focused()
    # Past the first: out of the grid backwards.
    grid.button(3, PM).focus()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("!document.getElementById('matrix').contains(document.activeElement)")
    # The grid is one tab stop: coming back lands on the cell last used.
    page.keyboard.press("Tab")
    expect(grid.button(3, PM)).to_be_focused()


def test_home_end_and_page_keys_jump(page, team):
    grid = Grid(page, team)
    last = len(grid.rows) - 1
    grid.button(4, SM).focus()

    page.keyboard.press("Home")
    expect(grid.button(4, PM)).to_be_focused()
    page.keyboard.press("End")
    expect(grid.button(4, DEV)).to_be_focused()
    page.keyboard.press("Control+End")
    expect(grid.button(last, DEV)).to_be_focused()
    page.keyboard.press("Control+Home")
    expect(grid.button(0, PM)).to_be_focused()
    page.keyboard.press("PageDown")
    row = page.evaluate("document.activeElement.closest('tr').rowIndex")
    assert row > 5
    page.keyboard.press("PageUp")
    expect(grid.button(0, PM)).to_be_focused()


def test_a_typed_letter_replaces_and_quick_letters_add_up(page, team):
    grid = Grid(page, team)
    assert grid.shown(0, PM) == "AR"
    grid.button(0, PM).focus()

    grid.write_cell(lambda: page.keyboard.press("c"))
    expect(grid.cell(0, PM).locator(".letters")).to_have_text("C")

    grid.button(0, SM).focus()
    page.keyboard.press("a")
    page.keyboard.press("r")
    expect(grid.cell(0, SM).locator(".letters")).to_have_text("AR")
    page.wait_for_load_state("networkidle")
    assert grid.stored(0, PM) == "C" and grid.stored(0, SM) == "AR"

    # In the open picker a letter still toggles.
    page.keyboard.press("Space")
    expect(grid.cell(0, SM).locator("#cell-picker")).to_be_visible()
    grid.write_cell(lambda: page.keyboard.press("i"))
    expect(grid.cell(0, SM).locator(".letters")).to_have_text("ARI")


def test_f2_renames_an_activity_in_place(page, team):
    grid = Grid(page, team)
    activity = Activity.objects.get(pk=grid.rows[2])
    name = page.locator(f"#row-{activity.pk} a.activity-name")
    grid.button(2, PM).focus()

    # Left of the first cell is the row's name.
    page.keyboard.press("ArrowLeft")
    expect(name).to_be_focused()
    page.keyboard.press("F2")
    field = page.get_by_role("textbox", name=f"New name for {activity.name}")
    expect(field).to_be_focused()
    page.keyboard.type("Pricing experiments")
    page.keyboard.press("Enter")

    expect(name).to_have_text("Pricing experiments")
    expect(name).to_be_focused()
    activity.refresh_from_db()
    assert activity.name == "Pricing experiments"

    # Enter works too; Escape gives up and changes nothing.
    page.keyboard.press("Enter")
    page.keyboard.type("Something else")
    page.keyboard.press("Escape")
    expect(name).to_have_text("Pricing experiments")
    expect(name).to_be_focused()
    activity.refresh_from_db()
    assert activity.name == "Pricing experiments"


def test_question_mark_lists_every_key(page, team):
    grid = Grid(page, team)
    grid.button(0, PM).focus()

    page.keyboard.press("?")

    keys = page.get_by_role("dialog", name="Keys in the matrix")
    expect(keys).to_be_visible()
    for words in ("Fill down", "Rename the activity in place", "leave the grid", "Page Down"):
        expect(keys).to_contain_text(words)
    page.keyboard.press("Escape")
    expect(keys).to_be_hidden()


def test_question_mark_lists_undo_redo_cell_history_and_row_moves(page, team):
    grid = Grid(page, team)
    grid.button(0, PM).focus()

    page.keyboard.press("?")

    keys = page.get_by_role("dialog", name="Keys in the matrix")
    for words in ("Undo your last change", "Redo", "Who changed this cell", "Alt"):
        expect(keys).to_contain_text(words)


def test_the_list_of_keys_fits_a_phone(open_page, team):
    page = open_page(390, 844)
    grid = Grid(page, team)
    grid.button(0, PM).focus()

    page.keyboard.press("?")

    keys = page.get_by_role("dialog", name="Keys in the matrix")
    expect(keys).to_be_visible()
    box = keys.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box


def test_the_list_of_keys_opens_at_its_title(open_page, team):
    page = open_page(1280, 720)  # shorter than the list: it scrolls
    grid = Grid(page, team)
    grid.button(0, PM).focus()

    page.keyboard.press("?")

    keys = page.get_by_role("dialog", name="Keys in the matrix")
    expect(keys).to_be_visible()
    assert keys.evaluate("dialog => dialog.scrollHeight > dialog.clientHeight")
    assert keys.evaluate("dialog => dialog.scrollTop") == 0
    expect(keys.get_by_role("heading", name="Keys in the matrix")).to_be_in_viewport()
