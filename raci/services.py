"""Writes that span several models: sign-up, members, team creation and copy,
removing a column, a person's roles in a team.

Each write takes keyword arguments and runs in one transaction, so a failure
half-way leaves nothing behind.
"""

import json
import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from raci import catalogue, history, matrix_io
from raci.models import (
    Activity,
    Assignment,
    Membership,
    Organization,
    Role,
    RoleHolder,
    StaleEdit,
    Team,
    TeamRole,
    TeamVersion,
    delete_locked,
)
from raci.vocabulary import CanonicalRole, fold, letters_to_text

logger = logging.getLogger(__name__)

SLUG_MAX_LENGTH = 60
# Each attempt lets at least one of the requests racing for one unique value through.
CREATE_ATTEMPTS = 20


class LastOwnerError(Exception):
    """Raised instead of leaving an organization without an owner."""


class NameTakenError(Exception):
    """Raised when a name that must be unique was taken, by a request at the same moment."""


def unique_slug(name: str, taken, *, fallback: str) -> str:
    """A slug for `name` that `taken(slug)` says is free: "acme", "acme-2"..."""
    # Leave room for a "-NNN" suffix; names with no ASCII letters fall back.
    base = slugify(name)[: SLUG_MAX_LENGTH - 4].strip("-") or fallback
    slug, number = base, 1
    while taken(slug):
        number += 1
        slug = f"{base}-{number}"
    return slug


def create_with_free_slug(create, name: str, taken, *, fallback: str):
    """`create(slug)` with the first free slug for `name`.

    Two requests can find the same slug free at the same moment; the unique
    constraint lets one through and the other moves on to the next free slug.
    Any other constraint's refusal is raised as it is.
    """
    for _attempt in range(CREATE_ATTEMPTS):
        slug = unique_slug(name, taken, fallback=fallback)
        try:
            with transaction.atomic():
                return create(slug)
        except IntegrityError:
            if not taken(slug):
                raise
    raise IntegrityError(f"No free slug for {name!r} after {CREATE_ATTEMPTS} attempts")


# Organizations and members


def organization_create(*, name: str, owner) -> Organization:
    """A new organization, its canonical roles, and `owner` as its owner.

    Raises NameTakenError when `owner` already belongs to an organization of
    that name: a form sent twice (a double click) makes one organization.
    """
    with transaction.atomic():
        # One user's creations wait for each other, so the second sees the first.
        get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
        if Organization.objects.for_user(owner).filter(name__iexact=name).exists():
            raise NameTakenError(f"You already belong to an organization named “{name}”.")
        organization = create_with_free_slug(
            lambda slug: Organization.objects.create(name=name, slug=slug),
            name,
            lambda slug: Organization.objects.filter(slug=slug).exists(),
            fallback="organization",
        )
        Membership.objects.create(
            organization=organization, user=owner, level=Membership.Level.OWNER
        )
    return organization


def account_signup(*, username: str, email: str, password: str, organization_name: str):
    """A new user and the organization they own; returns both."""
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=username, email=email, password=password
        )
        organization = organization_create(name=organization_name, owner=user)
    return user, organization


def _username_for_email(email: str) -> str:
    """An invited person's username: their email, cut to fit the column, with a
    number when taken. They sign in with their email, whatever this is."""
    User = get_user_model()
    limit = User._meta.get_field(User.USERNAME_FIELD).max_length
    base = email.lower()
    username, number = base[:limit], 1
    while User.objects.filter(username__iexact=username).exists():
        number += 1
        suffix = f"-{number}"
        username = base[: limit - len(suffix)] + suffix
    return username


def account_for_email(email: str):
    """The account with `email` (in any case), or a new one without a usable password.

    Two invitations of one new email at the same moment both find no account;
    the database's unique email lets one create it and the other then finds it.
    """
    User = get_user_model()
    for _attempt in range(CREATE_ATTEMPTS):
        user = User.objects.filter(email__iexact=email).first()
        if user is not None:
            return user
        try:
            with transaction.atomic():
                user = User(username=_username_for_email(email), email=email)
                user.set_unusable_password()
                user.save()
            return user
        except IntegrityError:
            continue
    raise IntegrityError(f"No account could be made for {email!r}")


