"""Accessibility in a real browser: axe-core finds no serious or critical
violation (colour contrast included) on the pages people use most, on a phone
and on a laptop, and a skip link leads past the navigation on every page."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.pages import sign_in

pytestmark = pytest.mark.browser

# Page names from tests/browser/pages.py.
CHECKED_PAGES = ["sign-in", "organization", "matrix", "people", "role-definitions", "history"]
SIZES = [(390, 844), (1440, 900)]
BLOCKING_IMPACTS = {"serious", "critical"}

# axe is injected through Playwright's evaluate(), which the page's CSP does
# not govern (a <script> tag would be refused), so the check runs under the
# real policy and the page fixture still fails on any CSP violation.
axe = Axe()


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("name", CHECKED_PAGES)
def test_page_has_no_serious_accessibility_violation(open_page, site, name, width, height):
    page = open_page(width, height)
    site_page = site[name]
    if site_page.user is not None:
        sign_in(page, site_page.user)
    page.goto(site_page.path)

    results = axe.run(page)

    assert results.response["testEngine"]["name"] == "axe-core"
    blocking = [
        violation
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
    assert blocking == [], results.generate_report()


# Not the sign-in page: it opens with the focus in its username field.
@pytest.mark.parametrize("name", ["organization", "people", "role-definitions"])
def test_skip_link_leads_past_the_navigation(page, site, name):
    site_page = site[name]
    if site_page.user is not None:
        sign_in(page, site_page.user)
    page.goto(site_page.path)
    skip_link = page.get_by_role("link", name="Skip to content")

    page.keyboard.press("Tab")

    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()
    assert box["width"] > 40 and box["height"] > 16, "The focused skip link is visible"

    page.keyboard.press("Enter")
    page.keyboard.press("Tab")

    focused_in_main = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused_in_main, page.evaluate("document.activeElement.outerHTML")


# The backgrounds the app tints (table headers and findings, category rows, a
# highlighted target, a stale cell) and the shared classes whose text sits on
# them in the matrix editor: "remove" links, category toggles, rule ids,
# a fix's button and the cells it changes, and the row buttons.
TINTED_BACKGROUNDS = [
    "bg-body",
    "bg-body-tertiary",
    "bg-body-secondary",
    "is-highlighted",
    "is-stale",
]
SAMPLES = """
  <a href="#main">a link</a>
  <button type="button" class="btn btn-link btn-sm p-0">remove</button>
  <code class="rule-id">no-accountable</code>
  <button type="button" class="btn btn-sm btn-outline-primary">Make PO accountable</button>
  <span class="fix-effect small">Scrum Master: A → not involved</span>
  <button type="button" class="btn btn-sm btn-outline-secondary">Move up</button>
  <button type="button" class="btn btn-sm btn-outline-danger">Delete</button>
"""


def test_shared_text_colours_are_readable_on_every_tinted_background(page, site):
    page.goto(site["role-definitions"].path)
    page.evaluate(
        """([backgrounds, samples]) => {
          const main = document.querySelector("main");
          for (const background of backgrounds) {
            const box = document.createElement("div");
            box.className = "contrast-sample " + background;
            box.innerHTML = samples;
            main.prepend(box);
          }
        }""",
        [TINTED_BACKGROUNDS, SAMPLES],
    )

    results = axe.run(
        page,
        context={"include": [".contrast-sample"]},
        options={"runOnly": ["color-contrast"], "resultTypes": ["violations", "passes"]},
    )

    checked = [
        node
        for outcome in ("passes", "violations")
        for rule in results.response[outcome]
        for node in rule["nodes"]
    ]
    assert len(checked) == len(TINTED_BACKGROUNDS) * 7
    assert results.response["violations"] == [], results.generate_report()


def test_each_fix_and_accept_control_is_named_after_its_finding(page, site):
    sign_in(page, site["matrix"].user)
    page.goto(site["matrix"].path)

    names = page.locator("#findings").evaluate(
        """panel => [...panel.querySelectorAll(".apply-fix, .accept-link")].map(
          control => control.textContent.replace(/\\s+/g, " ").trim())"""
    )

    assert len(names) > 2
    assert len(set(names)) == len(names), names
    # A fix's button says what it does and is described by the cells it changes.
    fixes = page.locator("#findings .apply-fix")
    assert fixes.count() >= 1
    for n in range(fixes.count()):
        assert not fixes.nth(n).text_content().startswith("Apply fix")
        change = re.compile(r"^[^:]+: \w[\w ]* → \w[\w ]*")  # "Scrum Master: A → not involved"
        expect(fixes.nth(n)).to_have_accessible_description(change)


def test_skip_links_lead_to_the_grid_and_to_the_findings(page, site):
    sign_in(page, site["matrix"].user)
    page.goto(site["matrix"].path)

    page.get_by_role("link", name="Skip to the grid").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    # The grid is one tab stop: its first cell, not its headers' menus.
    expect(page.locator("#matrix .cell-button").first).to_be_focused()

    page.get_by_role("link", name="Skip to the findings").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('findings').contains(document.activeElement)")
