"""On a 1280 x 720 laptop, a team of five or six role columns shows every
column whole beside the findings: the grid needs no sideways scrolling, so
a finding's fix never points at a column out of sight."""

import pytest
from playwright.sync_api import expect

from raci.models import Role, Team, TeamRole
from tests.browser.pages import OWNER, sign_in

pytestmark = pytest.mark.browser

# The right edge of the last column's header, against the grid box's visible
# area, and how far the grid's content reaches past that area.
LAST_COLUMN = """(scroller) => {
  const heads = scroller.querySelectorAll("thead th.role-head");
  const last = heads[heads.length - 1].getBoundingClientRect();
  const box = scroller.getBoundingClientRect();
  return {
    lastRight: last.right,
    visibleRight: box.left + scroller.clientLeft + scroller.clientWidth,
    overflow: scroller.scrollWidth - scroller.clientWidth,
  };
}"""


def add_column(team, name):
    role = Role.objects.create(organization=team.organization, name=name)
    TeamRole.objects.create(team=team, role=role, position=team.team_roles.count())


@pytest.mark.parametrize("columns", [5, 6])
def test_every_column_of_a_team_is_in_view_on_a_laptop(open_page, site, artifacts, columns):
    checkout = Team.objects.get(slug="checkout")
    if columns == 6:
        add_column(checkout, "Engineering Manager")
    assert checkout.team_roles.count() == columns
    page = open_page(1280, 720)
    sign_in(page, OWNER)
    page.goto(site["matrix"].path)
    expect(page.locator("#findings .findings-body")).to_be_visible()
    page.screenshot(path=artifacts / f"matrix-{columns}-columns-1280x720.png")

    heads = page.locator("#matrix thead th.role-head")
    expect(heads).to_have_count(columns)
    measured = page.locator(".grid-scroll").evaluate(LAST_COLUMN)
    assert measured["lastRight"] <= measured["visibleRight"] + 0.5, measured
    assert measured["overflow"] <= 0, measured
    # The findings stay beside the grid, in the same screen.
    grid = page.locator(".grid-scroll").bounding_box()
    findings = page.locator("#findings").bounding_box()
    assert findings["x"] >= grid["x"] + grid["width"]
    assert findings["y"] < 720
