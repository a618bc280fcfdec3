"""The domain: organizations, their teams, people, roles, activities and cells.

Integrity lives here as named database constraints. The RACI rules themselves
(exactly one A, at least one R...) are not constraints: people pass through
invalid matrices while editing, so the engine reports them as findings.
"""

from dataclasses import dataclass, replace
from datetime import UTC, timedelta
from functools import cached_property, lru_cache
from itertools import combinations
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from raci import compare, matrix_io, rules
from raci.team_urls import TeamURLs, team_urls
from raci.vocabulary import (
    CANONICAL_ROLE_NAMES,
    LETTER_ORDER,
    CanonicalRole,
    Category,
    Letter,
    Severity,
    Stage,
    letters_in_words,
    letters_to_text,
)

CANONICAL_ROLE_CHOICES = [(kind.value, kind.label) for kind in CanonicalRole]
CATEGORY_CHOICES = [(category.value, category.label) for category in Category]
CATEGORY_ORDER = {category.value: index for index, category in enumerate(Category)}
STAGE_CHOICES = [(stage.value, stage.label) for stage in Stage]

# Every canonical spelling of a cell, "" included: the database accepts only these.
CELL_SPELLINGS = sorted(
    {
        letters_to_text(combo)
        for size in range(len(LETTER_ORDER) + 1)
        for combo in combinations(LETTER_ORDER, size)
    }
)


def display_order(category: str, position: int, pk: int) -> tuple[int, int, int]:
    """Activities are shown grouped by category, in the catalogue's order."""
    return (CATEGORY_ORDER.get(category, len(CATEGORY_ORDER)), position, pk)


def parse_cell_text(text: str) -> frozenset[Letter]:
    """Letters of a stored cell ("AR" -> {A, R})."""
    return frozenset(Letter(char) for char in text)


def delete_locked(instance, *also) -> None:
    """Delete `instance` and what cascades from it, its row (and `also`'s) locked first.

    Unlocked, a row referring to it that is written at the same moment (a cell
    saved while its activity is deleted) can land between the cascade and the
    delete, which the foreign key then refuses with an error. Locked, that
    write either lands first and goes with it, or waits and is refused by its
    own foreign key once the row is gone. Rows are locked in primary-key order.
    """
    with transaction.atomic():
        for queryset in (type(instance)._base_manager.filter(pk=instance.pk), *also):
            list(queryset.select_for_update().order_by("pk").values_list("pk", flat=True))
        instance.delete()


