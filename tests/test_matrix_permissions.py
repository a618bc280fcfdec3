"""Every matrix URL answers 404 to a user of another organization, 403 to a
viewer who tries to write, and sends an anonymous visitor to sign in."""

import pytest
from django.urls import reverse

from raci.models import Activity, Assignment
from raci.vocabulary import CanonicalRole
from tests.builders import canonical_role, make_activity, make_team

PM = CanonicalRole.PRODUCT_MANAGER


@pytest.fixture
def team(organization):
    team = make_team(organization, "Checkout")
    make_activity(team, "Order the backlog", letters={PM: "AR"})
    return team


def matrix_urls(team):
    """(method, url) for every view of the matrix editor."""
    activity = team.activities.get()
    role = canonical_role(team.organization, PM)
    base = [team.organization.slug, team.slug]
    return [
        ("get", reverse("raci:matrix", args=base)),
        ("get", reverse("raci:export", args=[*base, "csv"])),
        ("get", reverse("raci:export", args=[*base, "json"])),
        ("get", reverse("raci:activity_update", args=[*base, activity.pk])),
        ("get", reverse("raci:cell", args=[*base, activity.pk, role.pk])),
        ("post", reverse("raci:cell", args=[*base, activity.pk, role.pk])),
        ("post", reverse("raci:apply_fix", args=base)),
        ("post", reverse("raci:activity_add", args=base)),
        ("post", reverse("raci:activity_update", args=[*base, activity.pk])),
        ("post", reverse("raci:activity_move", args=[*base, activity.pk])),
        ("post", reverse("raci:activity_delete", args=[*base, activity.pk])),
        ("post", reverse("raci:column_add", args=base)),
        ("post", reverse("raci:column_remove", args=[*base, role.pk])),
    ]


def writes(team):
    return [(method, url) for method, url in matrix_urls(team) if method == "post"]


def snapshot():
    return (
        list(Activity.objects.values_list("name", "position")),
        list(Assignment.objects.values_list("letters", "version")),
    )


def test_outsider_gets_404_on_every_matrix_url_and_changes_nothing(outsider_client, team):
    before = snapshot()
    for method, url in matrix_urls(team):
        response = getattr(outsider_client, method)(url, {"letters": ["A"], "version": 1})
        assert response.status_code == 404, (method, url)
    assert snapshot() == before


def test_outsider_gets_404_even_with_htmx(outsider_client, team):
    for method, url in matrix_urls(team):
        response = getattr(outsider_client, method)(url, HTTP_HX_REQUEST="true")
        assert response.status_code == 404, (method, url)


def test_viewer_gets_403_on_every_write_and_changes_nothing(viewer_client, team):
    before = snapshot()
    for _method, url in writes(team):
        assert viewer_client.post(url, {"name": "x", "direction": "up"}).status_code == 403, url
    assert snapshot() == before


def test_anonymous_visitor_is_sent_to_sign_in(client, team):
    for method, url in matrix_urls(team):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response.url.startswith(reverse("login"))


def test_a_cell_id_from_another_organizations_team_is_404(editor_client, team, outsider):
    other_team = make_team(outsider.memberships.get().organization, "Theirs")
    theirs = make_activity(other_team, letters={PM: "A"})
    role = canonical_role(team.organization, PM)
    # Our team's URL, but the activity belongs to the other organization.
    url = reverse("raci:cell", args=[team.organization.slug, team.slug, theirs.pk, role.pk])

    response = editor_client.post(url, {"letters": ["R"], "version": 1})

    assert response.status_code == 404
    assert Assignment.objects.get(activity=theirs).letters == "A"


def test_writes_without_a_csrf_token_are_refused(team, editor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    for _method, url in writes(team):
        assert client.post(url, HTTP_HX_REQUEST="true").status_code == 403, url
