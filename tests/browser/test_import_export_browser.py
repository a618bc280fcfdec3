"""Exports and imports in a real browser: every format downloads from the matrix
page, "Copy as Markdown" fills the clipboard, and a CSV, an XLSX and pasted tables go
through the preview, with its choosers, and the confirmation."""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from raci import services
from raci.models import Organization, Team
from raci.views.exports import TEAM_FORMATS
from tests.builders import make_organization, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def owner(db):
    organization = make_organization("Acme Product")
    user = make_user("olivia", organization=organization)
    services.team_create(
        organization=organization,
        name="Checkout",
        uses_scrum=True,
        stage="established",
        start_from=services.StartFrom.REFERENCE,
    )
    services.team_create(
        organization=organization,
        name="Growth",
        uses_scrum=True,
        stage="established",
        start_from=services.StartFrom.BLANK,
    )
    return user


def sign_in(page):
    from tests.builders import PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("olivia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_every_export_downloads_from_the_matrix_page(page, owner, tmp_path):
    sign_in(page)
    page.goto("/o/acme-product/t/checkout/")
    menu = page.locator("details.export-menu")
    for file_format, (suffix, _type) in TEAM_FORMATS.items():
        if not menu.get_attribute("open") is not None:
            menu.locator("summary").click()
        with page.expect_download() as download_info:
            menu.locator(f'a[data-format="{file_format}"]').click()
        download = download_info.value
        assert download.suggested_filename == f"checkout-{suffix}"
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        assert target.stat().st_size > 200, file_format
    book = load_workbook(tmp_path / "checkout-raci.xlsx")
    assert book["RACI matrix"]["A1"].value == "Checkout"
    assert (tmp_path / "checkout-raci.pdf").read_bytes().startswith(b"%PDF")


def test_print_view_opens_from_the_menu(page, owner):
    sign_in(page)
    page.goto("/o/acme-product/t/checkout/")
    page.locator("details.export-menu summary").click()
    page.locator('a[data-format="print"]').click()
    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    expect(page.locator("table.chart thead th").first).to_have_text("Activity")


def test_copy_as_markdown_fills_the_clipboard(page, owner):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page)
    page.goto("/o/acme-product/t/checkout/")
    page.locator("details.export-menu summary").click()
    button = page.locator("button.copy-markdown")
    button.click()
    expect(button).to_have_text("Copied")
    text = page.evaluate("navigator.clipboard.readText()")
    assert text.startswith("# Checkout") and "| Activity | Product Manager |" in text


def preview_and_confirm(page, path):
    page.get_by_label("File").set_input_files(str(path))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", name="What the import will do")).to_be_visible()
    page.locator("button.confirm-import").click()


def test_a_csv_imports_through_the_preview(page, owner, tmp_path):
    path = tmp_path / "wiki-export.csv"
    path.write_text(
        "RACI for the Growth team;;;\n;;;\n"
        "Task;Product Owner;Dev Team;PM\n"
        "Experiment backlog;A;R;C\nGrowth review;Accountable;(Consulted);R\n"
    )
    sign_in(page)
    page.goto("/o/acme-product/t/growth/")
    page.get_by_role("link", name="Import").click()
    page.get_by_label("File").set_input_files(str(path))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.locator(".guesses")).to_contain_text("Columns are separated by semicolons")
    expect(page.locator(".guesses")).to_contain_text("'PM' read as the Product Manager")
    expect(page.locator("[data-count=activities-created]")).to_contain_text("2 activities created")
    expect(page.locator(".findings-preview")).to_contain_text("Findings the result would have")
    # The user says PM is a role of its own, and sees the preview again.
    page.get_by_label("PM").select_option("custom")
    page.get_by_role("button", name="Update the preview").click()
    expect(page.locator(".header-mapping")).to_contain_text("PM")
    page.locator("button.confirm-import").click()

    expect(page.locator("#flash, .messages").first).to_contain_text("Imported wiki-export.csv")
    expect(page.locator("#matrix")).to_contain_text("Experiment backlog")
    team = Team.objects.get(slug="growth")
    assert list(team.activities.values_list("name", flat=True)) == [
        "Experiment backlog",
        "Growth review",
    ]
    assert team.team_roles.filter(role__name="PM", role__acts_as="").exists()