def claim_version(instance, field: str, based_on: int) -> bool:
    """Move `instance`'s version `field` on, in the database, if it is still
    `based_on`; False, changing nothing, when a colleague saved it meanwhile.

    Run it inside the save's transaction, before the save: the UPDATE holds
    the row's lock until the transaction ends, so two saves based on the same
    version cannot both pass. The instance is given the new version, so that
    its own save writes it back unchanged.
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "claim_version() must run inside the save's transaction"
        )
    manager = type(instance)._base_manager
    claimed = manager.filter(pk=instance.pk, **{field: based_on}).update(
        **{field: models.F(field) + 1}
    )
    if claimed:
        setattr(instance, field, based_on + 1)
    return claimed == 1


class StaleEdit(Exception):
    """Raised inside a save's transaction to roll it back: it was based on a
    version a colleague has saved over (claim_version returned False)."""


class OrganizationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(memberships__user=user)

    def create(self, **kwargs):
        # A new organization always starts with the four canonical roles.
        with transaction.atomic():
            organization = super().create(**kwargs)
            organization.ensure_canonical_roles()
        return organization


class Organization(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def ensure_canonical_roles(self):
        existing = set(self.roles.exclude(canonical="").values_list("canonical", flat=True))
        Role.objects.bulk_create(
            Role(organization=self, name=CANONICAL_ROLE_NAMES[kind], canonical=kind.value)
            for kind in CanonicalRole
            if kind.value not in existing
        )


class Membership(models.Model):
    class Level(models.TextChoices):
        OWNER = "owner", "Owner"
        EDITOR = "editor", "Editor"
        VIEWER = "viewer", "Viewer"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.VIEWER)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="membership_one_per_user_and_org"
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=["owner", "editor", "viewer"]),
                name="membership_level_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} in {self.organization} ({self.level})"

    @property
    def can_edit(self) -> bool:
        return self.level in (self.Level.OWNER, self.Level.EDITOR)

    @property
    def can_manage(self) -> bool:
        return self.level == self.Level.OWNER


class TeamQuerySet(models.QuerySet):
    def trash_expired(self):
        """Trashed teams whose time in the trash is over: `raci purge-trash` deletes them."""
        return self.filter(deleted_at__lt=timezone.now() - Team.KEPT_IN_TRASH)

    def using_role(self, role):
        """The teams whose matrix shows `role`: as a column or held by someone."""
        return self.filter(models.Q(team_roles__role=role) | models.Q(role_holders__role=role))

    def record_change(self) -> None:
        """Bump the revision of these teams.

        Every write that changes what a team's matrix or findings show calls
        this, inside its transaction and before its other writes: pages and
        caches keyed by the revision (the findings counts of the organization
        page) are then never stale. The UPDATE also holds the team's row lock
        until the transaction ends, so writes to one team run one after the
        other, and an edit racing a deletion sees the deletion.
        """
        if not transaction.get_connection(self.db).in_atomic_block:
            raise transaction.TransactionManagementError(
                "record_change() must run inside the write's transaction"
            )
        self.update(revision=models.F("revision") + 1)


class LiveTeamManager(models.Manager.from_queryset(TeamQuerySet)):
    """Teams not in the trash. The default manager, so that every lookup, list,
    count and export (related managers such as `organization.teams` included)
    leaves trashed teams out without saying so each time."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class Team(models.Model):
    KEPT_IN_TRASH = timedelta(days=30)

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60)
    uses_scrum = models.BooleanField(
        "uses Scrum", default=True, help_text="Scrum teams have a Product Owner and a Scrum Master."
    )
    stage = models.CharField(
        "stage or size",
        max_length=12,
        choices=STAGE_CHOICES,
        default=Stage.ESTABLISHED.value,
        help_text="In a startup or a smaller organization one person often holds both the "
        "Product Manager's and the Product Owner's role, and the checks expect it.",
    )
    accountable_does_work = models.BooleanField(
        "the accountable also does the work",
        default=False,
        help_text="Your convention: whoever holds the A also does the work unless someone "
        "else is R, so an activity with an A needs no R beside it.",
    )
    max_responsible = models.PositiveSmallIntegerField(
        default=rules.Thresholds.max_responsible,
        help_text="Warn when an activity has more Responsible roles than this.",
    )
    max_consulted = models.PositiveSmallIntegerField(
        default=rules.Thresholds.max_consulted,
        help_text="Warn when an activity has more Consulted roles than this.",
    )
    roles = models.ManyToManyField("Role", through="TeamRole", related_name="teams")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # Grows with every change to what the matrix or its findings show
    # (TeamQuerySet.record_change).
    revision = models.PositiveBigIntegerField(default=0, editable=False)
    # The organization page's counts of findings by severity, computed at
    # `findings_revision`; recomputed when the team's revision has moved on.
    findings_counts = models.JSONField(default=dict, editable=False)
    findings_revision = models.PositiveBigIntegerField(null=True, editable=False)

    # Changes with every save of the settings form: a save based on an older
    # one is refused (see claim_version).
    settings_version = models.PositiveIntegerField(default=1, editable=False)
    # In the trash since then; deleted for good KEPT_IN_TRASH later.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = LiveTeamManager()
    with_trashed = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            # Names and slugs are unique among the teams in use: a new team may
            # take the name of one in the trash (restoring that one renames it).
            models.UniqueConstraint(
                fields=["organization", "slug"],
                condition=models.Q(deleted_at__isnull=True),
                name="team_slug_unique",
            ),
            models.UniqueConstraint(
                "organization",
                Lower("name"),
                condition=models.Q(deleted_at__isnull=True),
                name="team_name_unique_ci",
            ),
            models.CheckConstraint(
                condition=models.Q(stage__in=[stage.value for stage in Stage]),
                name="team_stage_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(max_responsible__gte=1, max_consulted__gte=1),
                name="team_thresholds_positive",
            ),
        ]

    def __str__(self):
        return self.name

    # Written only by TeamQuerySet.record_change, keep_finding_totals(),
    # claim_version() and the trash.
    KEPT_APART = (
        "revision",
        "findings_counts",
        "findings_revision",
        "settings_version",
        "deleted_at",
        "deleted_by",
    )

    def save(self, *args, **kwargs):
        # A save from a copy of the team loaded before a change was recorded
        # must not take the revision back, nor the counts kept for it.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.KEPT_APART
            ]
        super().save(*args, **kwargs)

    def record_change(self) -> None:
        """See TeamQuerySet.record_change. A write that was on its way while
        the team went to the trash lands in it, like the rest of the team."""
        Team.with_trashed.filter(pk=self.pk).record_change()

    @cached_property
    def urls(self) -> TeamURLs:
        """The addresses of the team's pages, for its editor's links."""
        return team_urls(self.organization.slug, self.slug)

    def next_position(self, related) -> int:
        """The position after the last of `related` (activities or columns)."""
        last = related.aggregate(last=models.Max("position"))["last"]
        return 0 if last is None else last + 1

    def thresholds(self) -> rules.Thresholds:
        return rules.Thresholds(
            max_responsible=self.max_responsible, max_consulted=self.max_consulted
        )

    def context(self) -> rules.TeamContext:
        return rules.TeamContext(
            uses_scrum=self.uses_scrum,
            stage=Stage(self.stage),
            accountable_does_work=self.accountable_does_work,
        )

    def snapshot(self) -> "TeamSnapshot":
        """Everything the matrix shows, in four queries whatever the team's size."""
        return TeamSnapshot.load([self])[self.pk]

    def to_matrix(self) -> rules.Matrix:
        return self.snapshot().to_matrix()

    def analyse(self) -> list[rules.Finding]:
        return self.snapshot().analyse()

    def side(self) -> compare.Side:
        """The team as it is now, as one side of a comparison with a version."""
        return compare.Side(label="Now", matrix=self.to_matrix(), thresholds=self.thresholds())

    def has_cell(self, activity_id: int, role_id: int) -> bool:
        """Whether the activity and the role's column are in this matrix."""
        return Activity.objects.filter(
            pk=activity_id, team=self, team__team_roles__role_id=role_id
        ).exists()

    def edit_cell(self, *, activity_id: int, role_id: int, letters, version: int, by=None):
        """Write one cell as a compare-and-set (see AssignmentQuerySet), recorded
        as a change set by `by` in the same transaction.

        Returns None, changing nothing, when the activity or the role column
        is no longer in the matrix (a colleague removed it, maybe while this
        edit was on its way); else a CellEdit saying whether it was saved.
        """
        from raci import history

        after = letters_to_text(letters)
        try:
            with transaction.atomic():
                # Taken first: a removal of the activity or the column waits
                # for this edit, or this edit sees the removal below.
                self.record_change()
                current = Assignment.objects.filter(
                    activity_id=models.OuterRef("pk"), role_id=role_id
                ).values("letters")
                found = (
                    Activity.objects.filter(
                        pk=activity_id, team=self, team__team_roles__role_id=role_id
                    )
                    .annotate(before=models.Subquery(current))
                    .values_list("name", "team__team_roles__role__name", "team__revision", "before")
                    .first()
                )
                saved = found is not None and Assignment.objects.compare_and_set(
                    activity_id=activity_id, role_id=role_id, letters=after, version=version
                )
                if saved:
                    activity_name, role_name, revision, before = found
                    summary = history.cell_summary(role_name, activity_name, before or "", after)
                    history.change_set_at(
                        self, revision, by=by, action="cell", summary=summary
                    ).cell(activity_id, role_id, before or "", after)
                else:
                    transaction.set_rollback(True)
        except IntegrityError:
            # The activity went by a path that does not record changes (a
            # database shell): the new cell's foreign key failed at commit.
            return None
        if found is None:
            return None
        return CellEdit(*found[:3], saved=saved)

    def write_cells(self, cells, *, by, action: str = "paste", summary: str = "", undoes=None):
        """Write several cells as one change set, all or nothing: pastes, fills,
        clears.

        `cells`: (activity id, role id, letters, expected version) each, the
        version as the writer saw it (0: no row yet). Every activity and role
        must be in this matrix, else nothing is written and the answer names
        the cell; if any cell was changed meanwhile, nothing is written and
        the answer names those cells. `summary` replaces the one-line summary
        made from the cells. Returns a history.CellsWritten.
        """
        from raci import history

        return history.write_cells(
            self, cells, by=by, action=action, summary=summary, undoes=undoes
        )

    def apply_fix(
        self, *, rule: str, activity: str, role: str, fix: str = "", by=None
    ) -> str | None:
        """Apply a suggested fix of the finding named by rule, activity and role;
        `fix` names the fix when the finding offers one per candidate column.

        The fix is recomputed from the current matrix, so a stale or forged
        request can only apply a fix the engine suggests right now. Its cells
        are written as one change set with compare-and-set: if a colleague
        changed one meanwhile, nothing is written. Returns what changed, or None.
        """
        snapshot = self.snapshot()
        matrix = snapshot.to_matrix()
        finding = find_finding(snapshot.analyse(matrix), rule=rule, activity=activity, role=role)
        chosen = finding.fix_for(fix) if finding else None
        if chosen is None:
            return None
        versions = {
            (str(a), str(r)): cell.version
            for a, row in snapshot.cells.items()
            for r, cell in row.items()
        }
        activity_names = {a.key: a.name for a in matrix.activities}
        role_names = {r.key: r.name for r in matrix.roles}
        described = (
            "; ".join(
                f"{role_names[change.role_key]} on “{activity_names[change.activity_key]}” "
                f"is now {letters_in_words(change.letters)}"
                for change in chosen.changes
            )
            + "."
        )
        written = self.write_cells(
            [
                (
                    int(change.activity_key),
                    int(change.role_key),
                    change.letters,
                    versions.get((change.activity_key, change.role_key), 0),
                )
                for change in chosen.changes
            ],
            by=by,
            action="fix",
            summary=f"Applied a fix: {described}",
        )
        return described if written.ok and written.change_set else None

    def accept_finding(
        self,
        *,
        rule: str,
        activity: str = "",
        role: str = "",
        person: str = "",
        subject: str = "",
        letters_digest: str,
        reason: str,
        user,
    ) -> "AcceptedFinding | None":
        """Accept the open finding so named, with a reason.

        Only a finding that is there now, with the letters the user saw
        (`letters_digest`), can be accepted; the acceptance then holds while
        those letters stay the same. Returns it, or None.
        """
        findings = self.snapshot().analyse()
        finding = find_finding(
            findings, rule=rule, activity=activity, role=role, person=person, subject=subject
        )
        if finding is None or finding.accepted or finding.letters_digest != letters_digest:
            return None
        identity = {
            "team": self,
            "rule": finding.rule,
            "activity_id": _id(finding.activity_key),
            "role_id": _id(finding.role_key),
            "person_id": _id(finding.person_key),
            "subject": finding.subject,
        }
        values = {
            "letters": finding.letters,
            "reason": reason,
            "accepted_by": user,
            "accepted_at": timezone.now(),
        }
        from raci import history

        try:
            with history.recording(
                self,
                by=user,
                action="accept",
                summary=f"Accepted a finding ({finding.message.rstrip('.')}): {reason}",
                parts=("acceptances",),
            ):
                acceptance, _created = AcceptedFinding.objects.update_or_create(
                    **identity, defaults=values
                )
        except IntegrityError:
            # A colleague accepted it at the same moment: theirs stands.
            return AcceptedFinding.objects.filter(**identity).first()
        return acceptance


