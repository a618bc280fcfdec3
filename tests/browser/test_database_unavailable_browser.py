"""While the database is away, an edit in the matrix editor is answered with
the server's short note, and the next edit works once it is back."""

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from playwright.sync_api import expect

from tests.browser.reference_grid import DEV
from tests.browser.test_matrix_editor_browser import answers_cell_post, open_matrix

pytestmark = pytest.mark.browser


def test_an_edit_while_the_database_is_away_says_so(page, team, monkeypatch, expected_http_errors):
    expected_http_errors.add(503)
    matrix = open_matrix(page, team)
    matrix.expect_letters("backlog-ordering", DEV, "C")
    cell = matrix.cell("backlog-ordering", DEV)

    def unreachable(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    # Every query of the app, the session's included, fails from now on.
    monkeypatch.setattr(CursorWrapper, "execute", unreachable)
    cell.locator(".cell-button").click()
    with page.expect_response(answers_cell_post) as response:
        cell.locator('input[name="letters"][value="I"]').click()
    assert response.value.status == 503

    flash = page.locator("#flash")
    expect(flash).to_contain_text("The app cannot reach its database for a moment")
    expect(flash).not_to_contain_text("Nothing was changed")
    expect(flash.get_by_role("link", name="Reload the matrix")).to_be_visible()
    expect(cell.locator(".letters")).to_have_text("C")

    # The database is back: the same edit goes through.
    monkeypatch.undo()
    matrix.tick("backlog-ordering", DEV, "I")
    matrix.expect_letters("backlog-ordering", DEV, "CI")
