"""The pages around the matrix editor, on the demo organization, as the layout
and accessibility tests visit them."""

from dataclasses import dataclass
from io import StringIO

from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import expect

from raci import services
from raci.management.commands.load_demo import DEMO_ORG_SLUG, DEMO_PASSWORD, DEMO_USERNAME
from raci.models import Membership, Organization, Person, Role, Team
from raci.services import StartFrom
from raci.vocabulary import Stage
from tests.builders import PASSWORD, make_organization, make_user

OWNER = (DEMO_USERNAME, DEMO_PASSWORD)
VIEWER = ("vera", PASSWORD)


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    user: tuple[str, str] | None = OWNER
    status: int = 200


def build_site() -> dict[str, Page]:
    """The demo organization (two teams, seven people, a custom role), a second
    organization so that the list of organizations shows, a team with a long
    one-word name, a viewer, and each page of the site by name."""
    call_command("load_demo", stdout=StringIO())
    organization = Organization.objects.get(slug=DEMO_ORG_SLUG)
    owner = organization.memberships.get(user__username=DEMO_USERNAME).user
    Membership.objects.create(
        organization=make_organization("Umbrella Holdings"),
        user=owner,
        level=Membership.Level.EDITOR,
    )
    services.team_create(
        organization=organization,
        name="Internationalisation",
        uses_scrum=True,
        stage=Stage.ESTABLISHED,
        start_from=StartFrom.REFERENCE,
    )
    make_user(VIEWER[0], organization=organization, level=Membership.Level.VIEWER)
    invited = make_user("ines", organization=organization, level=Membership.Level.EDITOR)

    team = Team.objects.get(organization=organization, slug="checkout")
    person = Person.objects.get(organization=organization, name="Ruth Adeyemi")
    custom_role = Role.objects.get(organization=organization, name="Business Analyst")
    activity = team.activities.order_by("position").first()
    column = team.team_roles.order_by("position").first().role
    # Two recorded edits: a history to list, and a change to restore away.
    for letters in ("C", "I"):
        cell = activity.assignments.filter(role=column).first()
        team.edit_cell(
            activity_id=activity.pk,
            role_id=column.pk,
            letters=letters,
            version=cell.version if cell else 0,
            by=owner,
        )
    first_change = team.change_sets.order_by("revision").first()
    org = {"org_slug": organization.slug}
    in_team = {**org, "team_slug": team.slug}
    version = services.team_version_save(team=team, name="Agreed split, Q3", note="", by=owner)
    trashed = services.team_create(
        organization=organization,
        name="Old platform",
        uses_scrum=True,
        stage=Stage.ESTABLISHED,
        start_from=StartFrom.BLANK,
    )
    services.team_trash(team=trashed, by=owner)
    pages = [
        # Signed out
        Page("sign-in", reverse("login"), user=None),
        Page("sign-up", reverse("raci:signup"), user=None),
        Page("password-reset", reverse("password_reset"), user=None),
        Page("password-reset-sent", reverse("password_reset_done"), user=None),
        Page(
            "password-set",
            reverse(
                "password_reset_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(invited.pk)),
                    "token": default_token_generator.make_token(invited),
                },
            ),
            user=None,
        ),
        Page("password-reset-expired", "/accounts/reset/MQ/expired-token/", user=None),
        Page("password-reset-complete", reverse("password_reset_complete"), user=None),
        # Signed in as the demo organization's owner
        Page("organizations", reverse("raci:home")),
        Page("organization", reverse("raci:organization", kwargs=org)),
        Page("members", reverse("raci:members", kwargs=org)),
        Page("roles", reverse("raci:roles", kwargs=org)),
        Page("role-delete", reverse("raci:role_delete", kwargs={**org, "role_id": custom_role.pk})),
        Page("role-definitions", reverse("raci:role_definitions")),
        Page("team-create", reverse("raci:team_create", kwargs=org)),
        Page("team-settings", reverse("raci:team_settings", kwargs=in_team)),
        Page("team-delete", reverse("raci:team_delete", kwargs=in_team)),
        Page("matrix", reverse("raci:matrix", kwargs=in_team)),
        Page("people", reverse("raci:team_people", kwargs=in_team)),
        Page(
            "person-edit", reverse("raci:person_update", kwargs={**in_team, "person_id": person.pk})
        ),
        Page(
            "activity-edit",
            reverse("raci:activity_update", kwargs={**in_team, "activity_id": activity.pk}),
        ),
        Page(
            "activity-delete",
            reverse("raci:activity_delete", kwargs={**in_team, "activity_id": activity.pk}),
        ),
        Page(
            "column-remove",
            reverse("raci:column_remove", kwargs={**in_team, "role_id": custom_role.pk}),
        ),
        Page("accepted-findings", reverse("raci:accepted_findings", kwargs=in_team)),
        Page("history", reverse("raci:history", kwargs=in_team)),
        Page(
            "cell-history",
            reverse(
                "raci:cell_history",
                kwargs={**in_team, "activity_id": activity.pk, "role_id": column.pk},
            ),
        ),
        Page(
            "restore",
            reverse("raci:restore", kwargs={**in_team, "revision": first_change.revision}),
        ),
        Page("versions", reverse("raci:versions", kwargs=in_team)),
        Page(
            "version-compare",
            reverse("raci:version_compare", kwargs=in_team) + f"?before={version.pk}&after=now",
        ),
        Page("trash", reverse("raci:trash", kwargs=org)),
        Page(
            "trash-delete",
            reverse("raci:trash_delete", kwargs={**org, "team_id": trashed.pk}),
        ),
        Page("password-change", reverse("password_change")),
        Page("password-change-done", reverse("password_change_done")),
        # Error pages
        Page("not-found", reverse("raci:organization", kwargs={"org_slug": "nowhere"}), status=404),
        Page("forbidden", reverse("raci:team_settings", kwargs=in_team), user=VIEWER, status=403),
    ]
    return {page.name: page for page in pages}


def sign_in(page, user):
    username, password = user
    page.goto(reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def by_user(pages) -> dict[tuple[str, str] | None, list[Page]]:
    """The pages grouped by who is signed in to see them (None: nobody)."""
    groups = {}
    for site_page in pages:
        groups.setdefault(site_page.user, []).append(site_page)
    return groups