def _id(key: str | None) -> int | None:
    return int(key) if key else None


def find_finding(findings, *, rule, activity="", role="", person="", subject=""):
    """The finding a form names by its identity ("" for no activity, role or person)."""
    wanted = (rule, activity or None, role or None, person or None, subject)
    return next((finding for finding in findings if finding.identity == wanted), None)


class CellEdit(NamedTuple):
    activity_name: str
    role_name: str
    revision: int  # the team's revision with this edit, if it was saved
    saved: bool


class Person(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    title = models.CharField(max_length=120, blank=True)
    # Changes with every save of the person form (see claim_version).
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                "organization",
                Lower("email"),
                condition=~models.Q(email=""),
                name="person_email_unique_ci",
            ),
        ]

    def __str__(self):
        return self.name


class Role(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(max_length=80)
    canonical = models.CharField(
        max_length=4,
        choices=CANONICAL_ROLE_CHOICES,
        blank=True,
        help_text="Set on the four documented roles every organization has.",
    )
    acts_as = models.CharField(
        max_length=4,
        choices=CANONICAL_ROLE_CHOICES,
        blank=True,
        help_text="A custom role checked as this documented role (a Business Analyst "
        "acting as Product Owner, for instance).",
    )

    class Meta:
        ordering = ["canonical", "name"]
        constraints = [
            models.UniqueConstraint("organization", Lower("name"), name="role_name_unique_ci"),
            models.UniqueConstraint(
                fields=["organization", "canonical"],
                condition=~models.Q(canonical=""),
                name="role_one_per_canonical_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(canonical="") | models.Q(acts_as=""),
                name="role_canonical_does_not_act_as",
            ),
            models.CheckConstraint(
                condition=models.Q(canonical__in=["", *CanonicalRole])
                & models.Q(acts_as__in=["", *CanonicalRole]),
                name="role_kinds_valid",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def kind(self) -> CanonicalRole | None:
        """The documented role this column is checked as, if any."""
        value = self.canonical or self.acts_as
        return CanonicalRole(value) if value else None

    @property
    def is_canonical(self) -> bool:
        return bool(self.canonical)


class TeamRole(models.Model):
    """A role shown as a column in a team's matrix."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="team_roles")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="team_roles")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "role"], name="team_role_once_per_team"),
        ]

    def __str__(self):
        return f"{self.role} in {self.team}"


class RoleHolder(models.Model):
    """A person holds a role in a team."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="role_holders")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="held_roles")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="holders")

    class Meta:
        ordering = ["role", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "person", "role"], name="role_holder_once_per_team"
            ),
        ]

    def __str__(self):
        return f"{self.person} as {self.role} in {self.team}"


class Activity(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="activities")
    name = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=12, choices=CATEGORY_CHOICES, blank=True)
    position = models.PositiveIntegerField(default=0)
    catalogue_key = models.SlugField(
        max_length=60,
        blank=True,
        help_text="The documented responsibility this activity is checked against.",
    )
    # Changes with every save of its name, description, category or documented
    # responsibility (see claim_version); not with moves.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "activities"
        constraints = [
            models.UniqueConstraint("team", Lower("name"), name="activity_name_unique_ci"),
            models.CheckConstraint(
                condition=models.Q(category__in=["", *Category]),
                name="activity_category_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def display_order(self) -> tuple[int, int, int]:
        return display_order(self.category, self.position, self.pk)

    def move(self, *, up: bool, by=None) -> bool:
        """Swap places with the neighbouring activity of the same category.

        The team's positions are renumbered in the order shown, so that equal
        or missing positions (from imports or the admin) cannot stall a move.
        Returns False, moving nothing, when a colleague deleted the activity
        since it was loaded.
        """
        from raci import history

        direction = "up" if up else "down"
        with history.recording(
            Team(pk=self.team_id),
            by=by,
            action="activity-move",
            summary=f"Moved “{self.name}” {direction}",
            parts=("activities",),
        ):
            # Locked in primary-key order, as deletions lock them.
            shown = sorted(
                Activity.objects.select_for_update().filter(team_id=self.team_id).order_by("pk"),
                key=Activity.display_order,
            )
            current = next((activity for activity in shown if activity.pk == self.pk), None)
            if current is None:
                return False
            # The locked row's category: a colleague may have changed it meanwhile.
            siblings = [activity for activity in shown if activity.category == current.category]
            index = siblings.index(current)
            other = index - 1 if up else index + 1
            if not 0 <= other < len(siblings):
                return True
            mine, theirs = shown.index(siblings[index]), shown.index(siblings[other])
            shown[mine], shown[theirs] = shown[theirs], shown[mine]
            for position, activity in enumerate(shown):
                activity.position = position
            Activity.objects.bulk_update(shown, ["position"])
        return True

    def place(self, *, category: str, before_id: int | None = None, by=None) -> bool:
        """Put the activity in `category` (its own or another), just before the
        activity `before_id` when that one is in the category, else last in it.

        The team's positions are renumbered in the order shown, as move()
        does, and recorded as one change set. Returns False, moving nothing,
        when a colleague deleted the activity since it was loaded.
        """
        from raci import history

        with history.recording(
            Team(pk=self.team_id),
            by=by,
            action="activity-move",
            summary=f"Moved “{self.name}”",
            parts=("activities",),
        ):
            return self._place_locked(category=category, before_id=before_id)

    def _place_locked(self, *, category: str, before_id: int | None) -> bool:
        # Locked in primary-key order, as deletions lock them.
        shown = sorted(
            Activity.objects.select_for_update().filter(team_id=self.team_id).order_by("pk"),
            key=Activity.display_order,
        )
        current = next((activity for activity in shown if activity.pk == self.pk), None)
        if current is None:
            return False
        shown.remove(current)
        recategorised = current.category != category
        current.category = self.category = category
        before = next((a for a in shown if a.pk == before_id and a.category == category), None)
        if before is not None:
            index = shown.index(before)
        else:
            index = max(
                (n + 1 for n, activity in enumerate(shown) if activity.category == category),
                default=len(shown),
            )
        shown.insert(index, current)
        for position, activity in enumerate(shown):
            activity.position = position
        Activity.objects.bulk_update(shown, ["position", "category"])
        if recategorised:
            # The category is on the activity's edit page: one opened before is refused.
            Activity.objects.filter(pk=current.pk).update(version=models.F("version") + 1)
        return True


class AssignmentQuerySet(models.QuerySet):
    def compare_and_set(self, *, activity_id, role_id, letters, version: int) -> bool:
        """Write a cell only if it is still at `version` (0: no row yet).

        Returns False, changing nothing, when someone else wrote it meanwhile.
        """
        text = letters_to_text(letters)
        if version == 0:
            try:
                with transaction.atomic():
                    self.create(activity_id=activity_id, role_id=role_id, letters=text, version=1)
            except IntegrityError:
                return False
            return True
        updated = self.filter(activity_id=activity_id, role_id=role_id, version=version).update(
            letters=text, version=models.F("version") + 1, updated=timezone.now()
        )
        return updated == 1


class Assignment(models.Model):
    """One cell of the matrix: the letters a role holds on an activity.

    `version` grows on every write, so that an edit based on a stale page can
    be refused instead of overwriting a colleague's change.
    """

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="assignments")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="assignments")
    letters = models.CharField(max_length=4, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated = models.DateTimeField(auto_now=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "role"], name="assignment_one_per_cell"),
            models.CheckConstraint(
                condition=models.Q(letters__in=CELL_SPELLINGS),
                name="assignment_letters_valid",
            ),
        ]

    def __str__(self):
        return f"{self.activity} / {self.role}: {self.letters or '-'}"

    @property
    def letter_set(self) -> frozenset[Letter]:
        return parse_cell_text(self.letters)


