"""Spreadsheet habits in the matrix editor: select a rectangle (Shift+arrows,
Shift+click, a drag), clear it, copy it, paste a block from a spreadsheet,
fill down; each multi-cell write is one change set, or nothing."""

import re

import pytest
from django.db.models import F
from playwright.sync_api import expect

from raci.models import Activity, Assignment, ChangeSet
from tests.browser.reference_grid import DEV, PASTE, PM, PO, SM, Grid

pytestmark = pytest.mark.browser


def undo_and_expect(grid, before):
    """Press Ctrl+Z and see every cell of `before` hold its letters again."""
    with grid.page.expect_response(lambda r: r.url.endswith("/undo/")) as undone:
        grid.page.keyboard.press("Control+z")
    assert undone.value.ok
    for cell, letters in before.items():
        expect(grid.cell(*cell).locator(".letters")).to_have_text(letters or "·")
        assert grid.stored(*cell) == letters


def test_a_block_pasted_from_a_spreadsheet_lands_at_the_cursor_as_one_change(page, team):
    grid = Grid(page, team)
    grid.button(2, PO).focus()
    before = ChangeSet.objects.count()

    # A 3 x 2 block as Excel puts it on the clipboard (CR LF, a last line break).
    grid.write(lambda: page.evaluate(PASTE, "A\tR\r\nC\tI\r\nR\tA/R\r\n"))

    expected = {(2, PO): "A", (2, SM): "R", (3, PO): "C", (3, SM): "I", (4, PO): "R"}
    expected[(4, SM)] = "AR"
    for (row, kind), letters in expected.items():
        expect(grid.cell(row, kind).locator(".letters")).to_have_text(letters)
        assert grid.stored(row, kind) == letters
    # One change set, which one undo takes back; the focus stays on the grid.
    assert ChangeSet.objects.count() == before + 1
    assert ChangeSet.objects.latest("revision").action == "paste"
    expect(grid.button(2, PO)).to_be_focused()
    expect(page.locator("#flash")).to_contain_text("Saved: ")


def test_one_value_pasted_on_a_selection_fills_every_cell_and_one_undo_takes_it_back(page, team):
    """As in Excel or Sheets: one cell copied from a spreadsheet ("A" and a
    line break) goes into every selected cell, as one change set."""
    grid = Grid(page, team)
    cells = [(row, PO) for row in range(3)]
    before = {cell: grid.stored(*cell) for cell in cells}
    assert any(letters != "A" for letters in before.values())
    grid.button(0, PO).focus()
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Shift+ArrowDown")
    change_sets = ChangeSet.objects.count()

    grid.write(lambda: page.evaluate(PASTE, "A\r\n"))

    for cell in cells:
        expect(grid.cell(*cell).locator(".letters")).to_have_text("A")
        assert grid.stored(*cell) == "A"
    assert ChangeSet.objects.count() == change_sets + 1
    expect(page.locator("#matrix td.is-selected")).to_have_count(3)

    undo_and_expect(grid, before)


def test_one_value_on_a_selection_with_a_cell_changed_meanwhile_writes_nothing(page, team):
    grid = Grid(page, team)
    cells = [(row, PO) for row in range(3)]
    grid.button(0, PO).focus()
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Shift+ArrowDown")
    # A colleague changes the middle cell while this page is open.
    colleague = Assignment.objects.filter(activity_id=grid.rows[1], role_id=grid.roles[PO])
    assert colleague.update(letters="C", version=F("version") + 1) == 1
    before = {cell: grid.stored(*cell) for cell in cells}
    change_sets = ChangeSet.objects.count()

    grid.write(lambda: page.evaluate(PASTE, "A\r\n"))

    expect(page.locator("#flash")).to_contain_text(
        "Changed by someone else meanwhile, so nothing was written"
    )
    for cell, letters in before.items():
        assert grid.stored(*cell) == letters
    assert ChangeSet.objects.count() == change_sets


def test_a_block_whose_size_divides_the_selection_is_repeated_across_it(page, team):
    grid = Grid(page, team)
    grid.button(0, PO).focus()
    for key in ("Shift+ArrowDown", "Shift+ArrowDown", "Shift+ArrowRight"):
        page.keyboard.press(key)

    grid.write(lambda: page.evaluate(PASTE, "I\tC\n"))

    for row in range(3):
        for kind, letters in ((PO, "I"), (SM, "C")):
            expect(grid.cell(row, kind).locator(".letters")).to_have_text(letters)
            assert grid.stored(row, kind) == letters
    assert ChangeSet.objects.latest("revision").action == "paste"


