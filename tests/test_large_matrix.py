"""A very large team's page sends its first screen; the rest of the rows
follow in a second request that htmx makes at once, or by a link without
JavaScript."""

import re

import pytest
from django.urls import reverse

from raci.grid import FIRST_SCREEN_ROWS, LAZY_AFTER_CELLS
from raci.models import Activity
from raci.vocabulary import CanonicalRole
from tests.builders import make_filled_team

ROWS = LAZY_AFTER_CELLS // 4 + 100  # with the four canonical columns


@pytest.fixture
def large(organization):
    return make_filled_team(organization, "Large", activities=ROWS)


def url(name, team):
    return reverse(f"raci:{name}", args=[team.organization.slug, team.slug])


def row_ids(html: str) -> list[str]:
    return re.findall(r'<tr id="(row-\d+)"', html)


def shown_in_order(team) -> list[str]:
    return [f"row-{a.pk}" for a in sorted(team.activities.all(), key=Activity.display_order)]


def test_the_page_sends_the_first_screen_and_fetches_the_rest(editor_client, large):
    page = editor_client.get(url("matrix", large)).content.decode()

    first = row_ids(page)
    assert len(first) == FIRST_SCREEN_ROWS
    rest_url = re.search(r'class="grid-rest" hx-get="([^"]+)" hx-trigger="load"', page).group(1)
    rest = editor_client.get(url("matrix", large) + rest_url.replace("&amp;", "&"))

    assert rest.status_code == 200
    assert first + row_ids(rest.content.decode()) == shown_in_order(large)
    assert "grid-rest" not in rest.content.decode()


def test_a_category_split_by_the_first_screen_continues_in_the_rest(editor_client, large):
    page = editor_client.get(url("matrix", large)).content.decode()
    rest_url = re.search(r'hx-get="(rows/[^"]+)"', page).group(1).replace("&amp;", "&")
    rest = editor_client.get(url("matrix", large) + rest_url).content.decode()

    # Its rows carry the group they belong to, so that collapsing it hides them all.
    continued = re.match(r'<tbody class="activity-group" data-group="(group-\w+)">', rest)
    assert continued and f'id="{continued.group(1)}"' in page


def test_without_javascript_a_link_shows_every_row(editor_client, large):
    page = editor_client.get(url("matrix", large)).content.decode()
    assert f'<a href="?rows=all">Show the other {ROWS - len(row_ids(page))} activities</a>' in page

    everything = editor_client.get(url("matrix", large) + "?rows=all").content.decode()

    assert row_ids(everything) == shown_in_order(large)
    assert "grid-rest" not in everything


def test_a_team_of_ordinary_size_comes_in_one_page(editor_client, organization):
    team = make_filled_team(organization, "Ordinary", activities=300, kinds=list(CanonicalRole))

    page = editor_client.get(url("matrix", team)).content.decode()

    assert len(row_ids(page)) == 300
    assert "grid-rest" not in page


def test_the_rest_after_a_row_a_colleague_removed_reloads_the_page(editor_client, large):
    removed = large.activities.get(name="Activity 5")
    page_ended_with = removed.pk
    removed.delete()

    response = editor_client.get(
        url("matrix_rows", large) + f"?after={page_ended_with}", HTTP_HX_REQUEST="true"
    )

    assert response["HX-Refresh"] == "true"


def test_the_rest_of_a_row_that_is_not_a_number_is_404(editor_client, large):
    assert editor_client.get(url("matrix_rows", large) + "?after=x").status_code == 404


def test_the_rest_marks_only_a_row_or_column_id_as_new(editor_client, large):
    first = large.activities.get(name="Activity 0")
    rest = url("matrix_rows", large) + f"?after={first.pk}&added="

    marked = editor_client.get(rest + f"row-{first.pk + 1}").content.decode()
    assert f'<tr id="row-{first.pk + 1}" class="activity-row" data-added>' in marked
    # Nothing else of the request's choosing is written back into the page.
    assert "hello" not in editor_client.get(rest + "<b>hello").content.decode()
