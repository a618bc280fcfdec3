"""Nothing typed is lost when the session has ended: the edit is kept in the
tab, the browser goes to sign in, and the edit is sent again once the matrix
is back; if a colleague changed the cell meanwhile, it is refused and named."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.db.models import F
from playwright.sync_api import expect

from raci.models import Assignment
from tests.browser.reference_grid import SM, Grid
from tests.builders import PASSWORD

pytestmark = pytest.mark.browser


def sign_in_again(page):
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_letter_typed_after_the_session_ended_is_saved_after_signing_in(page, team):
    grid = Grid(page, team)
    assert grid.stored(0, SM) == ""
    Session.objects.all().delete()  # signed out elsewhere, or idle too long

    grid.button(0, SM).focus()
    page.keyboard.press("i")
    sign_in_again(page)

    expect(grid.cell(0, SM).locator(".letters")).to_have_text("I")
    expect(page.locator("#flash")).to_contain_text(
        "Sent again after signing in: “I” for Scrum Master on Product vision."
    )
    assert grid.stored(0, SM) == "I"


def test_a_kept_edit_never_overwrites_a_colleagues_change(page, team):
    grid = Grid(page, team)
    Session.objects.all().delete()
    grid.button(0, SM).focus()
    page.keyboard.press("i")
    # While this user signs in again, a colleague writes the same cell.
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    Assignment.objects.update_or_create(
        activity_id=grid.rows[0], role_id=grid.roles[SM], defaults={"letters": "C", "version": 5}
    )
    Assignment.objects.filter(activity_id=grid.rows[0], role_id=grid.roles[SM]).update(
        version=F("version") + 1
    )

    sign_in_again(page)

    expect(grid.cell(0, SM).locator(".stale-note")).to_contain_text("your edit was not saved")
    expect(page.locator("#flash")).to_contain_text("“I” for Scrum Master on Product vision")
    expect(page.locator("#flash")).to_contain_text("Someone changed “Product vision”")
    assert grid.stored(0, SM) == "C"