class AcceptedFinding(models.Model):
    """A finding a team has decided to live with, and why.

    It names the finding as the engine does (rule, activity, role, person and
    subject) and keeps the letters the finding concerned when it was accepted:
    when one of them changes, the finding is open again. Deleting it reopens
    the finding.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="accepted_findings")
    rule = models.SlugField(max_length=60)
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, null=True, blank=True)
    role = models.ForeignKey(Role, on_delete=models.CASCADE, null=True, blank=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True)
    subject = models.CharField(max_length=60, blank=True)
    letters = models.TextField(blank=True, help_text="The letters the finding concerned.")
    reason = models.TextField(max_length=1000)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-accepted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                "team",
                "rule",
                Coalesce("activity", 0),
                Coalesce("role", 0),
                Coalesce("person", 0),
                "subject",
                name="accepted_finding_once",
            ),
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="accepted_finding_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.rule} in {self.team}"


class ActivityRow(NamedTuple):
    pk: int
    name: str
    category: str
    catalogue_key: str
    position: int

    def display_order(self) -> tuple[int, int, int]:
        return display_order(self.category, self.position, self.pk)


class ColumnRow(NamedTuple):
    role_id: int
    name: str
    canonical: str
    acts_as: str

    @property
    def kind(self) -> CanonicalRole | None:
        value = self.canonical or self.acts_as
        return CanonicalRole(value) if value else None


class CellValue(NamedTuple):
    letters: str
    version: int


class HolderRow(NamedTuple):
    role_id: int
    role_name: str
    person_id: int
    name: str
    email: str
    title: str


# The queries of a team's snapshot and of its catch-up, in SQL: they run at
# every view of a matrix that changed, and building them with the ORM cost as
# much as running them (about 1.5 ms of a 300 x 12 page read whole, measured
# by `raci bench`). Plain values only, which need no conversion on either
# database.
SNAPSHOT_ACTIVITIES = """
    SELECT team_id, id, name, category, catalogue_key, position
    FROM raci_activity WHERE team_id IN ({teams})
