"""Named personas: an owner, an editor and a viewer of one organization, and an
outsider who belongs to another one."""

import pytest

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