def test_a_block_that_does_not_divide_the_selection_goes_once_at_its_first_cell(page, team):
    grid = Grid(page, team)
    third = grid.stored(2, PO)
    assert third != "I"
    grid.button(0, PO).focus()
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Shift+ArrowDown")

    grid.write(lambda: page.evaluate(PASTE, "I\nI\n"))

    for row in (0, 1):
        expect(grid.cell(row, PO).locator(".letters")).to_have_text("I")
    assert grid.stored(2, PO) == third
    expect(grid.cell(2, PO).locator(".letters")).to_have_text(third or "·")
    # The block pasted is what is selected afterwards, as before.
    expect(page.locator("#matrix td.is-selected")).to_have_count(2)


def test_a_paste_with_a_bad_letter_changes_nothing(page, team):
    grid = Grid(page, team)
    grid.button(0, PM).focus()
    before = {(row, kind): grid.stored(row, kind) for row in (0, 1) for kind in (PM, PO)}
    change_sets = ChangeSet.objects.count()

    grid.write(lambda: page.evaluate(PASTE, "I\tI\nI\tX"))

    expect(page.locator("#flash")).to_contain_text("“X” (line 2, cell 2 of the block")
    expect(page.locator("#flash")).to_contain_text("is not R, A, C or I. Nothing was written.")
    for (row, kind), letters in before.items():
        assert grid.stored(row, kind) == letters
        expect(grid.cell(row, kind).locator(".letters")).to_have_text(letters or "·")
    assert ChangeSet.objects.count() == change_sets


def test_a_block_running_past_the_grid_is_refused(page, team):
    grid = Grid(page, team)
    grid.button(len(grid.rows) - 1, DEV).focus()

    grid.write(lambda: page.evaluate(PASTE, "A\tR\nC\tI"))

    expect(page.locator("#flash")).to_contain_text("it would run past the grid")


def test_rows_copied_with_their_names_paste_their_letters_and_select_them(page, team):
    """Rows copied from a spreadsheet of the matrix, the activity name first:
    the names are left out and the letters land on the cells from the cursor on."""
    grid = Grid(page, team)
    first, second = (Activity.objects.get(pk=grid.rows[row]).name for row in (0, 1))
    grid.button(0, PM).focus()

    grid.write(lambda: page.evaluate(PASTE, f"{first}\tI\tC\r\n{second}\tC\tI\r\n"))

    expected = {(0, PM): "I", (0, PO): "C", (1, PM): "C", (1, PO): "I"}
    for (row, kind), letters in expected.items():
        expect(grid.cell(row, kind).locator(".letters")).to_have_text(letters)
        assert grid.stored(row, kind) == letters
    expect(page.locator("#flash")).to_contain_text(
        "The first column of the block, the names of its rows, was left out."
    )
    # The letters written are selected, not a block as wide as the one copied.
    expect(page.locator("#matrix td.is-selected")).to_have_count(4)
    expect(grid.cell(1, SM)).not_to_have_class(re.compile(r"\bis-selected\b"))
    expect(grid.button(0, PM)).to_be_focused()


def test_names_of_other_rows_are_refused_with_what_to_do(page, team):
    grid = Grid(page, team)
    first = Activity.objects.get(pk=grid.rows[0]).name
    before = {(1, kind): grid.stored(1, kind) for kind in (PM, PO)}
    change_sets = ChangeSet.objects.count()
    grid.button(1, PM).focus()

    grid.write(lambda: page.evaluate(PASTE, f"{first}\tI\tC\r\n"))

    expect(page.locator("#flash")).to_contain_text(
        f"Paste on the first role cell of “{first}”, where every name lines up with its row, "
        "or copy the letters only. Nothing was written."
    )
    for cell, letters in before.items():
        assert grid.stored(*cell) == letters
    assert ChangeSet.objects.count() == change_sets


def test_a_refused_paste_names_the_first_line_that_is_not_its_row(page, team):
    """The new user's walk: the cursor already on the first row of the block,
    whose second line names a row further down. The message names that line
    and the row it would land on, and offers no place to paste instead."""
    grid = Grid(page, team)
    first, second, third = (Activity.objects.get(pk=grid.rows[row]).name for row in (0, 1, 2))
    grid.button(0, PM).focus()

    grid.write(lambda: page.evaluate(PASTE, f"{first}\tI\tI\n{third}\tI\tI"))

    expect(page.locator("#flash")).to_contain_text(
        f"line 2, “{third}”, would land on “{second}”. Copy the letters only. Nothing was written."
    )
    expect(page.locator("#flash")).not_to_contain_text("Paste on the first role cell")
    # Nothing is selected, and the cursor has not moved.
    expect(page.locator("#matrix td.is-selected")).to_have_count(0)
    expect(grid.button(0, PM)).to_be_focused()


