"""Every page around the matrix editor, from a 360 px phone to a 1920 px
screen: no page scrolls sideways, no word in a table breaks inside itself,
wide tables scroll in their own box with their first column kept, tables of
records stack as cards on a phone; a screenshot of each page at each of the
issue's sizes is kept under artifacts/layout/."""

import pytest
from django.template.loader import render_to_string
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS, watch_errors
from tests.browser.pages import OWNER, by_user, sign_in

pytestmark = pytest.mark.browser

SCREENSHOT_SIZES = [(390, 844), (1280, 720), (1440, 900)]
EDGE_SIZES = [(360, 740), (1920, 1080)]
TABLE_PAGES = ["organization", "people", "members", "roles", "role-definitions"]

# How far the page reaches past the right edge of the window.
SIDEWAYS_OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"

# Every word of every visible table cell in <main> that is not laid out on one
# line inside its cell: broken across lines (the table gave its column less
# than the word's width) or sticking out of the cell. Each word's own boxes
# are measured with a Range, in the font it is shown in. A line may end after
# a hyphen, as in "team-/level": that is how text wraps, not a broken word.
WORDS_NOT_FITTING_THEIR_CELL = """() => {
  const found = [];
  for (const cell of document.querySelectorAll("main td, main th")) {
    if (!cell.checkVisibility()) continue;
    const cellBox = cell.getBoundingClientRect();
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent.checkVisibility() || parent.closest(".visually-hidden")) continue;
      for (const match of node.data.matchAll(/[^\\s-]+-?|-/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set(
          [...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))
        );
        const box = range.getBoundingClientRect();
        const sticksOut = box.left < cellBox.left - 1 || box.right > cellBox.right + 1;
        if (lines.size > 1 || sticksOut) {
          found.push({word: match[0], lines: lines.size, sticksOut});
        }
      }
    }
  }
  return found;
}"""


def open_signed_in(open_page, width, height, user):
    page = open_page(width, height)
    if user is not None:
        sign_in(page, user)
    return page


@pytest.mark.parametrize(("width", "height"), SCREENSHOT_SIZES + EDGE_SIZES)
def test_no_page_scrolls_sideways(open_page, site, artifacts, width, height):
    folder = artifacts / "layout"
    folder.mkdir(exist_ok=True)
    too_wide = {}
    pages = [site_page for site_page in site.values() if site_page.status == 200]
    for user, user_pages in by_user(pages).items():
        page = open_signed_in(open_page, width, height, user)
        for site_page in user_pages:
            response = page.goto(site_page.path)
            assert response.status == 200, site_page
            if (width, height) in SCREENSHOT_SIZES:
                path = folder / f"{site_page.name}-{width}x{height}.png"
                page.screenshot(path=path, full_page=True)
            if overflow := page.evaluate(SIDEWAYS_OVERFLOW):
                too_wide[site_page.name] = overflow
    assert too_wide == {}, f"Pages wider than {width} px, by so many px: {too_wide}"


@pytest.mark.parametrize(("width", "height"), SCREENSHOT_SIZES + EDGE_SIZES)
def test_error_pages_fit_the_screen(browser, live_server, site, artifacts, width, height):
    """403 and 404 come from the app; 500 is the template Django serves when
    everything else has failed, so it is shown here as it would be served."""
    folder = artifacts / "layout"
    folder.mkdir(exist_ok=True)
    server_error = render_to_string("500.html")
    for site_page in [*[p for p in site.values() if p.status != 200], None]:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        if site_page is None:
            name, path, status = "server-error", "/server-error/", 500
            page.route(
                f"{live_server.url}{path}",
                lambda route: route.fulfill(
                    status=500, content_type="text/html", body=server_error
                ),
            )
        else:
            name, path, status = site_page.name, site_page.path, site_page.status
            if site_page.user is not None:
                sign_in(page, site_page.user)
        errors = watch_errors(page)
        response = page.goto(path)
        assert response.status == status
        assert errors == [f"{status} from GET {live_server.url}{path}"]
        if (width, height) in SCREENSHOT_SIZES:
            page.screenshot(path=folder / f"{name}-{width}x{height}.png", full_page=True)
        assert page.evaluate(SIDEWAYS_OVERFLOW) == 0, name
        context.close()


@pytest.mark.parametrize("width", [360, 390, 1280, 1440, 1920])
def test_no_table_cell_is_narrower_than_its_longest_word(open_page, site, width):
    page = open_signed_in(open_page, width, 900, OWNER)
    not_fitting = {}
    for name in TABLE_PAGES:
        page.goto(site[name].path)
        expect(page.locator("main table").first).to_be_visible()
        if words := page.evaluate(WORDS_NOT_FITTING_THEIR_CELL):
            not_fitting[name] = words
    assert not_fitting == {}


def test_the_word_check_catches_words_broken_letter_by_letter(open_page, site):
    """What the issue saw on a 390 px phone ("Ch/ec/ko/ut", "Te/a/m"): cells
    allowed to break anywhere let the table squeeze a column to one letter."""
    page = open_signed_in(open_page, 390, 844, OWNER)
    page.goto(site["organization"].path)
    assert page.evaluate(WORDS_NOT_FITTING_THEIR_CELL) == []

    # Styles set through the CSSOM are not inline styles to the CSP.
    page.evaluate(
        "document.querySelectorAll('main th, main td')"
        ".forEach((cell) => { cell.style.overflowWrap = 'anywhere'; })"
    )

    broken = {found["word"] for found in page.evaluate(WORDS_NOT_FITTING_THEIR_CELL)}
    assert {"Checkout", "Internationalisation", "Warnings"} <= broken


def test_wide_table_scrolls_sideways_and_keeps_its_first_column(open_page, site):
    page = open_signed_in(open_page, 360, 740, OWNER)
    page.goto(site["organization"].path)
    scroller = page.locator(".table-scroll")
    team_name = page.get_by_role("link", name="Checkout", exact=True)
    settings = page.get_by_role("link", name="Settings of Checkout")
    assert scroller.evaluate("(box) => box.scrollWidth > box.clientWidth")
    expect(settings).not_to_be_in_viewport()

    scroller.evaluate("(box) => { box.scrollLeft = box.scrollWidth; }")

    expect(settings).to_be_in_viewport()
    expect(team_name).to_be_in_viewport()
    # The team's name is still where it was, over the scrolled columns.
    scroller_left = scroller.bounding_box()["x"]
    assert page.get_by_role("rowheader").first.bounding_box()["x"] == pytest.approx(scroller_left)


def test_people_stack_as_cards_on_a_phone_and_stay_a_table(open_page, site):
    page = open_signed_in(open_page, 390, 844, OWNER)
    page.goto(site["people"].path)
    row = page.get_by_role("row", name="Ruth Adeyemi")
    name = row.get_by_role("rowheader")
    email = row.get_by_role("cell", name="ruth@acme.example")

    # One card: the name on top, the email under it, each at the left edge.
    name_box, email_box = name.bounding_box(), email.bounding_box()
    assert email_box["y"] >= name_box["y"] + name_box["height"]
    assert email_box["x"] == pytest.approx(name_box["x"])
    edit_box = row.get_by_role("link", name="Edit Ruth Adeyemi").bounding_box()
    assert edit_box["x"] + edit_box["width"] <= 390
    # Screen readers still get a table, with its column headers.
    expect(page.get_by_role("columnheader", name="Email")).to_have_count(1)

    page.set_viewport_size({"width": 1280, "height": 720})
    name_box, email_box = name.bounding_box(), email.bounding_box()
    assert email_box["x"] >= name_box["x"] + name_box["width"]
