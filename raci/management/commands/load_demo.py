"""Load a demo organization with two realistic teams; safe to run again."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from raci.models import Assignment, Membership, Organization, Person, Role, RoleHolder, TeamRole
from raci.services import StartFrom, team_create
from raci.vocabulary import CanonicalRole, Stage

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-raci-2026"
DEMO_ORG_SLUG = "acme"

# Who holds what in the Checkout team: a classic split, plus a Business
# Analyst who writes stories and acceptance criteria for the Product Owner.
CHECKOUT_PEOPLE = [
    ("Maya Patel", "maya@acme.example", "Senior Product Manager", [CanonicalRole.PRODUCT_MANAGER]),
    ("Tom Becker", "tom@acme.example", "Product Owner", [CanonicalRole.PRODUCT_OWNER]),
    ("Sara Lindqvist", "sara@acme.example", "Agile Coach", [CanonicalRole.SCRUM_MASTER]),
    ("Ali Khan", "ali@acme.example", "Backend Engineer", [CanonicalRole.DEVELOPERS]),
    ("Jun Park", "jun@acme.example", "Frontend Engineer", [CanonicalRole.DEVELOPERS]),
    ("Elena Rossi", "elena@acme.example", "QA Engineer", [CanonicalRole.DEVELOPERS]),
    ("Ruth Adeyemi", "ruth@acme.example", "Business Analyst", ["Business Analyst"]),
]

# Edits a real team makes to the reference, each one a typical argument:
# the PM keeps ordering the backlog, and acceptance criteria drift to the
# Business Analyst while nobody answers for them.
CHECKOUT_EDITS = {
    ("backlog-ordering", CanonicalRole.PRODUCT_MANAGER): "A",
    ("backlog-ordering", CanonicalRole.PRODUCT_OWNER): "R",
    ("acceptance-criteria", CanonicalRole.PRODUCT_OWNER): "",
    ("acceptance-criteria", "Business Analyst"): "R",
    ("user-stories", "Business Analyst"): "R",
}

GROWTH_PEOPLE = [
    (
        "Noah Schmidt",
        "noah@acme.example",
        "Founder & Product Lead",
        [CanonicalRole.PRODUCT_MANAGER],
    ),
    ("Priya Nair", "priya@acme.example", "Full-stack Engineer", [CanonicalRole.DEVELOPERS]),
    ("Leo Dubois", "leo@acme.example", "Full-stack Engineer", [CanonicalRole.DEVELOPERS]),
]


class Command(BaseCommand):
    help = "Create the demo organization, its teams and a demo login (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            user = self._demo_user()
            organization, created = self._organization(user)
        if created:
            self.stdout.write(self.style.SUCCESS(f"Loaded the demo organization “{organization}”."))
        else:
            self.stdout.write(
                f"The demo organization “{organization}” is already there; left as is."
            )
        self.stdout.write(
            f"Sign in at http://127.0.0.1:8000/ as “{DEMO_USERNAME}” "
            f"with password “{DEMO_PASSWORD}” (also a superuser for /admin/)."
        )

    def _demo_user(self):
        user, created = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={"email": "demo@acme.example", "is_staff": True, "is_superuser": True},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user

    def _organization(self, user):
        organization = Organization.objects.filter(slug=DEMO_ORG_SLUG).first()
        created = organization is None
        if created:
            organization = Organization.objects.create(name="Acme Product", slug=DEMO_ORG_SLUG)
            self._checkout_team(organization)
            self._growth_team(organization)
        Membership.objects.get_or_create(
            organization=organization, user=user, defaults={"level": Membership.Level.OWNER}
        )
        return organization, created

    def _checkout_team(self, organization):
        analyst = Role.objects.create(organization=organization, name="Business Analyst")
        team = team_create(
            organization=organization,
            name="Checkout",
            uses_scrum=True,
            stage=Stage.ESTABLISHED.value,
            start_from=StartFrom.REFERENCE,
        )
        TeamRole.objects.create(team=team, role=analyst, position=team.team_roles.count())
        roles = {role.kind: role for role in organization.roles.exclude(canonical="")}
        roles["Business Analyst"] = analyst
        self._people(organization, team, CHECKOUT_PEOPLE, roles)
        for (key, role_name), letters in CHECKOUT_EDITS.items():
            activity = team.activities.get(catalogue_key=key)
            Assignment.objects.update_or_create(
                activity=activity, role=roles[role_name], defaults={"letters": letters}
            )

    def _growth_team(self, organization):
        team = team_create(
            organization=organization,
            name="Growth",
            uses_scrum=False,
            stage=Stage.STARTUP.value,
            start_from=StartFrom.REFERENCE,
        )
        roles = {role.kind: role for role in organization.roles.exclude(canonical="")}
        self._people(organization, team, GROWTH_PEOPLE, roles)

    def _people(self, organization, team, people, roles):
        for name, email, title, held in people:
            person, _ = Person.objects.get_or_create(
                organization=organization, email=email, defaults={"name": name, "title": title}
            )
            for role_name in held:
                RoleHolder.objects.get_or_create(team=team, person=person, role=roles[role_name])
