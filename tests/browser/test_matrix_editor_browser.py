"""The matrix editor in a real browser: sign in, create a team from the
documented reference, edit cells by mouse and by keyboard, watch findings come
and go, apply a suggested fix, reload, be refused a stale edit, and type
faster than the server answers."""

import re

import pytest
from django.db.models import F
from playwright.sync_api import expect

from raci import catalogue
from raci.models import Activity, Assignment, Team
from tests.browser.reference_grid import DEV, PM, PO, SM
from tests.builders import PASSWORD, canonical_role, make_organization, make_user

pytestmark = pytest.mark.browser


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def is_cell_post(request):
    return request.method == "POST" and "/cells/" in request.url


def answers_cell_post(response):
    return is_cell_post(response.request)


class Matrix:
    """The editor page of one team, spoken to in cells rather than selectors."""

    def __init__(self, page, team):
        self.page = page
        self.team = team
        self.findings = page.locator("#findings")

    def cell(self, catalogue_key, kind):
        activity = self.team.activities.get(catalogue_key=catalogue_key)
        role = canonical_role(self.team.organization, kind)
        return self.page.locator(f"#cell-{activity.pk}-{role.pk}")

    def button(self, catalogue_key, kind):
        return self.cell(catalogue_key, kind).locator(".cell-button")

    def finding(self, rule):
        return self.findings.locator(f'li.finding[data-rule="{rule}"]')

    def expect_letters(self, catalogue_key, kind, letters):
        # An empty cell shows a dot that screen readers skip.
        expect(self.cell(catalogue_key, kind).locator(".letters")).to_have_text(letters or "·")

    def tick(self, catalogue_key, kind, letter):
        """Open the cell's picker with the mouse, if need be, and click a letter."""
        cell = self.cell(catalogue_key, kind)
        if not cell.locator(".picker-form").is_visible():
            cell.locator(".cell-button").click()
        with self.page.expect_response(answers_cell_post) as response:
            cell.locator(f'input[name="letters"][value="{letter}"]').click()
        assert response.value.ok
        # The row is swapped; the editor then reopens the picker for the next letter.
        expect(self.cell(catalogue_key, kind).locator(".picker-form")).to_be_visible()

    def press(self, catalogue_key, kind, key):
        """Press a key on the focused cell, which saves it, and wait for the swap."""
        button = self.button(catalogue_key, kind)
        expect(button).to_be_focused()
        with self.page.expect_response(answers_cell_post) as response:
            self.page.keyboard.press(key)
        assert response.value.ok
        # After the swap the editor puts the focus back on the re-rendered cell.
        expect(self.button(catalogue_key, kind)).to_be_focused()


def open_matrix(page, team) -> Matrix:
    sign_in(page, "lead")
    page.goto(f"/o/{team.organization.slug}/t/{team.slug}/")
    return Matrix(page, team)


def stored_letters(team, catalogue_key, kind):
    assignment = Assignment.objects.filter(
        activity__team=team,
        activity__catalogue_key=catalogue_key,
        role__canonical=kind.value,
    ).first()
    return assignment.letters if assignment else ""


def test_page_loads_htmx_and_the_editor_script_under_the_csp(page, team):
    sign_in(page, "lead")

    scripts = []
    page.on(
        "response",
        lambda response: (
            scripts.append(response) if response.request.resource_type == "script" else None
        ),
    )
    response = page.goto(f"/o/{team.organization.slug}/t/{team.slug}/")

    assert "script-src 'self'" in response.headers["content-security-policy"]
    # The sign-in page loaded the same scripts, so the browser may revalidate them (304).
    loaded = {re.sub(r"^.*/static/", "", script.url): script.status for script in scripts}
    assert set(loaded.values()) <= {200, 304}, loaded
    # htmx comes from django-htmx's own static files (its name carries the major version).
    assert any(re.fullmatch(r"django_htmx/htmx[-\w]*\.min\.js", name) for name in loaded), loaded
    assert "raci/app.js" in loaded, loaded
    assert page.evaluate("typeof window.htmx") == "object"
    # app.js marks the page as scripted; the one letter picker waits, hidden.
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))
    expect(page.locator("#cell-picker")).to_be_hidden()


