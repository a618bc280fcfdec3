"""Sessions: pages of a signed-in user are never cached; a session unused for
a working day is signed out; any session ends two weeks after sign-in."""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse

from raci.middleware import LAST_USE
from tests.builders import make_team, sign_in


@pytest.fixture
def team(organization):
    return make_team(organization, "Checkout")


@pytest.fixture
def signed_in(client, owner):
    assert sign_in(client, owner.username).status_code == 302
    return client


def unused_for(client, seconds):
    """The session was last used `seconds` ago."""
    session = client.session
    session[LAST_USE] -= seconds
    session.save()


def test_pages_and_exports_of_a_signed_in_user_are_not_cached(owner_client, team):
    base = [team.organization.slug, team.slug]
    for url in (
        reverse("raci:matrix", args=base),
        reverse("raci:export", args=[*base, "csv"]),
        reverse("raci:members", args=[team.organization.slug]),
    ):
        response = owner_client.get(url)
        assert response.status_code == 200, url
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, url


def test_a_session_unused_for_a_working_day_is_signed_out(signed_in, team):
    assert settings.SESSION_IDLE_TIMEOUT == 8 * 3600
    unused_for(signed_in, settings.SESSION_IDLE_TIMEOUT + 1)

    response = signed_in.get(reverse("raci:matrix", args=[team.organization.slug, team.slug]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    page = signed_in.get(response.url)
    assert "You were signed out after 8 hours without activity" in page.text
    assert not page.wsgi_request.user.is_authenticated


def test_an_htmx_edit_after_the_idle_timeout_sends_the_page_to_sign_in(signed_in, team):
    unused_for(signed_in, settings.SESSION_IDLE_TIMEOUT + 1)
    url = reverse("raci:activity_add", args=[team.organization.slug, team.slug])

    response = signed_in.post(url, {"name": "Plan"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("login"))
    assert not team.activities.exists()


def test_a_session_used_within_the_day_goes_on(signed_in, team):
    unused_for(signed_in, settings.SESSION_IDLE_TIMEOUT - 60)

    response = signed_in.get(reverse("raci:matrix", args=[team.organization.slug, team.slug]))

    assert response.status_code == 200
    # Its use is noted: the day starts again.
    assert signed_in.session[LAST_USE] >= time.time() - 5


def test_a_busy_session_still_ends_two_weeks_after_sign_in(signed_in, team):
    (session,) = Session.objects.all()
    ends = session.expire_date
    assert settings.SESSION_COOKIE_AGE == 14 * 24 * 3600
    unused_for(signed_in, 120)  # so that the next request writes its use

    signed_in.get(reverse("raci:matrix", args=[team.organization.slug, team.slug]))

    (session,) = Session.objects.all()
    assert session.get_decoded()[LAST_USE] >= time.time() - 5
    assert session.expire_date == ends