def test_an_exported_xlsx_imports_back_through_the_preview(page, owner, tmp_path):
    sign_in(page)
    page.goto("/o/acme-product/t/checkout/")
    page.locator("details.export-menu summary").click()
    with page.expect_download() as download_info:
        page.locator('a[data-format="xlsx"]').click()
    path = tmp_path / "checkout.xlsx"
    download_info.value.save_as(path)

    page.goto("/o/acme-product/t/growth/import/")
    preview_and_confirm(page, path)

    expect(page.locator("#matrix")).to_contain_text("Product vision")
    checkout = Team.objects.get(slug="checkout").to_matrix()
    growth = Team.objects.get(slug="growth").to_matrix()
    assert [a.name for a in growth.activities] == [a.name for a in checkout.activities]
    assert [r.name for r in growth.roles] == [r.name for r in checkout.roles]


def test_a_team_too_large_for_the_pdf_is_told_so_and_offered_the_workbook(
    page, owner, monkeypatch, artifacts
):
    from raci import exports

    # Checkout's reference matrix, counted against a limit below its size.
    monkeypatch.setattr(exports, "PDF_MAX_BOXES", 10)
    sign_in(page)
    page.goto("/o/acme-product/t/checkout/")
    page.locator("details.export-menu summary").click()
    menu = page.locator("details.export-menu")
    expect(menu.get_by_text("PDF: not for a matrix this large")).to_be_visible()
    expect(menu.locator('a[data-format="pdf"]')).to_have_count(0)
    page.screenshot(path=artifacts / "export-menu-pdf-too-large.png")

    page.goto("/o/acme-product/t/checkout/export.pdf")
    expect(page.get_by_role("heading", name="Checkout: too large for a PDF")).to_be_visible()
    page.screenshot(path=artifacts / "export-pdf-too-large.png", full_page=True)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel workbook (.xlsx)").click()
    assert download_info.value.suggested_filename == "checkout-raci.xlsx"


def test_a_new_team_takes_the_files_heading_and_back_says_it_was_imported(page, owner, tmp_path):
    path = tmp_path / "mobile.md"
    path.write_text(
        "# Mobile squad RACI\n\n| Task | PM | PO | Dev |\n|---|---|---|---|\n"
        "| Product roadmap | A/R | C | I |\n| Code review | | | A/R |\n"
    )
    sign_in(page)
    page.goto("/o/acme-product/teams/import/")
    preview_and_confirm(page, path)
    expect(page.locator("#matrix")).to_contain_text("Code review")
    team = Team.objects.get(name="Mobile squad RACI")

    page.go_back()

    expect(page).to_have_url(f"/o/acme-product/t/{team.slug}/")
    expect(page.locator("#flash, .messages").first).to_contain_text(
        "This file was already imported into “Mobile squad RACI”."
    )


def test_cells_pasted_from_a_spreadsheet_import_as_a_new_team(page, owner, artifacts):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page)
    page.goto("/o/acme-product/teams/import/")
    # What a spreadsheet puts on the clipboard: tab-separated, the corner cell empty.
    copied = "\tProduct Owner\tDevelopers\nBacklog ordering\tAR\tC\nBuild the increment\tC\tAR\n"
    page.evaluate("text => navigator.clipboard.writeText(text)", copied)
    page.get_by_label("Or paste a table").focus()
    page.keyboard.press("Control+V")
    page.get_by_label("Name").fill("Pasted squad")
    page.screenshot(path=artifacts / "import-paste.png", full_page=True)
    page.get_by_role("button", name="Preview the import").click()

    expect(page.get_by_role("heading", name="Preview: Pasted table")).to_be_visible()
    expect(page.locator("[data-count=activities-created]")).to_contain_text("2 activities created")
    page.locator("button.confirm-import").click()

    expect(page.locator("#flash, .messages").first).to_contain_text("Imported the pasted table")
    expect(page.locator("#matrix")).to_contain_text("Build the increment")
    team = Team.objects.get(name="Pasted squad")
    assert team.activities.count() == 2


