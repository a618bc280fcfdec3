"""Small builders for database tests: each makes one thing with sane defaults."""

from itertools import count

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.text import slugify

from raci.models import (
    Activity,
    Assignment,
    Membership,
    Organization,
    Person,
    Role,
    RoleHolder,
    Team,
    TeamRole,
)
from raci.vocabulary import CanonicalRole

_numbers = count(1)

PASSWORD = "correct-horse-battery-staple"
PM, PO, SM, DEV = (
    CanonicalRole.PRODUCT_MANAGER,
    CanonicalRole.PRODUCT_OWNER,
    CanonicalRole.SCRUM_MASTER,
    CanonicalRole.DEVELOPERS,
)
# What htmx adds to each of its requests, for the test client.
HTMX = {"HTTP_HX_REQUEST": "true"}


def make_organization(name=None) -> Organization:
    name = name or f"Org {next(_numbers)}"
    return Organization.objects.create(name=name, slug=slugify(name))


def make_user(username=None, *, organization=None, level=Membership.Level.OWNER):
    username = username or f"user{next(_numbers)}"
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.com", password=PASSWORD
    )
    if organization is not None:
        Membership.objects.create(organization=organization, user=user, level=level)
    return user


def canonical_role(organization, kind: CanonicalRole) -> Role:
    return organization.roles.get(canonical=kind.value)


def make_team(organization, name=None, *, kinds=tuple(CanonicalRole), **fields) -> Team:
    """A team whose columns are the given canonical roles, with no activities."""
    name = name or f"Team {next(_numbers)}"
    team = Team.objects.create(organization=organization, name=name, slug=slugify(name), **fields)
    for position, kind in enumerate(kinds):
        TeamRole.objects.create(
            team=team, role=canonical_role(organization, kind), position=position
        )
    return team


def make_activity(team, name=None, *, letters=None, **fields) -> Activity:
    """An activity; `letters` maps a role (or canonical kind) to its cell text."""
    name = name or f"Activity {next(_numbers)}"
    position = fields.pop("position", team.activities.count())
    activity = Activity.objects.create(team=team, name=name, position=position, **fields)
    for role, text in (letters or {}).items():
        if isinstance(role, CanonicalRole):
            role = canonical_role(team.organization, role)
        Assignment.objects.create(activity=activity, role=role, letters=text)
    return activity


def make_person(organization, name=None, *, team=None, roles=(), **fields) -> Person:
    name = name or f"Person {next(_numbers)}"
    person = Person.objects.create(organization=organization, name=name, **fields)
    for role in roles:
        if isinstance(role, CanonicalRole):
            role = canonical_role(organization, role)
        RoleHolder.objects.create(team=team, person=person, role=role)
    return person


def sign_in(client, username, password=PASSWORD):
    """Sign in through the sign-in page, as a person would; the response."""
    return client.post(reverse("login"), {"username": username, "password": password})


def make_filled_team(organization, name=None, *, activities: int, kinds=tuple(CanonicalRole)):
    """A team of `activities` rows spread over the categories, each with one A
    and one R, written in bulk."""
    team = make_team(organization, name, kinds=kinds)
    roles = [canonical_role(organization, kind) for kind in kinds]
    categories = ["strategy", "backlog", "delivery", "launch", ""]
    rows = Activity.objects.bulk_create(
        Activity(
            team=team,
            name=f"Activity {number}",
            category=categories[number * len(categories) // activities],
            position=number,
        )
        for number in range(activities)
    )
    Assignment.objects.bulk_create(
        Assignment(activity=activity, role=role, letters=letters)
        for number, activity in enumerate(rows)
        for role, letters in zip(
            (roles[number % len(roles)], roles[(number + 1) % len(roles)]), ("A", "R"), strict=True
        )
    )
    return team