def member_invite(
    *, organization: Organization, email: str, level: str, invited_by, domain: str, use_https: bool
) -> tuple[Membership, bool | None]:
    """Add the user with `email` to the organization at `level`.

    An unknown email gets a new account without a usable password, and an
    email with a link to set one (Django's password-reset token and view).
    Someone invited before who never set a password gets a fresh link.
    Returns the membership and whether the link was emailed: True, False if
    sending failed (the membership stays), None if no link was due.
    """
    with transaction.atomic():
        user = account_for_email(email)
        # Re-adding a pending member only resends the link: their level is
        # changed on the members page, where the last-owner rule is checked.
        membership, _created = Membership.objects.get_or_create(
            organization=organization, user=user, defaults={"level": level}
        )
    if user.has_usable_password():
        return membership, None
    emailed = invitation_send(
        user=user,
        organization=organization,
        invited_by=invited_by,
        domain=domain,
        use_https=use_https,
    )
    return membership, emailed


def invitation_send(*, user, organization, invited_by, domain: str, use_https: bool) -> bool:
    """Email `user` a one-time link to set their password; False if it could not be sent.

    The link is Django's password-reset token and view. PasswordResetForm
    skips users without a usable password, which is exactly who we invite,
    and swallows sending errors, which the inviter must hear about: the
    message is built and sent here.
    """
    context = {
        "email": user.email,
        "user": user,
        "organization": organization,
        "invited_by": invited_by,
        "domain": domain,
        "protocol": "https" if use_https else "http",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    subject = "".join(render_to_string("registration/invitation_subject.txt", context).splitlines())
    body = render_to_string("registration/invitation_email.txt", context)
    try:
        EmailMessage(subject, body, to=[user.email]).send()
    except Exception:
        # Whatever the mail server or its connection raised: logged for the
        # operator, told to the inviter, who can resend.
        logger.exception("Could not send the invitation email to user %s", user.pk)
        return False
    return True


def _lock_for_level_change(*, membership: Membership, by: Membership) -> tuple[Membership, bool]:
    """Lock the organization's owners, the member changed and the owner changing
    them, always in primary-key order, so that two owners changing each other at
    the same moment wait for each other instead of deadlocking.

    Returns the member as now stored and whether it is the last owner. Raises
    PermissionDenied when `by` is no longer an owner (demoted a moment ago) and
    Membership.DoesNotExist when the member was removed meanwhile.
    """
    locked = {
        row.pk: row
        for row in Membership.objects.select_for_update()
        .filter(
            Q(organization_id=membership.organization_id, level=Membership.Level.OWNER)
            | Q(pk__in=[membership.pk, by.pk])
        )
        .order_by("pk")
    }
    acting = locked.get(by.pk)
    if acting is None or acting.level != Membership.Level.OWNER:
        raise PermissionDenied("No longer an owner of this organization.")
    current = locked.get(membership.pk)
    if current is None:
        raise Membership.DoesNotExist
    owners = [row for row in locked.values() if row.level == Membership.Level.OWNER]
    return current, owners == [current]


def member_set_level(*, membership: Membership, level: str, by: Membership) -> Membership:
    """Change a member's level, as the owner `by`; the last owner cannot be demoted."""
    with transaction.atomic():
        current, last_owner = _lock_for_level_change(membership=membership, by=by)
        if last_owner and level != Membership.Level.OWNER:
            raise LastOwnerError(f"{membership.user} is the last owner and must stay one.")
        current.level = level
        current.save(update_fields=["level"])
    return current


def member_remove(*, membership: Membership, by: Membership) -> None:
    """Remove a member, as the owner `by`; the last owner cannot be removed."""
    with transaction.atomic():
        current, last_owner = _lock_for_level_change(membership=membership, by=by)
        if last_owner:
            raise LastOwnerError(f"{membership.user} is the last owner and cannot be removed.")
        current.delete()


# Teams


class StartFrom:
    REFERENCE = "reference"
    COPY = "copy"
    BLANK = "blank"

    choices = [
        (REFERENCE, "The documented reference: activities and letters from the role definitions"),
        (COPY, "A copy of another team of this organization"),
        (BLANK, "A blank matrix with the documented role columns"),
    ]


def team_with_free_slug(organization: Organization, name: str, **fields) -> Team:
    """A team with a free slug; IntegrityError when its name is taken (any case)."""
    return create_with_free_slug(
        lambda slug: Team.objects.create(organization=organization, name=name, slug=slug, **fields),
        name,
        lambda slug: organization.teams.filter(slug=slug).exists(),
        fallback="team",
    )


def _canonical_columns(organization: Organization, *, uses_scrum: bool) -> list[Role]:
    """The documented roles a team of this context has as columns, in order."""
    roles = {role.canonical: role for role in organization.roles.exclude(canonical="")}
    return [
        roles[kind.value]
        for kind in CanonicalRole
        if kind.value in roles and (uses_scrum or not kind.is_scrum_only)
    ]


def team_create(
    *,
    organization: Organization,
    name: str,
    uses_scrum: bool,
    stage: str,
    start_from: str,
    source_team: Team | None = None,
) -> Team:
    """A new team started from the reference, a copy of `source_team`, or blank."""
    if start_from == StartFrom.COPY:
        if source_team is None or source_team.organization_id != organization.pk:
            raise ValueError("A copy needs a source team of the same organization.")
        return team_copy(source=source_team, name=name, uses_scrum=uses_scrum, stage=stage)
    with transaction.atomic():
        team = team_with_free_slug(organization, name, uses_scrum=uses_scrum, stage=stage)
        organization.ensure_canonical_roles()
        columns = _canonical_columns(organization, uses_scrum=uses_scrum)
        TeamRole.objects.bulk_create(
            TeamRole(team=team, role=role, position=position)
            for position, role in enumerate(columns)
        )
        if start_from == StartFrom.REFERENCE:
            _fill_from_reference(team, columns)
    return team


def _fill_from_reference(team: Team, columns: list[Role]) -> None:
    """The catalogue's activities with their documented letters, fitted to the team."""
    role_by_kind = {CanonicalRole(role.canonical): role for role in columns}
    rows = catalogue.reference_rows(uses_scrum=team.uses_scrum)
    activities = Activity.objects.bulk_create(
        Activity(
            team=team,
            name=entry.name,
            description=entry.description,
            category=entry.category.value,
            catalogue_key=entry.key,
            position=position,
        )
        for position, (entry, _letters) in enumerate(rows)
    )
    Assignment.objects.bulk_create(
        Assignment(activity=activity, role=role_by_kind[kind], letters=letters_to_text(value))
        for activity, (_entry, letters) in zip(activities, rows, strict=True)
        for kind, value in letters.items()
        if kind in role_by_kind
    )


def team_copy(*, source: Team, name: str, uses_scrum: bool, stage: str) -> Team:
    """A new team with the columns, activities, cells and thresholds of `source`.

    People are not copied: who holds which role is what differs between teams.
    """
    organization = source.organization
    with transaction.atomic():
        team = team_with_free_slug(
            organization,
            name,
            uses_scrum=uses_scrum,
            stage=stage,
            max_responsible=source.max_responsible,
            max_consulted=source.max_consulted,
            accountable_does_work=source.accountable_does_work,
        )
        TeamRole.objects.bulk_create(
            TeamRole(team=team, role_id=column.role_id, position=column.position)
            for column in source.team_roles.all()
        )
        originals = list(source.activities.all())
        copies = Activity.objects.bulk_create(
            Activity(
                team=team,
                name=activity.name,
                description=activity.description,
                category=activity.category,
                catalogue_key=activity.catalogue_key,
                position=activity.position,
            )
            for activity in originals
        )
        copy_of = {original.pk: copy for original, copy in zip(originals, copies, strict=True)}
        Assignment.objects.bulk_create(
            Assignment(
                activity=copy_of[cell.activity_id], role_id=cell.role_id, letters=cell.letters
            )
            for cell in Assignment.objects.filter(activity__team=source).exclude(letters="")
        )
    return team


# What a column's removal takes with it.
COLUMN_PARTS = ("columns", "cells", "holders", "acceptances")


def team_column_add(*, team: Team, role: Role, by=None) -> None:
    summary = f"Added the {role.name} column"
    with history.recording(team, by=by, action="column-add", summary=summary, parts=COLUMN_PARTS):
        position = team.next_position(team.team_roles)
        TeamRole.objects.get_or_create(team=team, role=role, defaults={"position": position})


def team_column_remove(*, team_role: TeamRole, by=None) -> None:
    """Take a role off a team's matrix: its cells and its holders in the team go too."""
    summary = f"Removed the {team_role.role.name} column, its cells and holders"
    with history.recording(
        team_role.team, by=by, action="column-remove", summary=summary, parts=COLUMN_PARTS
    ):
        Assignment.objects.filter(activity__team=team_role.team, role=team_role.role).delete()
        RoleHolder.objects.filter(team=team_role.team, role=team_role.role).delete()
        team_role.delete()


# People


def team_person_save(*, team: Team, person, roles, by=None, claim=None) -> None:
    """Save `person` (new or changed) and make `roles` exactly what they hold in `team`.

    `claim()`, when given, says whether the person is still as the form saving
    them was based on (BasedOnVersionForm.claim_version); if not, StaleEdit is
    raised and nothing is saved.
    """
    held_now = ", ".join(role.name for role in roles) or "no role"
    with transaction.atomic():
        changed = models.Q(pk=team.pk)
        if person.pk:
            # Their name shows in the column headers of every team they hold a role in.
            changed |= models.Q(role_holders__person_id=person.pk)
        # All of them locked at once, in one order, before this team's change
        # set, which moves this team's revision on (once: the kept grids read
        # the change log revision by revision); the others' move on here.
        locked = list(
            Team.objects.filter(pk__in=Team.objects.filter(changed).values("pk"))
            .order_by("pk")
            .select_for_update()
            .values_list("pk", flat=True)
        )
        Team.objects.filter(pk__in=locked).exclude(pk=team.pk).record_change()
        # After the teams' locks, in the order every write of a team takes them.
        if claim is not None and not claim():
            raise StaleEdit
        summary = f"{person.name} holds {held_now}"
        with history.recording(team, by=by, action="holders", summary=summary, parts=("holders",)):
            person.organization = team.organization
            person.save()
            wanted = {role.pk for role in roles}
            holders = RoleHolder.objects.filter(team=team, person=person)
            holders.exclude(role_id__in=wanted).delete()
            held = set(holders.values_list("role_id", flat=True))
            # A colleague adding the same person at the same moment gives the same result.
            RoleHolder.objects.bulk_create(
                (
                    RoleHolder(team=team, person=person, role_id=role_id)
                    for role_id in wanted - held
                ),
                ignore_conflicts=True,
            )


def team_person_remove(*, team: Team, person, by=None) -> None:
    """Take `person` off `team`; they stay in the organization and its other teams."""
    summary = f"Took {person.name} off the team"
    with history.recording(team, by=by, action="holders", summary=summary, parts=("holders",)):
        RoleHolder.objects.filter(team=team, person=person).delete()


def role_delete(*, role: Role, by=None) -> None:
    """Delete a custom role with its columns, cells and holders in every team,
    recorded as one change set in each of those teams."""
    with transaction.atomic():
        teams = list(Team.objects.using_role(role).distinct().order_by("pk"))
        Team.objects.filter(pk__in=[team.pk for team in teams]).record_change()
        before = {team.pk: history.team_state(team, COLUMN_PARTS) for team in teams}
        delete_locked(role)
        for team in teams:
            cs = history.change_set(
                team, by=by, action="role-delete", summary=f"Deleted the role {role.name}"
            )
            cs.add(history.state_changes(before[team.pk], history.team_state(team, COLUMN_PARTS)))


# Named versions


def team_version_save(*, team: Team, name: str, note: str, by) -> TeamVersion:
    """Keep the team as it is now under `name`.

    Raises NameTakenError when the team has a version of that name (any case),
    and MatrixFileError when the team is too large for the JSON format.
    """
    with transaction.atomic():
        # The revision read with the matrix, under the team's lock: the version
        # is the team at exactly that revision.
        revision = (
            Team.objects.select_for_update().values_list("revision", flat=True).get(pk=team.pk)
        )
        matrix = team.to_matrix()
        document = json.loads(matrix_io.write_json(matrix))
        matrix_io.read_json_document(document)
        try:
            with transaction.atomic():
                return TeamVersion.objects.create(
                    team=team,
                    name=name,
                    note=note,
                    document=document,
                    max_responsible=team.max_responsible,
                    max_consulted=team.max_consulted,
                    revision=revision,
                    created_by=by,
                )
        except IntegrityError:
            raise NameTakenError(f"This team already has a version named “{name}”.") from None


# The trash


def team_trash(*, team: Team, by) -> None:
    """Move the team to the trash; it is invisible everywhere but the trash page."""
    with transaction.atomic():
        team.record_change()
        Team.objects.filter(pk=team.pk).update(deleted_at=timezone.now(), deleted_by=by)


def team_restore(*, team: Team) -> Team | None:
    """Bring a trashed team back. When a team in use took its name or slug
    meanwhile, it comes back renamed ("Checkout (restored)") with a free slug;
    the caller can tell by the returned team's name. None, changing nothing,
    when it is no longer in the trash (a colleague restored or deleted it), or
    a team took its new name at the same moment."""
    try:
        return _team_restore(team)
    except (Team.DoesNotExist, IntegrityError):
        return None


def _team_restore(team: Team) -> Team:
    with transaction.atomic():
        team = Team.with_trashed.select_for_update().get(pk=team.pk, deleted_at__isnull=False)
        live = Team.objects.filter(organization_id=team.organization_id)
        name, number = team.name, 1
        while live.filter(name__iexact=name).exists():
            number += 1
            suffix = " (restored)" if number == 2 else f" (restored {number - 1})"
            name = team.name[: Team._meta.get_field("name").max_length - len(suffix)] + suffix
        slug = team.slug
        if live.filter(slug=slug).exists():
            slug = unique_slug(name, lambda s: live.filter(slug=s).exists(), fallback="team")
        Team.with_trashed.filter(pk=team.pk).update(
            name=name,
            slug=slug,
            deleted_at=None,
            deleted_by=None,
            revision=models.F("revision") + 1,
        )
    return Team.objects.get(pk=team.pk)


def team_delete_for_good(*, team: Team) -> None:
    """Delete a trashed team with its activities, cells, holders and versions."""
    delete_locked(team, team.activities.all())


def trash_purge() -> int:
    """Delete for good the teams in the trash longer than Team.KEPT_IN_TRASH;
    returns how many."""
    purged = 0
    for team in Team.with_trashed.trash_expired().order_by("pk"):
        team_delete_for_good(team=team)
        purged += 1
    return purged


def team_version_restore_letters(*, team: Team, version: TeamVersion, by):
    """Set every cell of the team whose activity and role the version also has
    (by name) to the version's letters, as one change set that can be undone.

    Activities and columns are not added or removed: the answer names those
    that differ. Cells a colleague changes while this runs make it write
    nothing (see Team.write_cells). Returns (history.CellsWritten, the names
    of the rows and columns left as they are).
    """
    snapshot = team.snapshot()
    old = version.side().matrix
    old_letters = {
        (fold(a.name), fold(r.name)): letters_to_text(old.letters(a.key, r.key))
        for a in old.activities
        for r in old.roles
    }
    old_rows = {fold(activity.name) for activity in old.activities}
    old_columns = {fold(role.name) for role in old.roles}
    cells = []
    for activity in snapshot.activities:
        row = snapshot.cells.get(activity.pk, {})
        for column in snapshot.columns:
            key = (fold(activity.name), fold(column.name))
            if key not in old_letters:
                continue
            letters, cell_version = row.get(column.role_id, ("", 0))
            if letters != old_letters[key]:
                cells.append((activity.pk, column.role_id, old_letters[key], cell_version))
    left = [a.name for a in snapshot.activities if fold(a.name) not in old_rows]
    left += [c.name for c in snapshot.columns if fold(c.name) not in old_columns]
    now_rows = {fold(a.name) for a in snapshot.activities}
    now_columns = {fold(c.name) for c in snapshot.columns}
    left += [a.name for a in old.activities if fold(a.name) not in now_rows]
    left += [r.name for r in old.roles if fold(r.name) not in now_columns]
    written = team.write_cells(
        cells, by=by, action="restore", summary=f"Restored the letters of “{version.name}”"
    )
    return written, left


NEW_ACTIVITY = "New activity"


def activity_insert(*, beside: Activity, above: bool, name: str = "", by=None) -> Activity | None:
    """A new activity in `beside`'s category, just above or below it, named
    `name`, or without one "New activity" (numbered when taken) for the user
    to rename; one change set. None when `beside` was deleted meanwhile or a
    colleague took the name."""
    if not name:
        taken = {name.lower() for name in beside.team.activities.values_list("name", flat=True)}
        name = next(
            candidate
            for number in range(1, len(taken) + 2)
            if (candidate := NEW_ACTIVITY if number == 1 else f"{NEW_ACTIVITY} {number}").lower()
            not in taken
        )
    where = "above" if above else "below"
    try:
        with history.recording(
            beside.team,
            by=by,
            action="activity-add",
            summary=f"Added “{name}” {where} “{beside.name}”",
            parts=("activities",),
        ):
            added = Activity.objects.create(
                team_id=beside.team_id, name=name, category=beside.category, position=0
            )
            placed = added._place_locked(category=beside.category, before_id=beside.pk)
            if placed and not above:
                placed = beside._place_locked(category=beside.category, before_id=added.pk)
            if not placed:
                raise Activity.DoesNotExist
    except (Activity.DoesNotExist, IntegrityError):
        # `beside` went, or a colleague took the name at the same moment.
        return None
    return added
