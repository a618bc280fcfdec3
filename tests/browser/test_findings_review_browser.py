"""Reviewing findings in a real browser: accept a warning with a reason, watch
it reopen when a cell of its row changes, reopen one by hand, link a row
written in the team's own words to its catalogue entry, and choose between
two columns that both play the Product Owner."""

import pytest
from playwright.sync_api import expect

from raci.models import AcceptedFinding, Activity, Assignment, Role, TeamRole
from tests.browser.reference_grid import DEV, PM, PO, reference_team
from tests.browser.test_matrix_editor_browser import open_matrix
from tests.builders import canonical_role

pytestmark = pytest.mark.browser

REASON = "Maya orders the backlog until Tom takes over in Q3."


@pytest.fixture
def team(transactional_db):
    """A Scrum team from the documented reference where the PM orders the backlog."""
    team = reference_team()
    ordering = team.activities.get(catalogue_key="backlog-ordering")
    for kind, letters in ((PM, "AR"), (PO, "C")):
        Assignment.objects.filter(activity=ordering, role__canonical=kind.value).update(
            letters=letters
        )
    return team


def warnings_shown(page) -> int:
    return int(page.locator("#findings [data-count=warning]").inner_text())


def test_accept_a_warning_then_see_it_reopen_when_its_row_changes(page, team, artifacts):
    matrix = open_matrix(page, team)
    warning = page.locator('#findings li.finding-warning[data-rule="owner-mismatch"]')
    expect(warning).to_contain_text("Backlog ordering")
    before = warnings_shown(page)

    # Accept it, with the reason the team lives with it.
    warning.get_by_text("Accept…").click()
    warning.get_by_label("Why does the team live with it?").fill(REASON)
    warning.get_by_role("button", name="Accept with this reason").click()

    expect(page.locator("#flash")).to_contain_text("Accepted: the finding no longer counts")
    accepted = page.locator('#findings li.finding-accepted[data-rule="owner-mismatch"]')
    expect(accepted).to_contain_text(REASON)
    expect(accepted).to_contain_text("Accepted by lead")
    expect(warning).to_have_count(0)
    assert warnings_shown(page) == before - 1
    page.locator("#findings").screenshot(path=artifacts / "findings-accepted.png")

    # A colleague's concern changes: the Developers are now also informed on that row.
    matrix.tick("backlog-ordering", DEV, "I")
    matrix.expect_letters("backlog-ordering", DEV, "CI")

    expect(warning).to_be_visible()
    expect(warning.locator(".reopened")).to_contain_text("Reopened: accepted by lead")
    expect(warning.locator(".reopened")).to_contain_text(REASON)
    expect(accepted).to_have_count(0)
    expect(page.locator("#findings [data-count=warning]")).to_have_text(str(before))


def test_reopen_an_accepted_finding_by_hand(page, team):
    open_matrix(page, team)
    warning = page.locator('#findings li.finding-warning[data-rule="owner-mismatch"]')
    warning.get_by_text("Accept…").click()
    warning.get_by_label("Why does the team live with it?").fill(REASON)
    warning.get_by_role("button", name="Accept with this reason").click()
    accepted = page.locator('#findings li.finding-accepted[data-rule="owner-mismatch"]')

    accepted.get_by_role("button", name="Reopen").click()

    expect(page.locator("#flash")).to_contain_text("Reopened: the finding counts again.")
    expect(warning).to_be_visible()
    expect(accepted).to_have_count(0)
    assert not AcceptedFinding.objects.exists()


def test_link_a_row_in_the_teams_own_words_in_one_click(page, team):
    stories = Activity.objects.get(team=team, catalogue_key="user-stories")
    stories.name, stories.catalogue_key = "Draft stories", ""
    stories.save()
    Assignment.objects.filter(activity=stories, role__canonical=PM.value).update(letters="A")
    Assignment.objects.filter(activity=stories, role__canonical=PO.value).update(letters="R")
    open_matrix(page, team)
    mismatch = page.locator('#findings li.finding-warning[data-rule="owner-mismatch"]').filter(
        has_text="Draft stories"
    )
    expect(mismatch).to_contain_text("matched by name to “User stories”")

    mismatch.get_by_role("button", name="Link to catalogue entry").click()

    expect(page.locator("#flash")).to_contain_text(
        "Linked “Draft stories” to the catalogue entry “User stories”."
    )
    stories.refresh_from_db()
    assert stories.catalogue_key == "user-stories"
    expect(page.locator(f"#row-{stories.pk}")).to_have_attribute("data-key", "user-stories")


def test_choose_which_of_two_product_owner_columns_takes_the_a(page, team):
    analyst = Role.objects.create(
        organization=team.organization, name="Business Analyst", acts_as=PO.value
    )
    TeamRole.objects.create(team=team, role=analyst, position=9)
    criteria = Activity.objects.get(team=team, catalogue_key="acceptance-criteria")
    Assignment.objects.filter(activity=criteria, role__canonical=PO.value).update(letters="")
    Assignment.objects.create(activity=criteria, role=analyst, letters="R")
    open_matrix(page, team)
    error = page.locator('#findings li.finding-error[data-rule="no-accountable"]')
    expect(error).to_contain_text("2 columns play the Product Owner")

    analyst_fix = error.get_by_role("button", name="Make Business Analyst accountable")
    expect(analyst_fix).to_have_accessible_description("Business Analyst: R → AR")
    expect(
        error.get_by_role("button", name="Make Product Owner accountable")
    ).to_have_accessible_description("Product Owner: not involved → AR")
    analyst_fix.click()

    expect(page.locator("#flash")).to_contain_text(
        "Business Analyst on “Acceptance criteria” is now AR"
    )
    expect(error).to_have_count(0)
    assert Assignment.objects.get(activity=criteria, role=analyst).letters == "AR"
    po = canonical_role(team.organization, PO)
    assert Assignment.objects.get(activity=criteria, role=po).letters == ""
