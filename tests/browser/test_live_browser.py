"""Two users on one team in two browsers: an edit in one appears in the
other without a reload, the findings panel in step with the grid."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from raci import services
from raci.models import Membership
from tests.browser.reference_grid import PO, reference_team
from tests.builders import PASSWORD, canonical_role, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def team(transactional_db):
    """The reference team, with two editors to share it."""
    team = reference_team()
    for username in ("ana", "ben"):
        make_user(username, organization=team.organization, level=Membership.Level.EDITOR)
    return team


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_an_edit_in_one_browser_appears_in_the_other_with_its_findings(open_page, team):
    backlog = team.activities.get(catalogue_key="backlog-ordering")
    po = canonical_role(team.organization, PO)
    matrix_url = reverse("raci:matrix", args=[team.organization.slug, team.slug])
    ana, ben = open_page(), open_page()
    sign_in(ana, "ana")
    sign_in(ben, "ben")
    ben.goto(matrix_url)
    navigations = []
    ben.on("framenavigated", lambda frame: navigations.append(frame.url))
    cell = ben.locator(f"#cell-{backlog.pk}-{po.pk}")
    expect(cell.locator(".letters")).to_have_text("AR")
    missing_a = ben.locator("#findings .finding-link").filter(
        has_text=f"Nobody is accountable for “{backlog.name}”"
    )
    expect(missing_a).to_have_count(0)

    # Ana takes the A off the Product Owner, on her own page.
    ana.goto(reverse("raci:cell", args=[team.organization.slug, team.slug, backlog.pk, po.pk]))
    ana.locator('input[name="letters"][value="A"]').set_checked(False)
    ana.get_by_role("button", name="Save").click()
    expect(ana.locator("#matrix")).to_be_visible()

    # Ben's page catches up by itself: the cell and the findings together.
    expect(cell.locator(".letters")).to_have_text("R", timeout=8_000)
    expect(missing_a).to_have_count(1)
    assert navigations == []


def test_mid_edit_a_notice_names_the_colleague_and_marks_the_cell(open_page, team):
    backlog = team.activities.get(catalogue_key="backlog-ordering")
    goal = team.activities.order_by("position").exclude(pk=backlog.pk).first()
    po = canonical_role(team.organization, PO)
    matrix_url = reverse("raci:matrix", args=[team.organization.slug, team.slug])
    ana, ben = open_page(), open_page()
    sign_in(ana, "ana")
    sign_in(ben, "ben")
    ben.goto(matrix_url)
    # Ben opens a cell's picker: he is in the middle of an edit.
    ben.locator(f"#cell-{goal.pk}-{po.pk} .cell-button").click()
    expect(ben.locator("#cell-picker")).to_be_visible()

    ana.goto(reverse("raci:cell", args=[team.organization.slug, team.slug, backlog.pk, po.pk]))
    ana.locator('input[name="letters"][value="A"]').set_checked(False)
    ana.get_by_role("button", name="Save").click()

    expect(ben.locator(".live-notice")).to_contain_text(
        "ana changed 1 cell — refresh", timeout=8_000
    )
    expect(ben.locator(f"#cell-{backlog.pk}-{po.pk}")).to_have_class(
        re.compile("is-changed-remotely")
    )
    # His grid and findings still show the revision he is editing.
    expect(ben.locator(f"#cell-{backlog.pk}-{po.pk} .letters")).to_have_text("AR")
    expect(ben.locator("#cell-picker")).to_be_visible()


@pytest.fixture
def expected_http_errors():
    return {404}


def test_a_page_whose_team_was_trashed_says_so_and_stops_asking(open_page, team):
    matrix_url = reverse("raci:matrix", args=[team.organization.slug, team.slug])
    ben = open_page()
    sign_in(ben, "ben")
    ben.goto(matrix_url)
    polls = []
    ben.on("request", lambda request: "/live/" in request.url and polls.append(request.url))

    services.team_trash(team=team, by=None)

    expect(ben.get_by_text("This team is no longer here")).to_be_visible(timeout=8_000)
    # Not mistaken for a failed edit, and no more polls.
    expect(ben.locator("#flash .alert-danger")).to_have_count(0)
    asked = len(polls)
    ben.wait_for_timeout(4_000)
    assert len(polls) == asked
