"""Who may open the set-up pages: an outsider gets 404 everywhere, a viewer
403 on every write, an anonymous visitor the sign-in page."""

import pytest
from django.urls import reverse

from raci.models import Membership, Role, RoleHolder, Team
from raci.vocabulary import CanonicalRole
from tests.builders import make_person, make_team


@pytest.fixture
def world(organization, owner, viewer):
    """One of everything in the personas' organization, for URLs to name."""
    team = make_team(organization, "Checkout")
    person = make_person(organization, "Pat", team=team, roles=[CanonicalRole.PRODUCT_MANAGER])
    role = Role.objects.create(organization=organization, name="Designer")
    return {
        "org": organization.slug,
        "team": team.slug,
        "person": person.pk,
        "role": role.pk,
        "membership": Membership.objects.get(user=viewer).pk,
    }


# (URL name, its arguments from `world`, whether a viewer may GET it)
ORGANIZATION_URLS = [
    ("raci:members", ["org"], True),
    ("raci:member_update", ["org", "membership"], None),
    ("raci:member_remove", ["org", "membership"], None),
    ("raci:roles", ["org"], True),
    ("raci:role_delete", ["org", "role"], False),
    ("raci:team_create", ["org"], False),
    ("raci:team_settings", ["org", "team"], False),
    ("raci:team_delete", ["org", "team"], False),
    ("raci:team_people", ["org", "team"], True),
    ("raci:person_update", ["org", "team", "person"], False),
    ("raci:person_remove", ["org", "team", "person"], None),
]


def _url(world, name, args):
    return reverse(name, args=[world[arg] for arg in args])


@pytest.mark.parametrize(("name", "args", "_viewer_get"), ORGANIZATION_URLS)
def test_outsider_gets_404_and_changes_nothing(outsider_client, world, name, args, _viewer_get):
    url = _url(world, name, args)
    assert outsider_client.get(url).status_code in (404, 405)
    assert outsider_client.post(url, {"name": "x", "level": "owner"}).status_code == 404
    assert Team.objects.filter(slug="checkout").exists()
    assert RoleHolder.objects.count() == 1
    assert Membership.objects.get(pk=world["membership"]).level == Membership.Level.VIEWER


@pytest.mark.parametrize(("name", "args", "_viewer_get"), ORGANIZATION_URLS)
def test_anonymous_is_sent_to_sign_in(client, world, name, args, _viewer_get):
    url = _url(world, name, args)
    response = client.post(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("name", "args", "viewer_get"), ORGANIZATION_URLS)
def test_viewer_reads_but_cannot_write(viewer_client, world, name, args, viewer_get):
    url = _url(world, name, args)
    if viewer_get is not None:
        assert viewer_client.get(url).status_code == (200 if viewer_get else 403)
    assert viewer_client.post(url, {"name": "x", "level": "owner"}).status_code == 403


def test_organization_page_is_read_only_and_hidden_from_outsiders(client, world, outsider):
    url = reverse("raci:organization", args=[world["org"]])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(Membership.objects.get(pk=world["membership"]).user)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405


def test_unknown_organization_is_404_even_for_a_member(owner_client, world):
    assert owner_client.get(reverse("raci:organization", args=["nope"])).status_code == 404
    url = reverse("raci:team_settings", args=[world["org"], "nope"])
    assert owner_client.get(url).status_code == 404


def test_ids_of_another_organization_are_404_in_our_urls(owner_client, world, outsider):
    """Naming another organization's person, role or member under our own slug."""
    other = outsider.memberships.get().organization
    team = make_team(other, "Secret")
    person = make_person(other, "Spy", team=team, roles=[CanonicalRole.DEVELOPERS])
    role = Role.objects.create(organization=other, name="Agent")
    membership = outsider.memberships.get()
    org, our_team = world["org"], world["team"]
    urls = [
        reverse("raci:person_update", args=[org, our_team, person.pk]),
        reverse("raci:person_remove", args=[org, our_team, person.pk]),
        reverse("raci:role_delete", args=[org, role.pk]),
        reverse("raci:member_update", args=[org, membership.pk]),
        reverse("raci:member_remove", args=[org, membership.pk]),
        reverse("raci:team_settings", args=[org, team.slug]),
    ]
    for url in urls:
        assert owner_client.post(url, {"name": "x", "level": "viewer"}).status_code == 404, url
    assert Role.objects.filter(pk=role.pk).exists()
    assert RoleHolder.objects.filter(person=person).exists()
    assert outsider.memberships.get().level == Membership.Level.OWNER