"""
SNAPSHOT_COLUMNS = """
    SELECT column_.team_id, column_.role_id, role.name, role.canonical, role.acts_as
    FROM raci_teamrole column_ JOIN raci_role role ON role.id = column_.role_id
    WHERE column_.team_id IN ({teams})
    ORDER BY column_.position, column_.id
"""
SNAPSHOT_CELLS = """
    SELECT activity.team_id, cell.activity_id, cell.role_id, cell.letters, cell.version
    FROM raci_assignment cell JOIN raci_activity activity ON activity.id = cell.activity_id
    WHERE activity.team_id IN ({teams})
"""
SNAPSHOT_HOLDERS = """
    SELECT holder.team_id, holder.role_id, role.name, holder.person_id,
        person.name, person.email, person.title
    FROM raci_roleholder holder
    JOIN raci_role role ON role.id = holder.role_id
    JOIN raci_person person ON person.id = holder.person_id
    WHERE holder.team_id IN ({teams})
    ORDER BY role.canonical, role.name, person.name
"""
SNAPSHOT_ACCEPTED = """
    SELECT accepted.team_id, accepted.rule, accepted.activity_id, accepted.role_id,
        accepted.person_id, accepted.subject, accepted.letters, accepted.reason,
        by_user.username, accepted.accepted_at, accepted.id
    FROM raci_acceptedfinding accepted
    LEFT JOIN auth_user by_user ON by_user.id = accepted.accepted_by_id
    WHERE accepted.team_id IN ({teams})
    ORDER BY accepted.accepted_at DESC, accepted.id DESC
"""
CHANGES_SINCE = """
    SELECT change_set.revision, entry.kind, entry.activity_id, entry.role_id
    FROM raci_changeset change_set
    LEFT JOIN raci_change entry ON entry.change_set_id = change_set.id
    WHERE change_set.team_id = %s AND change_set.revision > %s AND change_set.revision <= %s
    LIMIT %s
"""
CELLS_OF = """
    SELECT activity_id, role_id, letters, version FROM raci_assignment
    WHERE activity_id IN ({activities}) AND role_id IN ({roles})
"""
CELLS_OF_ROWS = """
    SELECT activity_id, role_id, letters, version FROM raci_assignment
    WHERE activity_id IN ({activities})
"""
ROLE_NAMES = """
    SELECT id, name FROM raci_role WHERE organization_id = %s ORDER BY canonical, name
"""


def role_names(organization_id: int) -> list[tuple[int, str]]:
    """An organization's roles as (id, name), in their order."""
    return _select(ROLE_NAMES, [organization_id])


def _select(sql: str, params=(), **in_lists) -> list[tuple]:
    """The rows of `sql`, whose `{name}` slots take the `in_lists` as
    `IN (...)` parameters, after `params`."""
    in_lists = {name: list(values) for name, values in in_lists.items()}
    if not all(in_lists.values()):
        return []  # IN () matches nothing, and is not SQL
    slots = {name: ", ".join(["%s"] * len(values)) for name, values in in_lists.items()}
    with connection.cursor() as cursor:
        cursor.execute(sql.format(**slots), [*params, *(v for vs in in_lists.values() for v in vs)])
        return cursor.fetchall()


@lru_cache(maxsize=20_000)
def _engine_activity(activity: ActivityRow) -> rules.Activity:
    """The engine's row of an activity as it is, shared by every matrix that
    shows it so: a team changes a row or two between analyses of hundreds."""
    return rules.Activity(
        key=str(activity.pk),
        name=activity.name,
        category=activity.category,
        catalogue_key=activity.catalogue_key or None,
    )


