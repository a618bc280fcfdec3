"""Rows: insert one above or below from the row menu and name it at once,
move one with Alt+Up/Down, to another category from the menu, or by drag."""

import pytest
from playwright.sync_api import expect

from raci.models import Activity, ChangeSet
from tests.browser.reference_grid import PO, Grid

pytestmark = pytest.mark.browser


def names(page):
    return page.locator("#matrix tr.activity-row .activity-name").all_inner_texts()


def open_row_menu(page, grid, row):
    grid.button(row, PO).focus()
    page.keyboard.press("Shift+F10")
    menu = page.locator("#row-menu")
    expect(menu.locator(".row-menu-body")).to_be_visible()
    return menu


def test_insert_below_from_the_row_menu_and_name_it(page, team):
    grid = Grid(page, team)
    before = names(page)
    change_sets = ChangeSet.objects.filter(team=team).count()
    menu = open_row_menu(page, grid, 1)

    menu.get_by_role("button", name="Insert below").click()

    field = page.get_by_role("textbox", name="Name of the new activity")
    expect(field).to_be_focused()
    page.keyboard.type("Pricing experiments")
    page.keyboard.press("Enter")
    expect(page.locator("#matrix tr.activity-row .activity-name").nth(2)).to_have_text(
        "Pricing experiments"
    )
    assert names(page) == [*before[:2], "Pricing experiments", *before[2:]]
    added = Activity.objects.get(team=team, name="Pricing experiments")
    assert added.category == Activity.objects.get(pk=grid.rows[1]).category
    expect(page.locator(f"#row-{added.pk} a.activity-name")).to_be_focused()
    # Created under its name: one change, which one undo takes back.
    assert ChangeSet.objects.filter(team=team).count() == change_sets + 1
    assert ChangeSet.objects.filter(team=team).latest("revision").action == "activity-add"
    with page.expect_response(lambda r: r.url.endswith("/undo/")):
        page.keyboard.press("Control+z")
    expect(page.locator(f"#row-{added.pk}")).to_have_count(0)
    assert names(page) == before


def test_escape_on_a_row_just_inserted_leaves_nothing_behind(page, team):
    grid = Grid(page, team)
    before = names(page)
    activities = Activity.objects.filter(team=team).count()
    change_sets = ChangeSet.objects.filter(team=team).count()
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    menu = open_row_menu(page, grid, 1)

    # From the keyboard: Shift+F10 opened the menu; Enter on Insert above.
    menu.get_by_role("button", name="Insert above").focus()
    page.keyboard.press("Enter")
    field = page.locator("#matrix .rename-form input[name=name]")
    expect(field).to_be_focused()
    page.keyboard.type("Pric")
    page.keyboard.press("Escape")

    expect(field).to_have_count(0)
    assert names(page) == before
    assert Activity.objects.filter(team=team).count() == activities
    assert ChangeSet.objects.filter(team=team).count() == change_sets
    assert posts == []
    # Back where the menu was opened from.
    expect(grid.button(1, PO)).to_be_focused()


def test_a_name_already_taken_keeps_the_new_row_open_to_correct(page, team):
    grid = Grid(page, team)
    before = names(page)
    menu = open_row_menu(page, grid, 0)
    menu.get_by_role("button", name="Insert below").click()
    field = page.get_by_role("textbox", name="Name of the new activity")
    expect(field).to_be_focused()

    page.keyboard.type(before[3].upper())
    with page.expect_response(lambda r: r.url.endswith("/insert/")):
        page.keyboard.press("Enter")

    expect(page.locator("#flash")).to_contain_text(
        "This team already has an activity with that name."
    )
    expect(field).to_be_focused()
    expect(field).to_have_value(before[3].upper())
    page.keyboard.press("Escape")
    expect(field).to_have_count(0)
    assert names(page) == before


def test_alt_arrows_move_the_row_and_keep_the_focus(page, team):
    grid = Grid(page, team)
    first, second = names(page)[:2]
    grid.button(0, PO).focus()

    page.keyboard.press("Alt+ArrowDown")

    expect(page.locator("#matrix tr.activity-row .activity-name").nth(1)).to_have_text(first)
    expect(page.locator(f"#row-{grid.rows[0]} .cell-button").nth(1)).to_be_focused()
    assert names(page)[:2] == [second, first]
    page.keyboard.press("Alt+ArrowUp")
    expect(page.locator("#matrix tr.activity-row .activity-name").first).to_have_text(first)


def test_move_a_row_to_another_category_from_its_menu(page, team):
    grid = Grid(page, team)
    name = names(page)[0]
    menu = open_row_menu(page, grid, 0)

    menu.get_by_label("Move to").select_option(label="Launch")
    menu.get_by_role("button", name="Move", exact=True).click()

    expect(page.locator("#group-launch tr.activity-row .activity-name").last).to_have_text(name)
    assert Activity.objects.get(pk=grid.rows[0]).category == "launch"


def test_drag_a_row_before_another(page, team):
    grid = Grid(page, team)
    shown = names(page)

    page.locator(f"#row-{grid.rows[3]} .activity-name").drag_to(
        page.locator(f"#row-{grid.rows[1]} .activity-name")
    )

    expect(page.locator("#matrix tr.activity-row .activity-name").nth(1)).to_have_text(shown[3])
    assert names(page)[:4] == [shown[0], shown[3], shown[1], shown[2]]
