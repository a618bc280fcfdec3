"""The dense grid: the demo's reference team on one laptop screen, one line
per activity, one row menu that follows the pointer and the focus, and the
layout choices (row density, the findings panel) kept for the user."""

import re
from io import BytesIO

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect
from pypdf import PdfReader

from raci.models import Activity, EditorPreferences, Team
from tests.browser.pages import OWNER, sign_in
from tests.builders import make_filled_team

pytestmark = pytest.mark.browser

SCREENSHOT_SIZES = [(390, 844), (1280, 720), (1440, 900)]


def open_checkout(open_page, site, width=1440, height=900):
    page = open_page(width, height)
    sign_in(page, OWNER)
    page.goto(site["matrix"].path)
    return page


def test_the_reference_team_fits_a_laptop_screen(open_page, site, artifacts):
    page = open_checkout(open_page, site)
    rows = page.locator("#matrix tr.activity-row")
    checkout = Team.objects.get(slug="checkout")
    expect(rows).to_have_count(checkout.activities.count())

    # Every row and every column in view: the page and the grid's own box
    # need no scrolling to show them, and each activity takes one line.
    scroller = page.locator(".grid-scroll")
    grid_box = scroller.bounding_box()
    grid_bottom = grid_box["y"] + grid_box["height"]
    last_row = rows.last.bounding_box()
    assert last_row["y"] + last_row["height"] <= grid_bottom <= 900
    assert scroller.evaluate("box => box.scrollTop === 0 && box.scrollWidth <= box.clientWidth")
    heights = rows.evaluate_all("rows => rows.map(row => row.getBoundingClientRect().height)")
    assert max(heights) < 20, heights


@pytest.mark.parametrize(("width", "height"), SCREENSHOT_SIZES)
def test_matrix_screenshots(open_page, site, artifacts, width, height):
    page = open_checkout(open_page, site, width, height)
    expect(page.locator("#matrix")).to_be_visible()
    # On a phone the activity column stays while the roles scroll beside it.
    page.screenshot(path=artifacts / f"matrix-{width}x{height}.png")
    sideways = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert page.evaluate(sideways) <= 0


def test_one_row_menu_follows_the_pointer_and_the_focus(open_page, site):
    page = open_checkout(open_page, site)
    checkout = Team.objects.get(slug="checkout")
    vision = checkout.activities.get(catalogue_key="product-vision")
    roadmap = checkout.activities.get(catalogue_key="product-roadmap")
    menu = page.locator("#row-menu")

    page.locator(f"#row-{roadmap.pk} .activity-name").hover()
    expect(page.locator(f"#row-{roadmap.pk} #row-menu")).to_be_visible()
    # The keyboard brings it too: the focused cell's row gets it.
    page.locator(f"#row-{vision.pk} .cell-button").first.focus()
    expect(page.locator(f"#row-{vision.pk} #row-menu")).to_be_visible()

    summary = menu.locator("summary")
    expect(summary).to_have_attribute("aria-label", "Actions and catalogue key of Product vision")
    summary.click()
    expect(menu.get_by_role("link", name="product-vision")).to_be_visible()
    # The first row of its category cannot move up.
    expect(menu.get_by_role("button", name="Move Product vision up")).to_be_disabled()
    menu.get_by_role("button", name="Move Product vision down").click()

    # The move is saved; the menu stays open on the same button for the next one.
    expect(page.locator("#matrix tr.activity-row").nth(1)).to_have_id(f"row-{vision.pk}")
    expect(menu.get_by_role("button", name="Move Product vision down")).to_be_focused()
    positions = Activity.objects.filter(pk__in=[vision.pk, roadmap.pk]).order_by("position")
    assert list(positions.values_list("pk", flat=True)) == [roadmap.pk, vision.pk]


def test_row_density_and_the_collapsed_findings_are_kept(open_page, site):
    page = open_checkout(open_page, site)
    first_row = page.locator("#matrix tr.activity-row").first
    compact = first_row.bounding_box()["height"]

    page.get_by_text("View", exact=True).click()
    with page.expect_response(lambda r: "/preferences/" in r.url):
        page.get_by_role("button", name="Comfortable rows").click()
    assert first_row.bounding_box()["height"] > compact + 8
    findings = page.locator("#findings")
    with page.expect_response(lambda r: "/preferences/" in r.url):
        findings.get_by_role("button", name="Hide").click()
    expect(findings.locator(".findings-body")).to_be_hidden()
    expect(findings.locator("[data-count=error]")).to_be_visible()

    # Kept on the server, for this user: a new page shows the same.
    page.reload()
    expect(page.locator("#workspace")).to_have_class(re.compile(r"\bdensity-comfortable\b"))
    expect(findings.locator(".findings-body")).to_be_hidden()
    expect(findings.get_by_role("button", name="Show")).to_have_attribute("aria-expanded", "false")
    preferences = EditorPreferences.objects.get(user__username=OWNER[0])
    assert preferences.density == "comfortable" and preferences.findings_collapsed


# How many lines the text inside an element takes: the boxes of its words,
# grouped by their middles (a symbol drawn in another font sits a pixel off).
TEXT_LINES = """element => {
  const middles = [];
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width > 0 && r.height > 0) middles.push(r.top + r.height / 2);
    }
  }
  middles.sort((a, b) => a - b);
  return middles.filter((middle, i) => i === 0 || middle - middles[i - 1] > 4).length;
}"""


