"""Load a demo organization with three realistic teams; safe to run again.

- Checkout (Scrum): a Business Analyst acting as Product Owner beside the
  Product Owner, the Product Manager still ordering the backlog (accepted,
  with a reason), acceptance criteria nobody answers for, a row in the team's
  own words ("Draft stories") matched by name, and developers breaking down
  their own tasks (a documented alternative, not a warning).
- Growth (startup, no Scrum): the documented setup of a young team, clean.
- Payments (Scrum): the anti-patterns the sources name: a Product Owner
  committee, the inverted PM/PO split of 004, and a Scrum Master accountable
  for schedule and budget.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from raci.models import (
    Assignment,
    Membership,
    Organization,
    Person,
    Role,
    RoleHolder,
    TeamRole,
    find_finding,
)
from raci.services import StartFrom, team_create
from raci.vocabulary import DEV, PM, PO, SM, Stage

ANALYST = "Business Analyst"

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-raci-2026"
DEMO_ORG_SLUG = "acme"

# Who holds what in the Checkout team: a classic split, plus a Business
# Analyst acting as Product Owner, who writes stories and criteria (004).
CHECKOUT_PEOPLE = [
    ("Maya Patel", "maya@acme.example", "Senior Product Manager", [PM]),
    ("Tom Becker", "tom@acme.example", "Product Owner", [PO]),
    ("Sara Lindqvist", "sara@acme.example", "Agile Coach", [SM]),
    ("Ali Khan", "ali@acme.example", "Backend Engineer", [DEV]),
    ("Jun Park", "jun@acme.example", "Frontend Engineer", [DEV]),
    ("Elena Rossi", "elena@acme.example", "QA Engineer", [DEV]),
    ("Ruth Adeyemi", "ruth@acme.example", "Business Analyst", [ANALYST]),
]

# Edits a real team makes to the reference, each one a typical argument:
# the PM keeps ordering the backlog, acceptance criteria drift to the
# Business Analyst while nobody answers for them, the PM keeps the A on the
# stories, and the developers break down their own tasks.
CHECKOUT_EDITS = {
    ("backlog-ordering", PM): "A",
    ("backlog-ordering", PO): "R",
    ("acceptance-criteria", PO): "",
    ("acceptance-criteria", ANALYST): "R",
    ("user-stories", PM): "A",
    ("user-stories", PO): "C",
    ("user-stories", ANALYST): "R",
    ("daily-task-breakdown", PO): "C",
    ("daily-task-breakdown", DEV): "AR",
}
# The stories row, written the way the team says it: no catalogue key, so
# it is matched by name, and a lead can link it in one click.
CHECKOUT_OWN_WORDS = {"user-stories": "Draft stories"}
CHECKOUT_ACCEPTED = (
    "owner-mismatch",
    "backlog-ordering",
    "Maya orders the backlog until Tom has taken over the checkout roadmap (end of Q3).",
)

GROWTH_PEOPLE = [
    ("Noah Schmidt", "noah@acme.example", "Founder & Product Lead", [PM]),
    ("Priya Nair", "priya@acme.example", "Full-stack Engineer", [DEV]),
    ("Leo Dubois", "leo@acme.example", "Full-stack Engineer", [DEV]),
]

# Payments: the "product owner" is a committee of senior managers who call
# the shots on vision and priorities, the PM runs the backlog (004's misuse),
# and the Scrum Master is held to the schedule and the budget.
PAYMENTS_PEOPLE = [
    ("Victor Hale", "victor@acme.example", "VP Product", [PO]),
    ("Grace Kim", "grace@acme.example", "Director of Payments", [PO]),
    ("Omar Said", "omar@acme.example", "Head of Finance Products", [PO]),
    ("Lena Fischer", "lena@acme.example", "Product Manager", [PM]),
    ("Marco Bianchi", "marco@acme.example", "Scrum Master", [SM]),
    ("Ines Duarte", "ines@acme.example", "Backend Engineer", [DEV]),
    ("Kofi Mensah", "kofi@acme.example", "Mobile Engineer", [DEV]),
]
PAYMENTS_EDITS = {
    ("product-vision", PO): "AR",
    ("product-vision", PM): "C",
    ("feature-prioritization", PO): "AR",
    ("feature-prioritization", PM): "C",
    ("backlog-ordering", PM): "AR",
    ("backlog-ordering", PO): "C",
    ("user-stories", PM): "AR",
    ("user-stories", PO): "I",
    ("development-timeline", SM): "AR",
    ("development-timeline", PM): "C",
    ("budget-and-resources", SM): "AR",
    ("budget-and-resources", PM): "C",
}


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
            self._checkout_team(organization, user)
            self._growth_team(organization)
            self._payments_team(organization)
        Membership.objects.get_or_create(
            organization=organization, user=user, defaults={"level": Membership.Level.OWNER}
        )
        return organization, created

    def _checkout_team(self, organization, user):
        analyst = Role.objects.create(organization=organization, name=ANALYST, acts_as=PO.value)
        team = team_create(
            organization=organization,
            name="Checkout",
            uses_scrum=True,
            stage=Stage.ESTABLISHED.value,
            start_from=StartFrom.REFERENCE,
        )
        TeamRole.objects.create(team=team, role=analyst, position=team.team_roles.count())
        roles = self._roles(organization) | {ANALYST: analyst}
        self._people(organization, team, CHECKOUT_PEOPLE, roles)
        self._edit(team, CHECKOUT_EDITS, roles)
        for key, name in CHECKOUT_OWN_WORDS.items():
            team.activities.filter(catalogue_key=key).update(name=name, catalogue_key="")
        rule, key, reason = CHECKOUT_ACCEPTED
        activity = team.activities.get(catalogue_key=key)
        finding = find_finding(
            team.analyse(), rule=rule, activity=str(activity.pk), role=str(roles[PM].pk)
        )
        team.accept_finding(
            rule=rule,
            activity=str(activity.pk),
            role=str(roles[PM].pk),
            letters_digest=finding.letters_digest,
            reason=reason,
            user=user,
        )
        # The acceptance is part of the demo, not an edit of the user's for
        # their first Ctrl+Z to take back: the history starts after it.
        team.change_sets.all().delete()
        team.record_change()

    def _growth_team(self, organization):
        team = team_create(
            organization=organization,
            name="Growth",
            uses_scrum=False,
            stage=Stage.STARTUP.value,
            start_from=StartFrom.REFERENCE,
        )
        self._people(organization, team, GROWTH_PEOPLE, self._roles(organization))
        team.record_change()

    def _payments_team(self, organization):
        team = team_create(
            organization=organization,
            name="Payments",
            uses_scrum=True,
            stage=Stage.ESTABLISHED.value,
            start_from=StartFrom.REFERENCE,
        )
        roles = self._roles(organization)
        self._people(organization, team, PAYMENTS_PEOPLE, roles)
        self._edit(team, PAYMENTS_EDITS, roles)
        team.record_change()

    def _roles(self, organization):
        return {role.kind: role for role in organization.roles.exclude(canonical="")}

    def _edit(self, team, edits, roles):
        for (key, role_name), letters in edits.items():
            activity = team.activities.get(catalogue_key=key)
            Assignment.objects.update_or_create(
                activity=activity, role=roles[role_name], defaults={"letters": letters}
            )

    def _people(self, organization, team, people, roles):
        for name, email, title, held in people:
            person, _ = Person.objects.get_or_create(
                organization=organization, email=email, defaults={"name": name, "title": title}
            )
            for role_name in held:
                RoleHolder.objects.get_or_create(team=team, person=person, role=roles[role_name])