@dataclass
class TeamSnapshot:
    """A team's matrix as plain values read from the database, and its seam
    to the engine. Plain tuples rather than model instances: a 1,000 x 20
    team is 20,000 cells, and nothing here can run a query by accident."""

    team: Team
    activities: list[ActivityRow]  # in the order shown
    columns: list[ColumnRow]
    cells: dict[int, dict[int, CellValue]]  # activity id -> role id -> cell
    holders: list[HolderRow]
    accepted: list[rules.Acceptance]

    @classmethod
    def load(cls, teams) -> dict[int, "TeamSnapshot"]:
        """Snapshots of several teams, in five queries whatever their number and size."""
        snapshots = {
            team.pk: cls(team=team, activities=[], columns=[], cells={}, holders=[], accepted=[])
            for team in teams
        }
        for team_id, *values in _select(SNAPSHOT_ACTIVITIES, teams=snapshots):
            snapshots[team_id].activities.append(ActivityRow(*values))
        for team_id, *values in _select(SNAPSHOT_COLUMNS, teams=snapshots):
            snapshots[team_id].columns.append(ColumnRow(*values))
        for team_id, activity_id, role_id, letters, version in _select(
            SNAPSHOT_CELLS, teams=snapshots
        ):
            row = snapshots[team_id].cells.setdefault(activity_id, {})
            row[role_id] = CellValue(letters, version)
        for team_id, holder in cls._holders(snapshots):
            snapshots[team_id].holders.append(holder)
        for team_id, acceptance in cls._accepted(snapshots):
            snapshots[team_id].accepted.append(acceptance)
        for snapshot in snapshots.values():
            snapshot.activities.sort(key=ActivityRow.display_order)
        return snapshots

    @staticmethod
    def _holders(team_ids) -> list[tuple[int, HolderRow]]:
        holders = _select(SNAPSHOT_HOLDERS, teams=team_ids)
        return [(team_id, HolderRow(*values)) for team_id, *values in holders]

    @staticmethod
    def _accepted(team_ids) -> list[tuple[int, rules.Acceptance]]:
        accepted = []
        for team_id, rule, activity, role, person, subject, letters, reason, by, at, pk in _select(
            SNAPSHOT_ACCEPTED, teams=team_ids
        ):
            acceptance = rules.Acceptance(
                rule=rule,
                activity_key=str(activity) if activity else None,
                role_key=str(role) if role else None,
                person_key=str(person) if person else None,
                subject=subject,
                letters=letters,
                reason=reason,
                by=by or "",
                # SQLite gives the stored UTC time without its zone.
                at=at if timezone.is_aware(at) else timezone.make_aware(at, UTC),
                key=str(pk),
            )
            accepted.append((team_id, acceptance))
        return accepted

    # Beyond this many change sets or cells, the team is read again whole.
    CATCH_UP_REVISIONS = 50
    CATCH_UP_CELLS = 500

    def caught_up(self, team: Team, *, since: int, until: int) -> "TeamSnapshot | None":
        """This snapshot, of `team` at revision `since`, brought to `until` from
        the change log, when no change set between changed a column (edits,
        pastes, fixes, undos, rows added, renamed, moved or deleted, who holds
        a role, the team's settings, accepting a finding): only what they
        changed is read again, in two to six queries. None when a column
        changed, or a revision moved on without a change set (an admin's
        edit): the team must then be read whole.
        """
        if not since < until <= since + self.CATCH_UP_REVISIONS:
            return None
        # Each change set with its changes (one row with none for one that
        # changed nothing: an undo whose cells a colleague had changed).
        changes = _select(CHANGES_SINCE, [team.pk, since, until, self.CATCH_UP_CELLS + 1])
        if len(changes) > self.CATCH_UP_CELLS:
            return None
        revisions, kinds, touched, rows = set(), set(), set(), set()
        for revision, kind, activity_id, role_id in changes:
            revisions.add(revision)
            kinds.add(kind)
            if kind == ChangeKind.CELL:
                touched.add((activity_id, role_id))
            elif kind == ChangeKind.ACTIVITY:
                rows.add(activity_id)
        if len(revisions) != until - since or kinds - {None, *self.CAUGHT_UP_KINDS}:
            return None
        activities = self.activities
        if rows:
            # Added, renamed, moved or deleted rows: the list is read again,
            # and every cell of those rows (an activity brought back by an
            # undo comes back with its cells).
            activities = sorted(
                (
                    ActivityRow(*values)
                    for values in team.activities.values_list(
                        "pk", "name", "category", "catalogue_key", "position"
                    )
                ),
                key=ActivityRow.display_order,
            )
        activity_ids = {activity.pk for activity in activities}
        role_ids = {column.role_id for column in self.columns}
        # The cells of a row deleted meanwhile go with it.
        touched = {(a, r) for a, r in touched if a in activity_ids or a not in rows}
        if any(a not in activity_ids or r not in role_ids for a, r in touched):
            return None
        cells = self._cells_now(touched) if touched else self.cells
        if rows:
            cells = self._rows_now(cells, rows & activity_ids, activity_ids)
        if ChangeKind.SETTING in kinds:
            # As saved, whatever copy of the team the caller holds.
            team = Team.with_trashed.select_related("organization").get(pk=team.pk)
        return replace(
            self,
            team=team,
            activities=activities,
            cells=cells,
            holders=(
                [holder for _, holder in self._holders([team.pk])]
                if ChangeKind.HOLDER in kinds
                else self.holders
            ),
            accepted=(
                [acceptance for _, acceptance in self._accepted([team.pk])]
                if ChangeKind.ACCEPTANCE in kinds
                else self.accepted
            ),
        )

    # What caught_up() brings up to date; a column changes every row.
    CAUGHT_UP_KINDS = ("cell", "activity", "holder", "setting", "acceptance")

    @staticmethod
    def _rows_now(cells, rows: set[int], activity_ids: set[int]):
        """`cells` with every cell of `rows` as it is now, and without the
        rows no longer in the matrix."""
        cells = {a: row for a, row in cells.items() if a in activity_ids and a not in rows}
        for activity_id, role_id, letters, version in _select(CELLS_OF_ROWS, activities=rows):
            cells.setdefault(activity_id, {})[role_id] = CellValue(letters, version)
        return cells

    def _cells_now(self, touched: set[tuple[int, int]]) -> dict[int, dict[int, CellValue]]:
        """This snapshot's cells with the `touched` ones as they are now."""
        cells = dict(self.cells)
        for activity_id, role_id in touched:
            cells[activity_id] = {
                r: cell for r, cell in cells.get(activity_id, {}).items() if r != role_id
            }
        now = _select(CELLS_OF, activities={a for a, _ in touched}, roles={r for _, r in touched})
        for activity_id, role_id, letters, version in now:
            if (activity_id, role_id) in touched:
                cells[activity_id][role_id] = CellValue(letters, version)
        return cells

    def analyse(self, matrix: rules.Matrix | None = None) -> list[rules.Finding]:
        return rules.analyse(matrix or self.to_matrix(), self.team.thresholds())

    def to_matrix(self) -> rules.Matrix:
        """The team as the engine's plain matrix value."""
        roles_by_person = {}
        people = {}
        for holder in self.holders:
            people[holder.person_id] = holder
            roles_by_person.setdefault(holder.person_id, set()).add(str(holder.role_id))
        letter_sets = {}  # one frozenset per spelling, shared by the cells
        return rules.Matrix(
            name=self.team.name,
            activities=tuple(map(_engine_activity, self.activities)),
            roles=tuple(
                rules.Role(key=str(column.role_id), name=column.name, kind=column.kind)
                for column in self.columns
            ),
            cells={
                (str(a), str(r)): letter_sets.get(cell.letters)
                or letter_sets.setdefault(cell.letters, parse_cell_text(cell.letters))
                for a, row in self.cells.items()
                for r, cell in row.items()
                if cell.letters
            },
            context=self.team.context(),
            people=tuple(
                rules.Person(
                    key=str(person_id),
                    name=holder.name,
                    email=holder.email,
                    title=holder.title,
                    role_keys=frozenset(roles_by_person[person_id]),
                )
                for person_id, holder in sorted(
                    people.items(), key=lambda item: item[1].name.lower()
                )
            ),
            accepted=tuple(self.accepted),
        )