def test_a_refused_paste_leaves_the_selection_and_the_focus_as_they_were(page, team):
    grid = Grid(page, team)
    grid.button(1, PO).focus()
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Shift+ArrowRight")
    selected = [(1, PO), (1, SM), (2, PO), (2, SM)]
    before = {cell: grid.stored(*cell) for cell in selected}
    change_sets = ChangeSet.objects.count()

    # Names that are no rows of this matrix, in front of a 2 x 2 block.
    grid.write(lambda: page.evaluate(PASTE, "Hiring\tA\tR\nBudget\tC\tI"))

    expect(page.locator("#flash")).to_contain_text("Copy the letters only. Nothing was written.")
    expect(page.locator("#matrix td.is-selected")).to_have_count(4)
    for cell in selected:
        expect(grid.cell(*cell)).to_have_class(re.compile(r"\bis-selected\b"))
    # Not a block as wide as the one copied, names included.
    expect(grid.cell(1, DEV)).not_to_have_class(re.compile(r"\bis-selected\b"))
    expect(grid.button(2, SM)).to_be_focused()
    for cell, letters in before.items():
        assert grid.stored(*cell) == letters
    assert ChangeSet.objects.count() == change_sets


def test_shift_arrows_select_and_delete_clears_the_rectangle(page, team):
    grid = Grid(page, team)
    grid.button(0, PM).focus()
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Shift+ArrowRight")
    expect(page.locator("#matrix td.is-selected")).to_have_count(4)
    change_sets = ChangeSet.objects.count()

    grid.write(lambda: page.keyboard.press("Delete"))

    for row in (0, 1):
        for kind in (PM, PO):
            expect(grid.cell(row, kind).locator(".letters")).to_have_text("·")
            assert grid.stored(row, kind) == ""
    assert ChangeSet.objects.count() == change_sets + 1
    assert ChangeSet.objects.latest("revision").action == "clear"
    # The rectangle stays selected on the new cells.
    expect(page.locator("#matrix td.is-selected")).to_have_count(4)


def test_a_mouse_drag_selects_cells_not_text_and_shift_click_extends(page, team):
    grid = Grid(page, team)
    start = grid.button(1, PM).bounding_box()
    end = grid.button(3, SM).bounding_box()

    page.mouse.move(start["x"] + 5, start["y"] + 5)
    page.mouse.down()
    page.mouse.move(end["x"] + 5, end["y"] + 5, steps=5)
    page.mouse.up()

    expect(page.locator("#matrix td.is-selected")).to_have_count(9)
    assert page.evaluate("window.getSelection().toString()") == ""
    expect(page.locator("#cell-picker")).to_be_hidden()

    # Shift+click reaches from the first corner to the clicked cell.
    grid.button(2, DEV).click(modifiers=["Shift"])
    expect(page.locator("#matrix td.is-selected")).to_have_count(2 * 4)
    assert len(page.context.pages) == 1  # no new window
    # A plain click selects one cell again and opens its picker.
    grid.button(0, PM).click()
    expect(page.locator("#matrix td.is-selected")).to_have_count(0)
    expect(grid.cell(0, PM).locator("#cell-picker")).to_be_visible()


def test_fill_down_copies_the_first_row_of_the_selection(page, team):
    grid = Grid(page, team)
    top = {kind: grid.shown(5, kind) for kind in (PM, PO)}
    grid.button(5, PM).focus()
    for key in ("Shift+ArrowDown", "Shift+ArrowDown", "Shift+ArrowRight"):
        page.keyboard.press(key)

    grid.write(lambda: page.keyboard.press("Control+d"))

    for row in (6, 7):
        for kind in (PM, PO):
            expect(grid.cell(row, kind).locator(".letters")).to_have_text(top[kind] or "·")
            assert grid.stored(row, kind) == top[kind]
    assert ChangeSet.objects.latest("revision").action == "fill"


