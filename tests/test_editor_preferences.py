"""The matrix editor's layout, kept per user: row density and the findings panel."""

import pytest
from django.test import Client
from django.urls import reverse

from raci.models import EditorPreferences
from tests.builders import HTMX, make_activity, make_team


@pytest.fixture
def team(organization):
    team = make_team(organization, "Checkout")
    make_activity(team, "Order the backlog", category="backlog")
    return team


def matrix_url(team):
    return reverse("raci:matrix", args=[team.organization.slug, team.slug])


def workspace_classes(client, team) -> str:
    page = client.get(matrix_url(team)).content.decode()
    start = page.index('<div id="workspace" class="')
    return page[start:].split('"')[3]


def test_the_grid_is_compact_and_the_findings_open_by_default(editor_client, team):
    assert workspace_classes(editor_client, team) == "workspace density-compact"


def test_choosing_comfortable_rows_is_kept_for_the_user(editor_client, viewer, team):
    response = editor_client.post(reverse("raci:editor_preferences"), {"density": "comfortable"})

    assert response.status_code == 302
    assert "density-comfortable" in workspace_classes(editor_client, team)
    # Another user keeps their own.
    other = Client()
    other.force_login(viewer)
    assert "density-compact" in workspace_classes(other, team)


def test_collapsing_the_findings_keeps_the_density(editor_client, team):
    preferences = reverse("raci:editor_preferences")
    editor_client.post(preferences, {"density": "comfortable"}, **HTMX)

    response = editor_client.post(preferences, {"findings_collapsed": "1"}, **HTMX)

    assert response.status_code == 204
    assert workspace_classes(editor_client, team) == (
        "workspace density-comfortable findings-collapsed"
    )


def test_an_unknown_density_changes_nothing(editor_client, editor):
    response = editor_client.post(reverse("raci:editor_preferences"), {"density": "tiny"})

    assert response.status_code == 400
    assert not EditorPreferences.objects.filter(user=editor).exists()


def test_a_plain_post_goes_back_to_its_page_but_never_elsewhere(editor_client, team):
    preferences = reverse("raci:editor_preferences")

    back = editor_client.post(preferences, {"density": "compact", "next": matrix_url(team)})
    away = editor_client.post(preferences, {"density": "compact", "next": "https://evil.example/"})

    assert back["Location"] == matrix_url(team)
    assert away["Location"] == reverse("raci:home")


def collapse_url(team):
    return reverse("raci:category_collapse", args=[team.organization.slug, team.slug])


def test_collapsed_categories_are_kept_per_team(viewer_client, viewer, team, organization):
    other = make_team(organization, "Payments")

    response = viewer_client.post(
        collapse_url(team), {"category": "launch", "collapsed": "1"}, **HTMX
    )
    viewer_client.post(collapse_url(other), {"category": "other", "collapsed": "1"}, **HTMX)

    assert response.status_code == 204
    page = viewer_client.get(matrix_url(team)).content.decode()
    assert 'data-collapsed="group-launch"' in page
    viewer_client.post(collapse_url(team), {"category": "launch", "collapsed": "0"}, **HTMX)
    preferences = EditorPreferences.objects.get(user=viewer)
    assert preferences.collapsed_categories == {str(other.pk): ["other"]}


def test_an_unknown_category_changes_nothing(viewer_client, viewer, team):
    response = viewer_client.post(collapse_url(team), {"category": "nope", "collapsed": "1"})

    assert response.status_code == 400
    assert not EditorPreferences.objects.filter(user=viewer).exists()
