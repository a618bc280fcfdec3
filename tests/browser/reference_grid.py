"""The matrix page of a team started from the documented reference, spoken
to by row (as shown) and column kind, for the spreadsheet and keyboard tests."""

from raci import services
from raci.models import Assignment
from raci.vocabulary import CanonicalRole
from tests.builders import PASSWORD, canonical_role, make_organization, make_user

PM = CanonicalRole.PRODUCT_MANAGER
PO = CanonicalRole.PRODUCT_OWNER
SM = CanonicalRole.SCRUM_MASTER
DEV = CanonicalRole.DEVELOPERS
KINDS = [PM, PO, SM, DEV]

PASTE = """(text) => {
  const data = new DataTransfer();
  data.setData("text/plain", text);
  document.activeElement.dispatchEvent(
    new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true})
  );
}"""


def reference_team():
    """A Scrum team started from the documented reference, and its lead."""
    organization = make_organization("Acme Product")
    make_user("lead", organization=organization)
    return services.team_create(
        organization=organization,
        name="Checkout",
        uses_scrum=True,
        stage="established",
        start_from=services.StartFrom.REFERENCE,
    )


class Grid:
    """The matrix page, by row as shown and column kind."""

    def __init__(self, page, team):
        self.page = page
        self.team = team
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("lead")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"/o/{team.organization.slug}/t/{team.slug}/")
        self.rows = page.locator("#matrix tr.activity-row").evaluate_all(
            "rows => rows.map(row => Number(row.id.slice(4)))"
        )
        self.roles = {kind: canonical_role(team.organization, kind).pk for kind in KINDS}

    def cell(self, row, kind):
        return self.page.locator(f"#cell-{self.rows[row]}-{self.roles[kind]}")

    def button(self, row, kind):
        return self.cell(row, kind).locator(".cell-button")

    def shown(self, row, kind):
        text = self.cell(row, kind).locator(".letters").inner_text()
        return "" if text == "·" else text

    def stored(self, row, kind):
        found = Assignment.objects.filter(
            activity_id=self.rows[row], role_id=self.roles[kind]
        ).first()
        return found.letters if found else ""

    def write_cell(self, action):
        """Do `action` (which edits one cell) and wait for the answer."""
        with self.page.expect_response(
            lambda r: r.request.method == "POST" and "/cells/" in r.url
        ) as response:
            action()
        assert response.value.ok
        return response.value

    def write(self, action):
        """Do `action` (which sends a block) and wait for the answer."""
        with self.page.expect_response(
            lambda r: r.request.method == "POST" and r.url.endswith("/cells/")
        ) as response:
            action()
        assert response.value.ok
        return response.value