def test_team_lead_builds_a_matrix_in_the_browser(page, live_server, artifacts):
    organization = make_organization("Acme Product")
    make_user("lead", organization=organization)

    # Sign in through the form: the only organization opens straight away.
    sign_in(page, "lead")
    expect(page.get_by_role("heading", name="Acme Product")).to_be_visible()

    # Create a team from the documented reference.
    page.get_by_role("link", name="New team").click()
    page.get_by_label("Name").fill("Checkout")
    expect(page.get_by_label("Uses scrum")).to_be_checked()
    page.get_by_label("Stage").select_option("established")
    page.get_by_label("The documented reference").check()
    page.get_by_role("button", name="Create team").click()

    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    team = Team.objects.get(organization=organization, name="Checkout")
    reference = catalogue.reference_rows(uses_scrum=True)
    expect(page.locator("#matrix tr.activity-row")).to_have_count(len(reference))
    expect(page.locator("#matrix th.role-head .role-name")).to_have_text(
        ["Product Manager", "Product Owner", "Scrum Master", "Developers"]
    )
    matrix = Matrix(page, team)
    matrix.expect_letters("backlog-ordering", PO, "AR")
    matrix.expect_letters("backlog-ordering", PM, "C")
    expect(matrix.finding("multiple-accountable")).to_have_count(0)
    expect(matrix.finding("owner-mismatch")).to_have_count(0)

    # Mouse: make the Product Manager accountable for backlog ordering too.
    # Two A's is an error, shown in the findings panel and on the row.
    matrix.tick("backlog-ordering", PM, "A")
    matrix.expect_letters("backlog-ordering", PM, "AC")
    expect(matrix.finding("multiple-accountable")).to_be_visible()
    expect(matrix.finding("multiple-accountable")).to_contain_text("Backlog ordering")
    # The finding names the activity, not a role: the row carries it, with a symbol.
    row = matrix.cell("backlog-ordering", PM).locator("xpath=..")
    expect(row).to_have_class(re.compile(r"\bhas-error\b"))
    expect(row.locator("th .marker-error")).to_contain_text("1")
    expect(page.locator("#findings [data-count=error]")).not_to_have_text("0")

    # Escape closes the picker and leaves the focus on the cell.
    page.keyboard.press("Escape")
    expect(page.locator("#cell-picker")).to_be_hidden()
    expect(matrix.button("backlog-ordering", PM)).to_be_focused()

    # Keyboard: move right to the Product Owner and type R, which replaces its
    # AR. The two A's are gone, but now the A sits with the wrong role.
    page.keyboard.press("ArrowRight")
    matrix.press("backlog-ordering", PO, "r")
    matrix.expect_letters("backlog-ordering", PO, "R")
    expect(matrix.finding("multiple-accountable")).to_have_count(0)
    expect(matrix.finding("owner-mismatch")).to_be_visible()
    expect(matrix.finding("owner-mismatch")).to_contain_text(
        "the sources make the Product Owner accountable"
    )

    # The fix's button says what it does, and beside it (its description for a
    # screen reader) the cells it changes; one click applies it.
    fix = matrix.finding("owner-mismatch").get_by_role(
        "button", name="Make Product Owner accountable"
    )
    changes = "Product Owner: R → AR; Product Manager: AC → C"
    expect(matrix.finding("owner-mismatch").locator(".fix-effect")).to_have_text(changes)
    expect(fix).to_have_accessible_description(changes)
    fix.click()
    expect(page.locator("#flash")).to_contain_text(
        "Applied the fix: Product Owner on “Backlog ordering” is now AR"
    )
    expect(matrix.finding("owner-mismatch")).to_have_count(0)
    matrix.expect_letters("backlog-ordering", PO, "AR")
    matrix.expect_letters("backlog-ordering", PM, "C")
    # The whole editor was re-rendered; the keyboard user is put back on the cell.
    expect(matrix.button("backlog-ordering", PM)).to_be_focused()

    # More keyboard: inform the Scrum Master, clear the Developers' cell, and
    # make the Developers responsible for the next backlog activity down.
    matrix.button("backlog-ordering", PO).focus()
    page.keyboard.press("ArrowRight")
    matrix.press("backlog-ordering", SM, "i")
    matrix.expect_letters("backlog-ordering", SM, "I")
    page.keyboard.press("ArrowRight")
    matrix.press("backlog-ordering", DEV, "Delete")
    matrix.expect_letters("backlog-ordering", DEV, "")
    page.keyboard.press("ArrowDown")
    matrix.press("backlog-refinement", DEV, "r")
    matrix.expect_letters("backlog-refinement", DEV, "R")
    # Backspace clears as Delete does; then I brings a letter back.
    page.keyboard.press("ArrowLeft")
    matrix.press("backlog-refinement", SM, "Backspace")
    matrix.press("backlog-refinement", SM, "i")
    matrix.expect_letters("backlog-refinement", SM, "I")

    # Everything was saved: the page shows it after a reload, and so does the database.
    expected = {
        ("backlog-ordering", PM): "C",
        ("backlog-ordering", PO): "AR",
        ("backlog-ordering", SM): "I",
        ("backlog-ordering", DEV): "",
        ("backlog-refinement", DEV): "R",
        ("backlog-refinement", SM): "I",
    }
    page.reload()
    for (key, kind), letters in expected.items():
        matrix.expect_letters(key, kind, letters)
        assert stored_letters(team, key, kind) == letters, (key, kind)
    expect(matrix.finding("owner-mismatch")).to_have_count(0)
    expect(matrix.finding("multiple-accountable")).to_have_count(0)

    page.screenshot(path=artifacts / "matrix.png", full_page=True)
    # And the edited rows with a picker open, for a reviewer to look at.
    matrix.button("backlog-refinement", SM).click()
    expect(matrix.cell("backlog-refinement", SM).locator(".picker-form")).to_be_visible()
    page.screenshot(path=artifacts / "matrix-picker.png")


