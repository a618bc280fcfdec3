"""A matrix page seen before, with nothing changed since, is drawn from the
grid the process kept (raci/grid.py, RecentGrids); any change to the team
shows on the next view, whoever made it."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from raci.grid import RecentGrids, recent_grids
from raci.models import Team
from tests.builders import HTMX, PM, canonical_role, make_activity, make_filled_team, make_team


def matrix_url(team):
    return reverse("raci:matrix", args=[team.organization.slug, team.slug])


def queries_of(request):
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code == 200
    return response, len(captured)


def grid_markup(response) -> str:
    html = response.content.decode()
    return html[html.index('<table class="table table-sm raci-grid') : html.index("</table>")]


def test_a_page_seen_before_reads_no_cells_and_shows_the_same_grid(editor_client, organization):
    team = make_filled_team(organization, "Checkout", activities=40)
    first, first_queries = queries_of(lambda: editor_client.get(matrix_url(team)))
    again, again_queries = queries_of(lambda: editor_client.get(matrix_url(team)))

    # The team's activities, columns, cells, holders and acceptances are not read again.
    assert again_queries <= first_queries - 5
    assert grid_markup(again) == grid_markup(first)


def test_a_colleagues_cell_edit_shows_on_the_next_view(editor_client, owner_client, organization):
    team = make_team(organization, "Checkout", kinds=(PM,))
    activity = make_activity(team, "Write the roadmap")
    role = canonical_role(organization, PM)
    editor_client.get(matrix_url(team))

    owner_client.post(
        reverse("raci:cell", args=[organization.slug, team.slug, activity.pk, role.pk]),
        {"letters": ["A"], "version": 0},
        **HTMX,
    )

    page = editor_client.get(matrix_url(team)).content.decode()
    assert f'id="cell-{activity.pk}-{role.pk}" class="raci-cell" data-letters="A"' in page


def test_a_new_team_that_takes_a_deleted_teams_id_shows_its_own_matrix(editor_client, organization):
    old = make_team(organization, "Checkout", kinds=(PM,))
    make_activity(old, "Old activity", letters={PM: "A"})
    editor_client.get(matrix_url(old))
    old_id, revision = old.pk, old.revision
    Team.with_trashed.filter(pk=old_id).delete()

    # Same id, same revision, same address: only its creation tells it apart.
    new = make_team(organization, "Checkout", kinds=(PM,), pk=old_id, revision=revision)
    make_activity(new, "New activity", letters={PM: "R"})

    page = editor_client.get(matrix_url(new)).content.decode()
    assert "New activity" in page
    assert "Old activity" not in page


def test_kept_grids_stay_within_their_cells_dropping_the_least_recently_used():
    kept = RecentGrids(max_cells=100)
    grids = {name: object() for name in "abc"}
    kept.keep(("a",), grids["a"], cells=40)
    kept.keep(("b",), grids["b"], cells=40)
    kept.get(("a",))  # a is used again: b is now the least recent
    kept.keep(("c",), grids["c"], cells=40)

    assert kept.get(("a",)) is grids["a"]
    assert kept.get(("b",)) is None
    assert kept.get(("c",)) is grids["c"]
    # A grid larger than the whole budget is not kept at all.
    kept.keep(("huge",), object(), cells=101)
    assert kept.get(("huge",)) is None


def test_the_grid_kept_after_an_edit_serves_the_next_view(editor_client, organization):
    team = make_team(organization, "Checkout", kinds=(PM,))
    activity = make_activity(team, "Write the roadmap")
    role = canonical_role(organization, PM)
    recent_grids.clear()

    editor_client.post(
        reverse("raci:cell", args=[organization.slug, team.slug, activity.pk, role.pk]),
        {"letters": ["R"], "version": 0},
        **HTMX,
    )
    response, after_edit = queries_of(lambda: editor_client.get(matrix_url(team)))
    _, seen_before = queries_of(lambda: editor_client.get(matrix_url(team)))

    assert 'data-letters="R"' in response.content.decode()
    assert after_edit == seen_before