def test_copy_puts_tab_separated_letters_on_the_clipboard_and_paste_takes_them(
    browser, live_server, team
):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1400, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        grid = Grid(page, team)
        grid.button(0, PM).focus()
        page.keyboard.press("Shift+ArrowDown")
        page.keyboard.press("Shift+ArrowRight")
        expected = "\n".join(f"{grid.shown(row, PM)}\t{grid.shown(row, PO)}" for row in (0, 1))

        page.keyboard.press("Control+c")

        assert page.evaluate("navigator.clipboard.readText()") == expected + "\n"
        # Pasted with the keyboard two rows further down.
        grid.button(4, SM).click()
        page.keyboard.press("Escape")
        grid.write(lambda: page.keyboard.press("Control+v"))
        for row in (0, 1):
            expect(grid.cell(row + 4, SM).locator(".letters")).to_have_text(
                grid.shown(row, PM) or "·"
            )
            expect(grid.cell(row + 4, DEV).locator(".letters")).to_have_text(
                grid.shown(row, PO) or "·"
            )
    finally:
        context.close()


def test_a_ten_by_four_block_from_a_spreadsheet_then_a_column_filled_down(page, team):
    """The issue's walk: paste a 10 x 4 block copied from a spreadsheet,
    fill a column down; each is one change set (one undo takes it back)."""
    grid = Grid(page, team)
    block = [["A/R", "C", "I", ""], ["C", "AR", "", "I"]] * 5
    grid.button(0, PM).focus()
    before = ChangeSet.objects.count()

    grid.write(lambda: page.evaluate(PASTE, "\r\n".join("\t".join(row) for row in block)))

    kinds = [PM, PO, SM, DEV]
    for row, texts in enumerate(block):
        for kind, text in zip(kinds, texts, strict=True):
            expected = text.replace("/", "")
            expect(grid.cell(row, kind).locator(".letters")).to_have_text(expected or "·")
            assert grid.stored(row, kind) == expected
    assert ChangeSet.objects.count() == before + 1

    # The Developers' column: rows 1 to 9 take row 0's letters.
    grid.button(0, DEV).focus()
    for _ in range(9):
        page.keyboard.press("Shift+ArrowDown")
    grid.write(lambda: page.keyboard.press("Control+d"))

    for row in range(10):
        expect(grid.cell(row, DEV).locator(".letters")).to_have_text("·")
        assert grid.stored(row, DEV) == ""
    assert list(ChangeSet.objects.order_by("-revision").values_list("action", flat=True)[:2]) == [
        "fill",
        "paste",
    ]


def test_one_ctrl_z_takes_a_whole_paste_back(page, team):
    grid = Grid(page, team)
    cells = [(row, kind) for row in range(3) for kind in (PO, SM)]
    before = {cell: grid.stored(*cell) for cell in cells}
    grid.button(0, PO).focus()
    grid.write(lambda: page.evaluate(PASTE, "I\tI\nI\tI\nI\tI\n"))
    for cell in cells:
        expect(grid.cell(*cell).locator(".letters")).to_have_text("I")

    undos = []
    page.on("request", lambda r: undos.append(r) if r.url.endswith("/undo/") else None)
    grid.button(0, PO).focus()
    undo_and_expect(grid, before)
    assert len(undos) == 1


def test_a_paste_keeps_the_grid_still_and_the_focus_on_the_block(open_page, team):
    """As in a spreadsheet: after the paste the pasted cells are where they
    were on the screen, the grid's box has not scrolled, and the cursor is on
    the block's first cell with the block selected."""
    # A short window: the grid scrolls, and the block goes well down it.
    page = open_page(1400, 560)
    grid = Grid(page, team)
    row = len(grid.rows) - 6
    grid.button(row, PO).focus()
    # The selection ends on its far corner: the paste starts at its first.
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Shift+ArrowRight")
    expect(grid.button(row + 1, SM)).to_be_focused()
    scroller = page.locator(".grid-scroll")
    scrolled = scroller.evaluate("box => [box.scrollTop, box.scrollLeft]")
    assert scrolled[0] > 0
    on_screen = grid.cell(row, PO).bounding_box()["y"]

    grid.write(lambda: page.evaluate(PASTE, "I\tI\nI\tI\n"))

    expect(grid.cell(row + 1, SM).locator(".letters")).to_have_text("I")
    expect(page.locator("#flash")).to_contain_text("Saved: ")
    expect(grid.button(row, PO)).to_be_focused()
    expect(page.locator("#matrix td.is-selected")).to_have_count(4)
    assert scroller.evaluate("box => [box.scrollTop, box.scrollLeft]") == scrolled
    # The message above the grid has not pushed the pasted cells down.
    assert grid.cell(row, PO).bounding_box()["y"] == on_screen
