"""Errors speak to the user, not in tracebacks."""

import pytest
from django.urls import reverse

from tests.builders import make_team


@pytest.fixture(autouse=True)
def production_errors(settings):
    settings.DEBUG = False


def test_another_organizations_team_answers_a_plain_not_found_page(outsider_client, organization):
    team = make_team(organization, "Checkout")

    response = outsider_client.get(reverse("raci:matrix", args=[organization.slug, team.slug]))

    assert response.status_code == 404
    assert "Not found" in response.content.decode()
    assert "Checkout" not in response.content.decode()


def test_a_viewer_trying_to_edit_is_told_why(viewer_client, organization):
    team = make_team(organization, "Checkout")

    response = viewer_client.post(reverse("raci:activity_add", args=[organization.slug, team.slug]))

    assert response.status_code == 403
    assert "does not let you do that" in response.content.decode()