def test_arrow_keys_follow_the_rows_as_shown(page, team):
    """The rows are grouped by category, so their order on screen is not the
    order of their positions: the arrows follow the screen."""
    matrix = open_matrix(page, team)
    shown = page.locator("#matrix tr.activity-row").evaluate_all(
        "rows => rows.map(row => row.dataset.key)"
    )
    # The first group holds more rows than the first positions: product-roadmap
    # is followed on screen by a row that comes later in position order.
    assert shown[:2] == ["product-vision", "product-roadmap"]

    matrix.button(shown[1], PM).focus()
    page.keyboard.press("ArrowDown")
    expect(matrix.button(shown[2], PM)).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(matrix.button(shown[2], PO)).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(matrix.button(shown[1], PO)).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(matrix.button(shown[1], PM)).to_be_focused()

    # Across the boundary between two categories.
    group_sizes = [
        page.locator(f"#{tbody} tr.activity-row").count()
        for tbody in page.locator("#matrix tbody.activity-group").evaluate_all(
            "groups => groups.map(g => g.id)"
        )
    ]
    last_of_first_group = shown[group_sizes[0] - 1]
    matrix.button(last_of_first_group, DEV).focus()
    page.keyboard.press("ArrowDown")
    expect(matrix.button(shown[group_sizes[0]], DEV)).to_be_focused()