@dataclass(frozen=True)
class FindingTotals:
    """What a team's findings add up to: the open ones by severity, and the accepted."""

    open: dict[Severity, int]
    accepted: int

    @classmethod
    def of(cls, findings: list[rules.Finding]) -> "FindingTotals":
        return cls(
            open=rules.count_by_severity(rules.open_findings(findings)),
            accepted=sum(1 for finding in findings if finding.accepted),
        )


def finding_totals(teams) -> dict[int, FindingTotals]:
    """Each team's totals, by team id, in a fixed number of queries: what the
    organization page shows. Accepted findings do not count among the open ones.

    The totals kept on a team are used while its revision has not moved;
    the other teams are analysed (all of them in five queries) and their
    totals kept.
    """
    totals = {}
    stale = []
    for team in teams:
        kept = team.findings_counts
        if team.findings_revision == team.revision:
            totals[team.pk] = FindingTotals(
                open={severity: kept.get(severity.value, 0) for severity in Severity},
                accepted=kept.get("accepted", 0),
            )
        else:
            stale.append(team)
    if stale:
        snapshots = TeamSnapshot.load(stale)
        for team in stale:
            totals[team.pk] = FindingTotals.of(snapshots[team.pk].analyse())
        keep_finding_totals({(team.pk, team.revision): totals[team.pk] for team in stale})
    return totals