def test_a_file_and_a_paste_at_once_are_refused_and_the_paste_kept(
    page, owner, tmp_path, expected_http_errors
):
    expected_http_errors.add(400)
    path = tmp_path / "m.csv"
    path.write_text("Task,PO\nVision,AR\n")
    sign_in(page)
    page.goto("/o/acme-product/t/growth/import/")
    page.get_by_label("File").set_input_files(str(path))
    page.get_by_label("Or paste a table").fill("Task,PO\nRoadmap,AR\n")
    page.get_by_role("button", name="Preview the import").click()

    expect(page.get_by_text("Both a file and a pasted table were given")).to_be_visible()
    expect(page.get_by_label("Or paste a table")).to_have_value("Task,PO\nRoadmap,AR\n")
    assert not Team.objects.get(slug="growth").activities.exists()


# A table naming the organization's own "Project Manager" (made by an earlier import).
PROJECT_MANAGER_TABLE = (
    "| Activity | Project Manager | Product Owner |\n|---|---|---|\n"
    "| Backlog ordering | R | A |\n| Pricing | AR | I |\n"
)


def preview_paste(page, address, text, name=""):
    page.goto(address)
    page.get_by_label("Or paste a table").fill(text)
    if name:
        page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", name="What the import will do")).to_be_visible()


def test_the_role_chosen_in_the_preview_wins_over_a_role_of_the_headers_name(
    page, owner, artifacts
):
    organization = Organization.objects.get(slug="acme-product")
    project_manager = organization.roles.create(name="Project Manager")
    sign_in(page)
    preview_paste(page, "/o/acme-product/teams/import/", PROJECT_MANAGER_TABLE, "Pricing squad")
    columns = page.locator("[data-count=columns]")
    expect(columns).to_contain_text("2 role columns added: Project Manager, Product Owner")

    page.get_by_label("Project Manager", exact=True).select_option("pm")
    page.get_by_role("button", name="Update the preview").click()

    expect(columns).to_contain_text("2 role columns added: Product Manager, Product Owner")
    expect(page.locator(".import-result thead")).to_contain_text("Product Manager")
    expect(page.get_by_label("Project Manager", exact=True)).to_have_value("pm")
    page.screenshot(path=artifacts / "import-preview-role-chosen.png", full_page=True)
    page.locator("button.confirm-import").click()

    expect(page.locator("#matrix")).to_contain_text("Pricing")
    team = Team.objects.get(name="Pricing squad")
    assert [c.role.name for c in team.team_roles.order_by("position")] == [
        "Product Manager",
        "Product Owner",
    ]
    assert not project_manager.team_roles.exists()


# Every choice of every chooser of the preview, measured in the chooser's own font
# against the room its box leaves for text: the ones that would be cut off.
CUT_CHOICES = """() => {
  const context = document.createElement("canvas").getContext("2d");
  const cut = [];
  for (const select of document.querySelectorAll("form.import-preview select")) {
    const style = getComputedStyle(select);
    context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room =
      select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    for (const option of select.options) {
      if (context.measureText(option.text).width > room) cut.push(`${select.name}: ${option.text}`);
    }
  }
  return cut;
}"""


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1280, 720)])
def test_the_previews_choosers_are_styled_alike_and_show_their_choices_in_full(
    open_page, owner, artifacts, width, height
):
    page = open_page(width, height)
    sign_in(page)
    preview_paste(page, "/o/acme-product/t/growth/import/", PROJECT_MANAGER_TABLE)

    page.screenshot(path=artifacts / f"import-preview-choosers-{width}.png", full_page=True)
    layout = page.get_by_label("Layout")
    expect(layout).to_have_value("rows")
    for chooser in (layout, page.get_by_label("Product Owner", exact=True)):
        expect(chooser).to_have_class(re.compile(r"\bform-select\b"))
    assert page.evaluate(CUT_CHOICES) == []
