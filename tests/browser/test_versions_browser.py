"""Named versions in a real browser: save the team as a version, change cells,
compare the version with now and see the changed cells marked."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.reference_grid import PM, PO
from tests.builders import PASSWORD, canonical_role

pytestmark = pytest.mark.browser


def sign_in(page):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def set_letters(page, team, activity, kind, letters):
    """Edit one cell on its own page, as without JavaScript."""
    role = canonical_role(team.organization, kind)
    page.goto(reverse("raci:cell", args=[team.organization.slug, team.slug, activity.pk, role.pk]))
    for box in page.locator('input[name="letters"]').all():
        box.set_checked(box.get_attribute("value") in letters)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#matrix")).to_be_visible()


def test_save_a_version_change_cells_compare_and_see_them_marked(page, team, artifacts):
    backlog = team.activities.get(catalogue_key="backlog-ordering")
    sign_in(page)
    page.goto(reverse("raci:matrix", args=[team.organization.slug, team.slug]))
    page.get_by_role("link", name="Versions").click()
    page.get_by_label("Name").fill("Agreed split, Q3")
    page.get_by_label("Note").fill("After the offsite")
    page.get_by_role("button", name="Save version").click()
    expect(page.get_by_text("Saved the team as “Agreed split, Q3”.")).to_be_visible()

    set_letters(page, team, backlog, PO, "R")
    set_letters(page, team, backlog, PM, "A")

    page.goto(reverse("raci:versions", args=[team.organization.slug, team.slug]))
    page.get_by_role("link", name="Compare with now").click()

    grid = page.locator("#comparison")
    expect(grid).to_be_visible()
    changed = grid.locator('td[data-status="changed"]')
    expect(changed).to_have_count(2)
    po_cell = grid.locator(f'td[data-activity="{backlog.name}"][data-role="Product Owner"]')
    expect(po_cell).to_have_class("diff-changed")
    expect(po_cell).to_contain_text("AR → R")
    expect(grid.locator(f'tr[data-status="changed"] th:has-text("{backlog.name}")')).to_be_visible()
    # The findings of both sides are listed side by side.
    expect(page.locator("#before-findings")).to_be_visible()
    expect(page.locator("#after-findings")).to_be_visible()
    page.screenshot(path=artifacts / "version-compare.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the differences (.csv)").click()
    assert "changed,cell" in download.value.path().read_text(encoding="utf-8")