def test_stale_edit_is_refused_and_shows_the_current_value(page, team):
    matrix = open_matrix(page, team)
    matrix.expect_letters("backlog-ordering", DEV, "C")

    # A colleague makes the Developers responsible while this page is open.
    activity = Activity.objects.get(team=team, catalogue_key="backlog-ordering")
    colleague = Assignment.objects.filter(activity=activity, role__canonical=DEV.value)
    assert colleague.update(letters="RC", version=F("version") + 1) == 1

    # Our edit, based on the page's stale "C", would drop their R: it is refused.
    matrix.tick("backlog-ordering", DEV, "I")
    cell = matrix.cell("backlog-ordering", DEV)
    matrix.expect_letters("backlog-ordering", DEV, "RC")
    expect(cell).to_have_class(re.compile(r"\bis-stale\b"))
    expect(cell.locator(".stale-note")).to_contain_text("your edit was not saved")
    expect(page.locator("#flash")).to_contain_text("Someone changed “Backlog ordering”")
    assert stored_letters(team, "backlog-ordering", DEV) == "RC"

    # The cell now carries the current version, so trying again works.
    matrix.tick("backlog-ordering", DEV, "I")
    matrix.expect_letters("backlog-ordering", DEV, "RCI")
    expect(cell).not_to_have_class(re.compile(r"\bis-stale\b"))
    assert stored_letters(team, "backlog-ordering", DEV) == "RCI"


def test_plain_form_post_works_without_javascript(browser, live_server, team):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        matrix = open_matrix(page, team)
        # The cell is a link to its own small form.
        matrix.cell("backlog-ordering", SM).locator(".cell-button").click()
        expect(
            page.get_by_role("heading", name="Scrum Master on “Backlog ordering”")
        ).to_be_visible()
        page.get_by_label("C · Consulted").check()
        page.get_by_role("button", name="Save").click()
        # POST, redirect, GET: the whole page comes back with the cell saved.
        expect(page).to_have_url(re.compile(r"#cell-\d+-\d+$"))
        matrix.expect_letters("backlog-ordering", SM, "C")
        assert stored_letters(team, "backlog-ordering", SM) == "C"
    finally:
        context.close()


def test_keys_pressed_while_the_row_is_saving_are_all_saved(page, team):
    """A quick typist runs ahead of the server: what they type while a cell of
    the row is saving is sent once the row is back, with its new version,
    instead of being lost or refused as stale."""
    matrix = open_matrix(page, team)

    # Hold the first save until everything is typed, however fast the server is.
    held = []

    def hold_the_first(route):
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route("**/cells/**", hold_the_first)
    matrix.button("backlog-ordering", SM).focus()
    with page.expect_request(is_cell_post):
        page.keyboard.press("a")
    page.keyboard.press("r")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("i")
    page.evaluate("0")  # A round trip, so that the held request has reached `held`.
    assert len(held) == 1
    with page.expect_response(answers_cell_post):
        held[0].continue_()

    # A then R typed in quick succession make AR; I replaces the Developers' C.
    matrix.expect_letters("backlog-ordering", SM, "AR")
    matrix.expect_letters("backlog-ordering", DEV, "I")
    expect(page.locator(".stale-note")).to_have_count(0)
    # The keyboard user is where they left off, on the Developers' cell.
    expect(matrix.button("backlog-ordering", DEV)).to_be_focused()
    assert stored_letters(team, "backlog-ordering", SM) == "AR"
    assert stored_letters(team, "backlog-ordering", DEV) == "I"


def test_picker_of_the_last_column_stays_inside_the_grid(page, team):
    matrix = open_matrix(page, team)
    cell = matrix.cell("backlog-ordering", DEV)
    cell.locator(".cell-button").click()
    picker = cell.locator(".picker-form")
    expect(picker).to_be_visible()
    grid = page.locator(".grid-scroll").bounding_box()
    box = picker.bounding_box()
    assert grid["x"] <= box["x"] and box["x"] + box["width"] <= grid["x"] + grid["width"]
    # Each letter's label stays on one line.
    heights = picker.locator("label").evaluate_all(
        "labels => labels.map(label => Math.round(label.getBoundingClientRect().height))"
    )
    assert len(set(heights)) == 1, heights


def test_printed_matrix_shows_the_chart_and_findings_without_the_controls(page, team):
    matrix = open_matrix(page, team)
    expect(page.get_by_role("button", name="Print")).to_be_visible()

    page.emulate_media(media="print")

    expect(page.locator("#matrix")).to_be_visible()
    expect(matrix.findings).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.locator(".grid-tools")).to_be_hidden()
    page.locator("#matrix tr.activity-row").first.hover()
    expect(page.locator(".row-menu").first).to_be_hidden()
    expect(page.locator("nav").first).to_be_hidden()


