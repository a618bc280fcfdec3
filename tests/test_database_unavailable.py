"""While the database is away (restarting, stopped, unreachable), every request
answers at once with a 503 and when to retry, never a 500 page; htmx requests
get a short note the editor shows. /healthz tells load balancers.

Here the database error is raised from inside the app; the real outage, with a
PostgreSQL cluster stopped and restarted under gunicorn, is in test_serving.py."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import IntegrityError, OperationalError
from django.test import Client
from django.urls import reverse

from raci.models import Team
from tests.builders import PASSWORD, make_team

GONE = OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


@pytest.fixture
def team(organization):
    return make_team(organization, "Checkout")


@pytest.fixture
def editor_browser(editor):
    # A client that shows what the user gets, instead of raising the error in the test.
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    return client


def matrix_url(team):
    return reverse("raci:matrix", args=[team.organization.slug, team.slug])


@pytest.fixture
def database_away(monkeypatch):
    def fail(*args, **kwargs):
        raise GONE

    # Reading the matrix, and adding an activity.
    monkeypatch.setattr(Team, "snapshot", fail)
    monkeypatch.setattr(Team, "next_position", fail)


def test_a_page_answers_503_with_when_to_retry(editor_browser, team, database_away):
    response = editor_browser.get(matrix_url(team))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    text = response.text
    assert "Back in a moment" in text
    assert "cannot reach its database" in text
    assert f'href="{matrix_url(team)}">Try again' in text
    # Nothing of the error itself reaches the user.
    assert "5432" not in text and "Traceback" not in text


def test_a_form_post_is_told_its_change_may_not_be_saved(editor_browser, team, database_away):
    url = reverse("raci:activity_add", args=[team.organization.slug, team.slug])

    response = editor_browser.post(url, {"name": "Plan the release"})

    assert response.status_code == 503
    assert "Your last change may not have been saved" in response.text


def test_an_htmx_edit_gets_a_short_note_for_the_editor(editor_browser, team, database_away):
    url = reverse("raci:activity_add", args=[team.organization.slug, team.slug])

    response = editor_browser.post(url, {"name": "Plan the release"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    assert response["Retry-After"] == "5"
    assert response.text.startswith("The app cannot reach its database for a moment")
    assert "<" not in response.text


def test_a_failure_after_the_view_is_a_503_too(client, owner, monkeypatch):
    """Signing in saves the session after the view has run: the database
    failing there is handled the same way."""

    def fail(*args, **kwargs):
        raise GONE

    monkeypatch.setattr(SessionStore, "save", fail)
    client = Client(raise_request_exception=False)

    response = client.post(reverse("login"), {"username": owner.username, "password": PASSWORD})

    assert response.status_code == 503
    assert response["Retry-After"] == "5"


def test_other_errors_stay_500_with_the_plain_page(editor_browser, team, monkeypatch):
    def bug(*args, **kwargs):
        raise IntegrityError("a bug, not an outage")

    monkeypatch.setattr(Team, "snapshot", bug)

    response = editor_browser.get(matrix_url(team))

    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "Retry-After" not in response


def test_healthz_answers_ok_without_a_session(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.text == "ok\n"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


def test_healthz_answers_a_probe_by_address_over_plain_http(db, settings):
    """A load balancer probes each server by its own address, without HTTPS."""
    settings.ALLOWED_HOSTS = ["raci.example.com"]
    settings.SECURE_SSL_REDIRECT = True

    response = Client().get("/healthz", HTTP_HOST="10.0.0.5:8000")

    assert response.status_code == 200
    # Every other page keeps its protections.
    other = Client(raise_request_exception=False).get("/", HTTP_HOST="10.0.0.5:8000")
    assert other.status_code == 400


def test_healthz_answers_503_when_the_database_does_not(client, db, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise GONE

    monkeypatch.setattr("raci.middleware.connection", Unreachable())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.text == "database unavailable\n"
    assert "5432" not in response.text
