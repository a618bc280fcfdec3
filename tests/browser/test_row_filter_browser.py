"""Finding rows: the filter box narrows the rows by activity or category,
quick filters keep the rows with findings or where a role holds a letter,
the count of hidden rows is shown, and collapsed categories are kept for
the user and the team."""

import re

import pytest
from playwright.sync_api import expect

from raci.models import Assignment, EditorPreferences
from tests.browser.reference_grid import PO, SM, Grid

pytestmark = pytest.mark.browser


def shown_names(page):
    return page.locator("#matrix tr.activity-row:not([hidden]) .activity-name").all_inner_texts()


def test_the_filter_box_narrows_rows_by_name_or_category(page, team):
    grid = Grid(page, team)
    total = len(grid.rows)

    page.get_by_role("searchbox", name="Filter rows by activity or category").fill("backlog")

    names = shown_names(page)
    # "Vision into backlog" by its name, the Backlog category's rows by their category.
    assert "Backlog ordering" in names and "Backlog refinement" in names
    assert "Product vision" not in names
    expect(page.locator("#filter-count")).to_have_text(
        f"{total - len(names)} of {total} rows hidden by the filter"
    )
    # The arrows skip the rows left out.
    first, second = page.locator("#matrix tr.activity-row:not([hidden]) .cell-button").nth(0), None
    first.focus()
    page.keyboard.press("ArrowDown")
    row = page.evaluate(
        "document.activeElement.closest('tr').querySelector('.activity-name').textContent"
    )
    assert row == names[1], second

    page.get_by_role("searchbox", name="Filter rows by activity or category").fill("")
    expect(page.locator("#matrix tr.activity-row:not([hidden])")).to_have_count(total)
    expect(page.locator("#filter-count")).to_have_text("")


def test_quick_filters_keep_rows_with_findings_or_a_roles_letters(page, team):
    # Two accountable roles on "Product vision": an error on its row.
    vision = team.activities.get(catalogue_key="product-vision")
    Assignment.objects.filter(activity=vision, role__canonical=PO.value).update(letters="A")
    grid = Grid(page, team)
    shown_rows = page.locator("#matrix tr.activity-row:not([hidden])")
    page.get_by_text("View", exact=True).click()

    page.get_by_label("Rows where").select_option(label="Scrum Master")
    sm_column = page.locator(f"#col-{grid.roles[SM]}").evaluate("head => head.cellIndex")
    letters = shown_rows.evaluate_all(
        f"rows => rows.map(row => row.cells[{sm_column}].querySelectorAll('.letters b').length)"
    )
    assert letters and all(letters) and len(letters) < len(grid.rows)

    page.get_by_label("Rows where").select_option(label="any role")
    page.get_by_label("Rows with findings").check()
    assert "Product vision" in shown_names(page)
    classes = shown_rows.evaluate_all("rows => rows.map(row => row.className)")
    assert len(classes) < len(grid.rows)
    assert all("has-" in names for names in classes)


def test_collapsed_categories_are_kept_for_the_user_and_the_team(page, team):
    grid = Grid(page, team)
    toggle = page.locator('.group-toggle[data-group="group-discovery"]')

    with page.expect_response(lambda r: r.url.endswith("/collapsed/")):
        toggle.click()
    expect(page.locator("#group-discovery tr.activity-row").first).to_be_hidden()

    page.reload()
    expect(page.locator("#group-discovery tr.activity-row").first).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    preferences = EditorPreferences.objects.get(user__username="lead")
    assert preferences.collapsed_categories == {str(team.pk): ["discovery"]}

    with page.expect_response(lambda r: r.url.endswith("/collapsed/")):
        toggle.click()
    expect(page.locator("#group-discovery tr.activity-row").first).to_be_visible()
    preferences.refresh_from_db()
    assert preferences.collapsed_categories == {}
    assert grid.rows


def test_a_clear_never_reaches_rows_the_filter_hides(page, team):
    grid = Grid(page, team)
    # "Product roadmap" and "Product life cycle" stay; the two rows between them go.
    page.get_by_role("searchbox", name="Filter rows by activity or category").fill("product")
    roadmap = grid.rows.index(team.activities.get(catalogue_key="product-roadmap").pk)
    life_cycle = grid.rows.index(team.activities.get(catalogue_key="product-life-cycle").pk)
    assert life_cycle - roadmap > 1
    before = {row: grid.stored(row, PO) for row in range(roadmap, life_cycle + 1)}
    grid.button(roadmap, PO).focus()
    page.keyboard.press("Shift+ArrowDown")
    expect(grid.cell(life_cycle, PO)).to_have_class(re.compile(r"\bis-selected\b"))

    page.keyboard.press("Delete")

    expect(page.locator("#flash")).to_contain_text("hidden by the filter or a collapsed category")
    assert {row: grid.stored(row, PO) for row in before} == before
