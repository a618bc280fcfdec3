"""Undo in a real browser: remove a column, press Ctrl+Z, and every letter and
holder is back; Ctrl+Z in a text field stays the field's; "h" on a cell
opens who changed it."""

import re

import pytest
from playwright.sync_api import expect

from raci.models import Assignment, RoleHolder
from tests.browser.reference_grid import DEV, SM
from tests.browser.test_matrix_editor_browser import is_cell_post, open_matrix
from tests.builders import canonical_role, make_person

pytestmark = pytest.mark.browser


def column_state(team, role):
    cells = Assignment.objects.filter(activity__team=team, role=role).exclude(letters="")
    holders = RoleHolder.objects.filter(team=team, role=role)
    return (
        dict(cells.values_list("activity_id", "letters")),
        set(holders.values_list("person_id", flat=True)),
    )


def is_undo(request):
    return request.method == "POST" and request.url.endswith("/undo/")


def is_redo(request):
    return request.method == "POST" and request.url.endswith("/redo/")


def focused_place(page):
    """The focused element's row id and column, or None outside the grid."""
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            if (!element.closest("#matrix")) return null;
            return [element.closest("tr").id, element.closest("td, th").cellIndex];
        }"""
    )


def test_ctrl_z_brings_back_a_removed_column_with_its_letters_and_holders(page, team):
    scrum_master = canonical_role(team.organization, SM)
    make_person(team.organization, "Sam", team=team, roles=[SM])
    before = column_state(team, scrum_master)
    assert before[0] and before[1]  # letters and a holder to lose
    open_matrix(page, team)
    header = page.locator(f"#col-{scrum_master.pk}")
    expect(header.locator(".holders")).to_have_text("Sam")

    page.once("dialog", lambda dialog: dialog.accept())
    header.locator(".column-menu > summary").click()  # the column's menu
    header.get_by_role("button", name="Remove the Scrum Master column").click()
    expect(header).to_have_count(0)
    assert column_state(team, scrum_master) == ({}, set())

    with page.expect_response(lambda response: is_undo(response.request)) as undone:
        page.keyboard.press("Control+z")
    assert undone.value.ok

    expect(header.locator(".holders")).to_have_text("Sam")
    expect(page.locator("#flash")).to_contain_text("Undid: Removed the Scrum Master column")
    assert column_state(team, scrum_master) == before
    for activity_id, letters in before[0].items():
        shown = page.locator(f"#cell-{activity_id}-{scrum_master.pk} .letters")
        expect(shown).to_have_text(letters)


def test_ctrl_z_in_a_text_field_is_the_fields_own(page, team):
    open_matrix(page, team)
    undos = []
    page.on("request", lambda request: undos.append(request) if is_undo(request) else None)
    name = page.locator("#id_name")

    name.fill("Roadmap")
    name.press("Control+z")

    page.wait_for_timeout(300)  # long enough for a request to have left
    assert undos == []


def test_h_on_a_cell_opens_who_changed_it(page, team):
    scrum_master = canonical_role(team.organization, SM)
    activity = team.activities.order_by("position").first()
    open_matrix(page, team)
    button = page.locator(f"#btn-cell-{activity.pk}-{scrum_master.pk}")
    button.focus()

    page.keyboard.press("h")

    expect(page).to_have_url(
        f"{page.url.split('/o/')[0]}/o/{team.organization.slug}/t/{team.slug}/cells/"
        f"{activity.pk}/{scrum_master.pk}/history/"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Who changed Scrum Master on")


def test_the_pickers_link_opens_the_history_of_the_cell_being_edited(page, team):
    scrum_master = canonical_role(team.organization, SM)
    activity = team.activities.order_by("position").last()
    open_matrix(page, team)
    cell = page.locator(f"#cell-{activity.pk}-{scrum_master.pk}")

    cell.locator(".cell-button").click()
    cell.get_by_role("link", name="Who changed this cell").click()

    expect(page).to_have_url(re.compile(rf"/cells/{activity.pk}/{scrum_master.pk}/history/$"))


def test_after_ctrl_z_and_ctrl_shift_z_the_keys_still_work_on_the_same_cell(page, team):
    """As in a spreadsheet: the undone cell keeps the focus, the message is
    announced by its live region, and the next arrow and letter act at once."""
    matrix = open_matrix(page, team)
    matrix.expect_letters("backlog-ordering", SM, "")
    matrix.button("backlog-ordering", SM).focus()
    matrix.press("backlog-ordering", SM, "c")
    matrix.expect_letters("backlog-ordering", SM, "C")

    with page.expect_response(lambda response: is_undo(response.request)):
        page.keyboard.press("Control+z")
    matrix.expect_letters("backlog-ordering", SM, "")
    expect(page.locator("#flash")).to_contain_text("Undid")
    expect(page.locator("#flash")).to_have_attribute("aria-live", "polite")
    expect(matrix.button("backlog-ordering", SM)).to_be_focused()

    with page.expect_response(lambda response: is_redo(response.request)):
        page.keyboard.press("Control+Shift+z")
    matrix.expect_letters("backlog-ordering", SM, "C")
    expect(page.locator("#flash")).to_contain_text("Redid")
    expect(matrix.button("backlog-ordering", SM)).to_be_focused()

    page.keyboard.press("ArrowRight")
    expect(matrix.button("backlog-ordering", DEV)).to_be_focused()
    with page.expect_response(lambda response: is_cell_post(response.request)):
        page.keyboard.press("i")
    matrix.expect_letters("backlog-ordering", DEV, "I")


def test_undo_that_takes_the_focused_row_away_leaves_the_focus_on_the_nearest_cell(page, team):
    open_matrix(page, team)
    page.locator("#id_name").fill("Launch party")
    page.locator("#id_category").select_option("launch")
    page.get_by_role("button", name="Add activity").click()
    new_row = page.locator("#group-launch tr.activity-row", has_text="Launch party")
    expect(new_row).to_be_visible()
    rows = page.locator("#matrix tr.activity-row")
    position = rows.evaluate_all(
        "(rows) => rows.findIndex((row) => row.textContent.includes('Launch party'))"
    )
    new_row.locator(".cell-button").nth(2).focus()
    column = focused_place(page)[1]

    with page.expect_response(lambda response: is_undo(response.request)):
        page.keyboard.press("Control+z")

    expect(new_row).to_have_count(0)
    expect(page.locator("#flash")).to_contain_text("Undid")
    nearest = rows.nth(min(position, rows.count() - 1))
    expect(nearest.locator("td, th").nth(column).locator(".cell-button")).to_be_focused()


def test_the_undo_button_pressed_from_the_keyboard_keeps_the_focus(page, team):
    matrix = open_matrix(page, team)
    matrix.button("backlog-ordering", SM).focus()
    matrix.press("backlog-ordering", SM, "c")
    undo = page.locator("#undo-button")
    undo.focus()

    with page.expect_response(lambda response: is_undo(response.request)):
        page.keyboard.press("Enter")

    matrix.expect_letters("backlog-ordering", SM, "")
    expect(page.locator("#flash")).to_contain_text("Undid")
    expect(undo).to_be_focused()


def test_the_undos_message_arrives_in_a_live_region_already_in_the_page(page, team):
    """Screen readers announce what is added to a live region, not a region
    added with its message: with the focus kept on the grid, the message must
    be put into #flash once #flash is in the page."""
    matrix = open_matrix(page, team)
    matrix.button("backlog-ordering", SM).focus()
    matrix.press("backlog-ordering", SM, "c")
    page.evaluate(
        """() => {
            window.spoken = [];
            new MutationObserver((records) => {
                for (const record of records) {
                    const target = record.target;
                    const region = target.closest && target.closest("[aria-live]");
                    if (region && region.id === "flash") window.spoken.push(region.textContent);
                }
            }).observe(document.body, { childList: true, subtree: true, characterData: true });
        }"""
    )

    with page.expect_response(lambda response: is_undo(response.request)):
        page.keyboard.press("Control+z")

    # (wait_for_function evaluates a string, which the page's CSP refuses.)
    for _ in range(30):
        if any("Undid" in text for text in page.evaluate("window.spoken")):
            break
        page.wait_for_timeout(100)
    assert any("Undid" in text for text in page.evaluate("window.spoken"))
    expect(matrix.button("backlog-ordering", SM)).to_be_focused()