def keep_finding_totals(totals: dict[tuple[int, int], FindingTotals]) -> None:
    """Keep findings totals, keyed by (team id, revision), on their teams, in
    one query.

    The revision must have been read before the matrix that was analysed:
    each team's totals are then kept only if its revision is still that one,
    so that totals are never kept for a revision they were not computed at.
    """
    documents = {}
    for key, team_totals in totals.items():
        document = {severity.value: n for severity, n in team_totals.open.items()}
        document["accepted"] = team_totals.accepted
        documents[key] = document
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A cache: it need not wait for the disk (a crash loses the totals,
            # and the next view computes them again).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        if len(documents) == 1:
            # One team (a matrix page or an edit): the plain update, cheaper to build.
            [((team_id, revision), document)] = documents.items()
            Team.objects.filter(pk=team_id, revision=revision).update(
                findings_revision=revision, findings_counts=document
            )
            return
        revisions, values = [], []
        for (team_id, revision), document in documents.items():
            current = models.Q(pk=team_id, revision=revision)
            revisions.append(
                models.When(
                    current,
                    then=models.Value(revision, output_field=models.PositiveBigIntegerField()),
                )
            )
            values.append(
                models.When(current, then=models.Value(document, output_field=models.JSONField()))
            )
        Team.objects.filter(pk__in=[team_id for team_id, _ in totals]).update(
            findings_revision=models.Case(*revisions, default=models.F("findings_revision")),
            findings_counts=models.Case(*values, default=models.F("findings_counts")),
        )


class TeamVersion(models.Model):
    """A team as it was when someone saved it under a name ("Agreed split, Q3").

    The matrix is kept as the JSON document `raci export --format json` writes
    (matrix_io), so that a version reads back whatever becomes of the team's
    activities and columns; the thresholds, which that format leaves out, are
    kept beside it so that its findings are those the team saw.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(max_length=120)
    note = models.TextField(max_length=2000, blank=True)
    document = models.JSONField()
    max_responsible = models.PositiveSmallIntegerField()
    max_consulted = models.PositiveSmallIntegerField()
    # The team's revision when it was saved.
    revision = models.PositiveBigIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint("team", Lower("name"), name="team_version_name_unique_ci"),
            models.CheckConstraint(
                condition=models.Q(max_responsible__gte=1, max_consulted__gte=1),
                name="team_version_thresholds_positive",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.team})"

    def thresholds(self) -> rules.Thresholds:
        return rules.Thresholds(
            max_responsible=self.max_responsible, max_consulted=self.max_consulted
        )

    def side(self) -> compare.Side:
        """The version as one side of a comparison."""
        matrix = matrix_io.read_json_document(self.document)
        return compare.Side(label=self.name, matrix=matrix, thresholds=self.thresholds())


class ImportUploadQuerySet(models.QuerySet):
    def expired(self):
        return self.filter(created__lt=timezone.now() - ImportUpload.KEPT_FOR)


class ImportUpload(models.Model):
    """A file uploaded for import, kept from its preview to its confirmation.

    In the database rather than the session: a session is sent and saved on
    every request and is no place for megabytes, and a row is found by any
    server behind the load balancer. It is deleted once imported, and every
    new upload purges those older than KEPT_FOR.
    """

    KEPT_FOR = timedelta(hours=2)

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="import_uploads"
    )
    # The team imported over; empty for an import into a new team.
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="import_uploads"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_uploads"
    )
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    # For a new team: its name and context as given on the upload form.
    team_name = models.CharField(max_length=120, blank=True)
    uses_scrum = models.BooleanField(default=True)
    stage = models.CharField(max_length=12, choices=STAGE_CHOICES, default=Stage.ESTABLISHED.value)
    created = models.DateTimeField(auto_now_add=True)

    objects = ImportUploadQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stage__in=[stage.value for stage in Stage]),
                name="import_upload_stage_valid",
            ),
        ]

    def __str__(self):
        return f"{self.filename} ({self.organization})"


class ChangeKind(models.TextChoices):
    CELL = "cell", "Cell"
    ACTIVITY = "activity", "Activity"
    COLUMN = "column", "Column"
    HOLDER = "holder", "Holder"
    SETTING = "setting", "Setting"
    ACCEPTANCE = "acceptance", "Acceptance"


class ChangeSet(models.Model):
    """One user action on a team (an edit, a fix, a paste, an undo...) as it
    was recorded, in the transaction that made it: see raci/history.py."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="change_sets")
    # The team's revision this change produced.
    revision = models.PositiveBigIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=20)
    summary = models.CharField(max_length=300, blank=True)
    undoes = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="undone_by"
    )

    class Meta:
        ordering = ["-revision"]
        constraints = [
            # Its index also serves "the latest N of a team", read backwards:
            # a second index on (team, -revision) would only slow the writes.
            models.UniqueConstraint(fields=["team", "revision"], name="change_set_revision_unique"),
        ]

    def __str__(self):
        return f"{self.team} r{self.revision}: {self.summary or self.action}"

    def cell(self, activity_id: int, role_id: int, before: str, after: str) -> "Change":
        """Record that a cell went from `before` to `after` (letters as text)."""
        return Change.objects.create(
            change_set=self,
            kind=ChangeKind.CELL,
            activity_id=activity_id,
            role_id=role_id,
            before=before,
            after=after,
        )

    def record(self, kind: str, *, before=None, after=None, **ids) -> "Change":
        """Record one change of any kind; `ids`: activity_id, role_id, person_id."""
        return Change.objects.create(change_set=self, kind=kind, before=before, after=after, **ids)

    def add(self, changes) -> None:
        """Record several changes (unsaved Change rows) in one query."""
        changes = list(changes)
        for change in changes:
            change.change_set = self
        Change.objects.bulk_create(changes)

    def describe(self, summary: str) -> None:
        """Set the one-line summary the history page shows."""
        from raci.history import fit_summary

        self.summary = fit_summary(summary)
        ChangeSet.objects.filter(pk=self.pk).update(summary=self.summary)


class Change(models.Model):
    """One thing a change set changed, before and after, as JSON.

    Ids rather than foreign keys: the activity or column may be deleted, and
    restored with the same id by an undo.
    """

    change_set = models.ForeignKey(ChangeSet, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=12, choices=ChangeKind.choices)
    activity_id = models.IntegerField(null=True, blank=True)
    role_id = models.IntegerField(null=True, blank=True)
    person_id = models.IntegerField(null=True, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # The history of one cell.
            models.Index(fields=["activity_id", "role_id"], name="change_cell_history"),
        ]

    def __str__(self):
        return f"{self.kind} {self.activity_id}/{self.role_id}: {self.before!r} -> {self.after!r}"


class EditorPreferences(models.Model):
    """How one user likes the matrix editor laid out, kept on the server so
    that it follows them from browser to browser."""

    class Density(models.TextChoices):
        COMPACT = "compact", "Compact"
        COMFORTABLE = "comfortable", "Comfortable"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="editor_preferences"
    )
    density = models.CharField(max_length=12, choices=Density, default=Density.COMPACT)
    findings_collapsed = models.BooleanField(default=False)
    # The categories collapsed in each team's grid: {"<team id>": ["launch", ...]}.
    collapsed_categories = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = "editor preferences"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(density__in=["compact", "comfortable"]),
                name="editor_preferences_density_valid",
            )
        ]

    def __str__(self):
        return f"Editor preferences of {self.user}"

    def collapsed_in(self, team) -> list[str]:
        return self.collapsed_categories.get(str(team.pk), [])

    @classmethod
    def collapse(cls, *, user, team, category: str, collapsed: bool) -> None:
        """Keep a category of `team` collapsed, or open again, for `user`."""
        with transaction.atomic():
            preferences, _ = cls.objects.select_for_update().get_or_create(user=user)
            kept = set(preferences.collapsed_in(team))
            if collapsed:
                kept.add(category)
            else:
                kept.discard(category)
            preferences.collapsed_categories[str(team.pk)] = sorted(kept)
            if not kept:
                del preferences.collapsed_categories[str(team.pk)]
            preferences.save(update_fields=["collapsed_categories"])

    @classmethod
    def of(cls, user) -> "EditorPreferences":
        """The user's preferences, or the defaults (unsaved) if they have none yet.
        Read with the account when the user signed in (UsernameOrEmailBackend)."""
        try:
            return user.editor_preferences
        except cls.DoesNotExist:
            return cls(user=user)
