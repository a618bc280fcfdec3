"""Undo in a real browser: remove a column, press Ctrl+Z, and every letter and
holder is back; Ctrl+Z in a text field stays the field's; "h" on a cell
opens who changed it."""

import re

import pytest
from playwright.sync_api import expect

from raci.models import Assignment, RoleHolder
from tests.browser.reference_grid import SM
from tests.browser.test_matrix_editor_browser import open_matrix
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
