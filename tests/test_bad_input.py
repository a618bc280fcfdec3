"""Whatever arrives in a form, the answer is a page or a message, never a
server error. Seeded random garbage posted to every form of the app."""

import random

import pytest
from django.urls import reverse

from raci.vocabulary import CanonicalRole
from tests.builders import canonical_role, make_activity, make_person, make_team

GARBAGE = ["", "x" * 5000, "-1", "9" * 30, "<script>alert(1)</script>", "A", "up", "0", "\x00"]
GARBAGE += ["🙂", "None", "[]", "po", "AR", "owner"]
FIELDS = [
    "name", "email", "level", "title", "roles", "letters", "version", "rule", "activity", "role",
    "direction", "category", "uses_scrum", "stage", "start_from", "source_team",
    "max_responsible", "max_consulted", "acts_as", "person", "description",
]  # fmt: skip


def form_urls(organization):
    team = make_team(organization, "Checkout")
    activity = make_activity(team, "Order", letters={CanonicalRole.PRODUCT_OWNER: "AR"})
    person = make_person(organization, "Ana", team=team, roles=[CanonicalRole.PRODUCT_OWNER])
    role = canonical_role(organization, CanonicalRole.PRODUCT_OWNER)
    org, slug = organization.slug, team.slug
    membership = organization.memberships.first()
    return [
        reverse("raci:members", args=[org]),
        reverse("raci:member_update", args=[org, membership.pk]),
        reverse("raci:roles", args=[org]),
        reverse("raci:team_create", args=[org]),
        reverse("raci:team_settings", args=[org, slug]),
        reverse("raci:team_people", args=[org, slug]),
        reverse("raci:person_update", args=[org, slug, person.pk]),
        reverse("raci:cell", args=[org, slug, activity.pk, role.pk]),
        reverse("raci:apply_fix", args=[org, slug]),
        reverse("raci:activity_add", args=[org, slug]),
        reverse("raci:activity_update", args=[org, slug, activity.pk]),
        reverse("raci:activity_move", args=[org, slug, activity.pk]),
        reverse("raci:column_add", args=[org, slug]),
    ]


@pytest.mark.parametrize("seed", range(8))
def test_garbage_posted_to_any_form_never_causes_a_server_error(owner_client, organization, seed):
    rnd = random.Random(seed)
    urls = form_urls(organization)
    for _ in range(40):
        url = rnd.choice(urls)
        data = {field: rnd.choice(GARBAGE) for field in rnd.sample(FIELDS, rnd.randint(0, 8))}
        htmx = {"HTTP_HX_REQUEST": "true"} if rnd.random() < 0.5 else {}

        response = owner_client.post(url, data, **htmx)

        assert response.status_code < 500, (url, data)
