"""The PDF of a large team: runs of empty cells printed as one cell with every letter
still under its role, and a team too large to render in a request answered with a page
that offers the workbook, the print view and CSV instead."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from raci import exports
from raci.bench import team_letters
from raci.rules import Activity, Matrix, Role
from raci.vocabulary import Letter
from tests.builders import make_filled_team
from tests.test_exports import chart_of, render_pdf

A, R, C = Letter.ACCOUNTABLE, Letter.RESPONSIBLE, Letter.CONSULTED


def url(name, team, *args):
    return reverse(f"raci:{name}", args=[team.organization.slug, team.slug, *args])


def matrix_of(rows: list[list[str]]) -> Matrix:
    """A matrix from cell texts row by row, with roles named Role 0, Role 1..."""
    roles = tuple(Role(key=f"r{n}", name=f"Role {n}") for n in range(len(rows[0])))
    activities = tuple(
        Activity(key=str(n), name=f"Activity {n}", category="delivery") for n in range(len(rows))
    )
    cells = {
        (str(n), f"r{column}"): frozenset(Letter(letter) for letter in text)
        for n, texts in enumerate(rows)
        for column, text in enumerate(texts)
        if text
    }
    return Matrix(activities=activities, roles=roles, cells=cells)


def test_runs_of_empty_cells_print_as_one_cell_each():
    matrix = matrix_of([["R", "", "", "AR", "", "C"], ["", "", "", "", "", ""]])

    (page,) = exports.print_pages(matrix)
    first, empty = page.groups[0].rows

    assert [(cell.letters, cell.span) for cell in first.cells] == [
        ("R", 1),
        ("", 2),
        ("AR", 1),
        ("", 1),
        ("C", 1),
    ]
    assert first.cells[2].fill == "A"
    assert [(cell.letters, cell.span) for cell in empty.cells] == [("", 6)]


def test_the_size_limit_counts_the_cells_the_pdf_prints():
    """`pdf_boxes` counts exactly the table cells of the printed chart, so that the
    limit measures what WeasyPrint lays out."""
    matrix = matrix_of(team_letters(130, 23))
    keys = [role.key for role in matrix.roles]
    rows = [{key for key in keys if matrix.letters(a.key, key)} for a in matrix.activities]

    printed = sum(
        1 + len(row.cells)
        for page in exports.print_pages(matrix)
        for group in page.groups
        for row in group.rows
    )

    assert exports.pdf_boxes(rows, keys) == printed


def test_the_smaller_bench_teams_fit_and_the_thousand_by_twenty_does_not():
    for activities, roles in ((60, 8), (300, 12), (600, 12)):
        assert not exports.pdf_too_large(matrix_of(team_letters(activities, roles)))
    assert exports.pdf_too_large(matrix_of(team_letters(1000, 20)))
    assert exports.pdf_too_large(matrix_of([["I"] * 20] * 300))


def _x_positions(page) -> dict[str, float]:
    """Where each text run starts across the page, in the page's CSS pixels."""
    found: dict[str, float] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            found[text.strip()] = tm[4]

    page.extract_text(visitor_text=visit)
    return found


@pytest.mark.django_db
def test_every_letter_prints_under_its_role_when_empty_cells_are_merged():
    rows = [["", "", "", "A", "", ""], ["R", "", "", "", "", "C"], ["", "", "", "", "I", ""]]
    page = render_pdf(chart_of(matrix_of(rows))).pages[0]

    x = _x_positions(page)
    # R opens the first role column; C, after a run of four empty cells, is in the last
    # one, against the right margin (as wide as the left one, where the title starts).
    pitch = (x["C"] - x["R"]) / 5
    right_edge = float(page.mediabox.width) / 0.75 - x["Checkout"]
    assert 0 < right_edge - x["C"] < pitch
    assert round((x["A"] - x["R"]) / pitch) == 3
    assert round((x["I"] - x["R"]) / pitch) == 4


# --- The export in the app -----------------------------------------------------------------


@pytest.fixture
def large_team(organization):
    # Four roles: about 4.5 printed cells a row, so 1,500 rows are past the limit.
    return make_filled_team(organization, "Large", activities=1500)


def test_a_team_too_large_for_the_pdf_gets_a_page_offering_the_other_formats(
    viewer_client, large_team
):
    response = viewer_client.get(url("export", large_team, "pdf"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    page = response.content.decode()
    assert "too large for a PDF" in page and "1500 activities and 4 roles" in page
    for target in (url("export", large_team, "xlsx"), url("print", large_team)):
        assert f'href="{target}"' in page
    assert f'href="{url("export", large_team, "csv")}"' in page


def test_the_export_menu_says_up_front_that_a_large_team_has_no_pdf(viewer_client, large_team):
    page = viewer_client.get(url("matrix", large_team)).content.decode()

    assert "PDF: not for a matrix this large" in page
    assert 'data-format="pdf"' not in page
    assert 'data-format="xlsx"' in page and 'data-format="print"' in page


def test_the_print_view_of_a_large_team_offers_no_pdf(viewer_client, large_team):
    page = viewer_client.get(url("print", large_team)).content.decode()

    assert "Activity 1499" in page
    assert "export.pdf" not in page


def test_a_team_of_normal_size_still_downloads_its_pdf(viewer_client, organization):
    team = make_filled_team(organization, "Normal", activities=60)

    menu = viewer_client.get(url("matrix", team)).content.decode()
    response = viewer_client.get(url("export", team, "pdf"))

    assert 'data-format="pdf"' in menu and "not for a matrix this large" not in menu
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert all(re.search(rf"Activity {n}\b", text) for n in range(60))
    assert "Legend" in text


def test_the_limit_follows_the_setting_in_exports(viewer_client, organization, monkeypatch):
    """The view, the menu and the print view read the one limit."""
    team = make_filled_team(organization, "Small", activities=20)
    monkeypatch.setattr(exports, "PDF_MAX_BOXES", 50)

    assert "too large for a PDF" in viewer_client.get(url("export", team, "pdf")).content.decode()
    assert 'data-format="pdf"' not in viewer_client.get(url("matrix", team)).content.decode()