def test_keys_typed_faster_than_the_rows_come_back_are_not_lost(page, team):
    """Delete, move left, Delete... as fast as the keyboard repeats: each key
    lands on the cell it was meant for, whatever the server is doing."""
    pricing = Activity.objects.get(team=team, catalogue_key="pricing")
    for kind in (PO, SM, DEV):
        Assignment.objects.update_or_create(
            activity=pricing,
            role=canonical_role(team.organization, kind),
            defaults={"letters": "I"},
        )
    matrix = open_matrix(page, team)

    matrix.button("pricing", DEV).focus()
    for key in ["Delete", "ArrowLeft", "Delete", "ArrowLeft", "Delete"]:
        page.keyboard.press(key)

    for kind in (PO, SM, DEV):
        matrix.expect_letters("pricing", kind, "")
    expect(matrix.button("pricing", PO)).to_be_focused()
    page.wait_for_load_state("networkidle")
    assert [stored_letters(team, "pricing", kind) for kind in (PO, SM, DEV)] == ["", "", ""]


def test_a_refused_edit_stays_marked_while_the_user_edits_the_rest_of_the_row(page, team):
    matrix = open_matrix(page, team)
    activity = Activity.objects.get(team=team, catalogue_key="backlog-ordering")
    Assignment.objects.filter(activity=activity, role__canonical=DEV.value).update(
        letters="RC", version=F("version") + 1
    )

    matrix.tick("backlog-ordering", DEV, "I")  # refused: a colleague changed it
    page.keyboard.press("Escape")
    matrix.button("backlog-ordering", SM).focus()
    matrix.press("backlog-ordering", SM, "i")  # another cell of the same row saves

    refused = matrix.cell("backlog-ordering", DEV)
    expect(refused.locator(".stale-note")).to_contain_text("your edit was not saved")
    matrix.expect_letters("backlog-ordering", SM, "I")


def test_adding_an_activity_to_a_collapsed_category_opens_it(page, team):
    matrix = open_matrix(page, team)
    page.locator('.group-toggle[data-group="group-launch"]').click()
    expect(page.locator("#group-launch tr.activity-row").first).to_be_hidden()

    page.locator("#id_name").fill("Launch party")
    page.locator("#id_category").select_option("launch")
    page.get_by_role("button", name="Add activity").click()

    new_row = page.locator("#group-launch tr.activity-row", has_text="Launch party")
    expect(new_row).to_be_visible()
    expect(matrix.findings).to_be_visible()


def test_arrow_keys_cross_into_the_rows_a_large_matrix_loads_after_its_first_screen(page):
    from raci.grid import FIRST_SCREEN_ROWS, LAZY_AFTER_CELLS
    from tests.builders import make_filled_team

    organization = make_organization("Acme Product")
    make_user("lead", organization=organization)
    team = make_filled_team(organization, "Large", activities=LAZY_AFTER_CELLS // 4 + 100)
    shown = sorted(team.activities.all(), key=Activity.display_order)
    role = canonical_role(organization, DEV)
    sign_in(page, "lead")
    page.goto(f"/o/{organization.slug}/t/{team.slug}/")

    # The rest arrives by itself; then the last row of the first screen leads into it.
    expect(page.locator("#matrix tr.activity-row")).to_have_count(len(shown))
    last_of_first = page.locator(f"#btn-cell-{shown[FIRST_SCREEN_ROWS - 1].pk}-{role.pk}")
    last_of_first.focus()
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#btn-cell-{shown[FIRST_SCREEN_ROWS].pk}-{role.pk}")).to_be_focused()
    # Collapsing the category hides its rows in both parts.
    group = page.locator(f"#cell-{shown[FIRST_SCREEN_ROWS].pk}-{role.pk}").locator("xpath=../..")
    group_id = group.get_attribute("data-group")
    page.locator(f'.group-toggle[data-group="{group_id}"]').click()
    expect(page.locator(f'tbody[data-group="{group_id}"] tr.activity-row:visible')).to_have_count(0)
