"""Named personas: an owner, an editor and a viewer of one organization, and an
outsider who belongs to another one."""

import pytest
from django.db import connection

from raci.grid import GridMarkup
from raci.models import Membership
from tests.builders import make_organization, make_user


@pytest.fixture
def organization(db):
    return make_organization("Acme Product")


@pytest.fixture
def owner(organization):
    return make_user("olivia", organization=organization, level=Membership.Level.OWNER)


@pytest.fixture
def editor(organization):
    return make_user("edgar", organization=organization, level=Membership.Level.EDITOR)


@pytest.fixture
def viewer(organization):
    return make_user("vera", organization=organization, level=Membership.Level.VIEWER)


@pytest.fixture
def outsider(db):
    return make_user("oscar", organization=make_organization("Other Corp"))


def _client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(client, owner):
    return _client_for(client, owner)


@pytest.fixture
def editor_client(client, editor):
    return _client_for(client, editor)


@pytest.fixture
def viewer_client(client, viewer):
    return _client_for(client, viewer)


@pytest.fixture
def outsider_client(client, outsider):
    return _client_for(client, outsider)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs ~0.3 s a login; tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _refuse_queries(execute, sql, params, many, context):
    raise AssertionError(f"A query while writing the grid's markup: {sql}")


@pytest.fixture(autouse=True)
def grid_markup_runs_no_query(monkeypatch):
    """The grid's markup is written from values loaded beforehand: a query
    while writing it (a lazy attribute, repeated for every row or cell)
    fails the test that rendered it. (Django's FETCH_RAISE fetch mode guards
    model instances; the grid has none, and this guards any query.)"""
    for name in ("column_headers", "groups", "row"):
        written = getattr(GridMarkup, name)

        def guarded(self, *args, written=written, **kwargs):
            with connection.execute_wrapper(_refuse_queries):
                return written(self, *args, **kwargs)

        monkeypatch.setattr(GridMarkup, name, guarded)