@pytest.mark.parametrize("width", [1280, 1440])
def test_the_collapsed_findings_bar_shows_a_count_a_line(open_page, site, width):
    EditorPreferences.objects.update_or_create(
        user=User.objects.get(username=OWNER[0]), defaults={"findings_collapsed": True}
    )
    page = open_checkout(open_page, site, width, 900)
    counts = page.locator("#findings .finding-counts")
    expect(counts).to_be_visible()

    # "✖ 0 errors" on one line, "▲ 4 warnings" on the next: not a word a line.
    shown = counts.locator("[data-count]").count()
    assert counts.evaluate(TEXT_LINES) == shown


@pytest.mark.parametrize("width", [1280, 1440])
def test_no_button_of_the_row_menu_breaks_its_words(open_page, site, width):
    page = open_checkout(open_page, site, width, 900)
    page.locator("#matrix .cell-button").first.focus()
    menu = page.locator("#row-menu")
    menu.locator("summary").click()
    move = menu.get_by_role("button", name="Move", exact=True)
    expect(move).to_be_visible()

    lines = menu.locator(".btn").evaluate_all(
        f"(buttons) => buttons.filter((b) => b.checkVisibility()).map({TEXT_LINES})"
    )
    assert lines and set(lines) == {1}, lines
    assert move.evaluate(TEXT_LINES) == 1


def test_the_findings_are_a_drawer_on_a_phone(open_page, site):
    """The grid first: the findings are a bar of counts at the foot of the
    screen that opens on demand, and closes again, for this page only; the
    choice kept for wider screens is neither used nor changed."""
    page = open_checkout(open_page, site, 390, 844)
    preferences = []
    page.on("request", lambda r: preferences.append(r) if "/preferences/" in r.url else None)
    findings = page.locator("#findings")

    # A bar at the foot of the screen with the counts, over the grid.
    expect(findings.locator(".findings-body")).to_be_hidden()
    box = findings.bounding_box()
    assert box["y"] + box["height"] == pytest.approx(844, abs=1)
    assert box["height"] < 80
    expect(findings.locator("[data-count=error]")).to_be_in_viewport()
    expect(page.locator("#matrix .cell-button").first).to_be_in_viewport()

    show = findings.get_by_role("button", name="Show")
    expect(show).to_have_attribute("aria-expanded", "false")
    show.click()
    expect(findings.locator(".findings-body")).to_be_visible()
    assert findings.bounding_box()["height"] <= 844 * 0.7 + 1
    findings.get_by_role("button", name="Hide").click()
    expect(findings.locator(".findings-body")).to_be_hidden()

    assert preferences == []
    assert not EditorPreferences.objects.filter(user__username=OWNER[0]).exists()


def test_an_edit_on_a_phone_keeps_the_findings_as_the_user_left_them(open_page, site):
    page = open_checkout(open_page, site, 390, 844)
    findings = page.locator("#findings")
    findings.get_by_role("button", name="Show").click()
    expect(findings.locator(".findings-body")).to_be_visible()

    # The editor is re-rendered with the kept (open) choice: still open, and
    # closed again, it stays closed.
    findings.get_by_role("button", name="Hide").click()
    page.locator("#id_name").fill("Launch party")
    with page.expect_response(lambda r: r.url.endswith("/activities/")) as added:
        page.get_by_role("button", name="Add activity").click()
    assert added.value.ok
    expect(page.locator("#matrix tr.activity-row", has_text="Launch party")).to_be_attached()
    expect(findings.locator(".findings-body")).to_be_hidden()
    expect(findings.get_by_role("button", name="Show")).to_have_attribute("aria-expanded", "false")


def test_a_phone_leaves_the_open_findings_of_wider_screens_as_they_are(open_page, site):
    page = open_checkout(open_page, site, 390, 844)
    findings = page.locator("#findings")
    expect(findings.locator(".findings-body")).to_be_hidden()

    page.set_viewport_size({"width": 1280, "height": 800})
    expect(findings.locator(".findings-body")).to_be_visible()
    expect(findings.get_by_role("button", name="Hide")).to_have_attribute("aria-expanded", "true")


def test_the_printed_matrix_has_a_legend_and_headers_on_every_page(open_page, site):
    checkout = Team.objects.get(slug="checkout")
    big = make_filled_team(checkout.organization, "Large", activities=150)
    page = open_page()
    sign_in(page, OWNER)
    page.goto(f"/o/{big.organization.slug}/t/{big.slug}/")

    page.emulate_media(media="print")
    legend = page.locator(".print-legend")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("A · Accountable")
    expect(page.locator("#matrix .group-header").first).to_be_visible()

    pages = PdfReader(BytesIO(page.pdf(format="A4"))).pages
    grid_pages = [p.extract_text() for p in pages if "Activity 1" in p.extract_text()]
    assert len(grid_pages) >= 3
    for text in grid_pages:
        assert "Product Manager" in text and "Developers" in text, text[:200]


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1440, 900)])
def test_no_activity_name_runs_into_the_letters(open_page, site, width, height):
    # A long name on a row with a finding: the name and its marker both
    # have to fit the activity column.
    Activity.objects.filter(team__slug="checkout", catalogue_key="acceptance-criteria").update(
        name="Acceptance criteria agreed with the stakeholders and the whole team"
    )
    page = open_checkout(open_page, site, width, height)

    overflowing = page.locator("#matrix tr.activity-row > th").evaluate_all(
        """cells => cells.flatMap(cell => {
            const edge = cell.getBoundingClientRect().right;
            return [...cell.querySelectorAll('.activity-name, .badge')]
                .filter(part => part.getBoundingClientRect().right > edge + 0.5)
                .map(part => part.textContent);
        })"""
    )
    assert overflowing == []
