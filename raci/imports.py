"""Importing a matrix file into a team: the plan the preview shows, and its one write.

`import_plan` compares what a file holds with the team as it is (or with
nothing, for a new team) and lists what would be created, changed and
removed; `import_apply` writes exactly that plan in one transaction, all or
nothing, after checking that the team has not changed since the plan was
made. It is the only write of an import, so that the history can record it
as one change set.
"""

import functools
import hashlib
import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from raci import catalogue, history, matrix_io, rules, services
from raci.models import (
    Activity,
    Assignment,
    Organization,
    Person,
    Role,
    RoleHolder,
    Team,
    TeamRole,
)
from raci.vocabulary import Category, Stage, fold, letters_to_text, role_kind_for_header

NAME_LIMITS = {"activity": 160, "role": 80, "person": 120}
NONE = ""

# Words in a file's own section names that say which of the app's categories it is.
CATEGORY_WORDS = {
    Category.STRATEGY: ["strateg", "vision", "roadmap", "initiat", "charter", "goal"],
    Category.DISCOVERY: ["discover", "research", "requirement", "analys", "design", "ux"],
    Category.BACKLOG: ["backlog", "planning", "refine", "priorit", "stor", "scope"],
    Category.DELIVERY: ["deliver", "execut", "develop", "build", "implement", "test", "quality"],
    Category.PROCESS: ["process", "ceremon", "retro", "improve", "communicat", "govern", "risk"],
    Category.LAUNCH: ["launch", "release", "deploy", "go-live", "support", "operat", "mainten"],
}


class ImportRefused(ValueError):
    """An import that cannot be planned or applied; the message is meant for the user."""


class ChangedMeanwhile(ImportRefused):
    """The team changed between the preview and the confirmation."""


def guess_category(text: str) -> str:
    """The app's category a file's section name means, or "" when none fits."""
    folded = fold(text)
    for category in Category:
        if folded in (category.value, category.label.lower()):
            return category.value
    for category, words in CATEGORY_WORDS.items():
        if any(word in folded for word in words):
            return category.value
    return NONE


@dataclass
class PlannedRole:
    name: str  # as in the file
    kind: str  # canonical kind the column is checked as, "" for a plain custom role
    existing: Role | None  # the organization's role it maps to, None: created
    new_column: bool = False

    @property
    def column_name(self) -> str:
        """The column's name in the team: its organization role's, or the file's."""
        return self.existing.name if self.existing else self.name


@dataclass
class ImportPlan:
    """What an import would do, for the preview and for `import_apply`."""

    team: Team | None
    team_name: str
    matrix: rules.Matrix  # the file's matrix, names cleaned and categories mapped
    roles: list[PlannedRole]
    category_map: dict[str, str]  # file category -> app category ("" for none)
    fingerprint: str  # the team as planned against; "" for a new team
    # The app category each activity (by its key in `matrix`) will be in.
    categories: dict[str, str] = field(default_factory=dict)
    activities_created: list[str] = field(default_factory=list)
    activities_changed: list[str] = field(default_factory=list)
    activities_removed: list[str] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    roles_created: list[str] = field(default_factory=list)
    cells_created: int = 0
    cells_changed: int = 0
    cells_removed: int = 0
    people_created: list[str] = field(default_factory=list)
    holders_added: list[str] = field(default_factory=list)
    holders_removed: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    findings: list[rules.Finding] = field(default_factory=list)

    @property
    def changes_anything(self) -> bool:
        return bool(
            self.team is None
            or self.activities_created
            or self.activities_changed
            or self.activities_removed
            or self.columns_added
            or self.columns_removed
            or self.cells_created
            or self.cells_changed
            or self.cells_removed
            or self.holders_added
            or self.holders_removed
        )

    def summary_lines(self) -> list[str]:
        """The plan in words, for `raci import` and the preview's headline."""

        def some(items, what):
            return f"{len(items)} {what}" + (f": {_listing(items)}" if items else "")

        where = (
            f"into the new team “{self.team_name}”"
            if self.team is None
            else (f"over “{self.team_name}”")
        )
        return [
            f"Import {where}",
            f"  Activities: {some(self.activities_created, 'created')}; "
            f"{some(self.activities_changed, 'changed')}; "
            f"{some(self.activities_removed, 'removed')}",
            f"  Role columns: {some(self.columns_added, 'added')}; "
            f"{some(self.columns_removed, 'removed')}; "
            f"new roles in the organization: {_listing(self.roles_created) or 'none'}",
            f"  Cells: {self.cells_created} filled, {self.cells_changed} changed, "
            f"{self.cells_removed} emptied",
            f"  People: {some(self.people_created, 'created')}; holders "
            f"{len(self.holders_added)} added, {len(self.holders_removed)} removed",
        ]


def _listing(items: list[str], limit: int = 8) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def team_fingerprint(team: Team) -> str:
    """A digest of everything an import reads from a team, to tell whether it changed
    between the preview and the confirmation."""
    text = matrix_io.write_json(team.to_matrix())
    return hashlib.sha256(text.encode()).hexdigest()


def import_plan(
    *,
    organization: Organization,
    team: Team | None,
    matrix: rules.Matrix,
    team_name: str = "",
    category_map: dict[str, str] | None = None,
    keys_in_file: bool = False,
    filename: str = "",
    uses_scrum: bool | None = None,
    stage: str | None = None,
    chosen_roles: Collection[str] = (),
) -> ImportPlan:
    """What importing `matrix` into `team` (None: a new team) would create, change and
    remove; raises ImportRefused for a file the database cannot hold. `uses_scrum` and
    `stage` are what `import_apply` will be given, for the findings of the result.
    `chosen_roles`: the keys of the roles whose kind the user chose over the reader's
    guess, which wins over an organization role of the same name."""
    matrix, renamed = _clean_matrix(matrix, infer_keys=not keys_in_file)
    categories = {activity.category for activity in matrix.activities if activity.category}
    wanted = dict(category_map or {})
    mapping = {category: wanted.get(category, guess_category(category)) for category in categories}
    mapping = {
        category: value if value in {c.value for c in Category} else NONE
        for category, value in mapping.items()
    }
    org_roles = list(organization.roles.all())
    roles, taken = [], set()
    for role in matrix.roles:
        planned = _plan_role(role, org_roles, taken, chosen=role.key in chosen_roles)
        roles.append(planned)
        if planned.existing is not None:
            taken.add(planned.existing.pk)
    plan = ImportPlan(
        team=team,
        team_name=team.name if team else _new_team_name(team_name or matrix.name, filename),
        matrix=matrix,
        roles=roles,
        category_map=mapping,
        fingerprint=team_fingerprint(team) if team else "",
        renamed=renamed,
    )
    plan.roles_created = [role.name for role in roles if role.existing is None]
    current = team.snapshot() if team else None
    _plan_activities(plan, current)
    _plan_people(plan, organization, current)
    result = _result_matrix(plan, current, _result_context(matrix, current, uses_scrum, stage))
    plan.findings = rules.analyse(result, _thresholds(team))
    return plan


def _new_team_name(name: str, filename: str) -> str:
    """The name asked for, or the file's own, or the file's name ("web" for web.csv)."""
    base = PurePath(filename).name
    stem = base.rpartition(".")[0] if "." in base else base
    # A file's name for its team may be longer than the database holds.
    limit = Team._meta.get_field("name").max_length
    return (name.strip() or stem.strip())[:limit].strip() or "Imported team"


def _thresholds(team: Team | None) -> rules.Thresholds:
    return team.thresholds() if team else rules.Thresholds()


def _clean_matrix(matrix: rules.Matrix, *, infer_keys: bool) -> tuple[rules.Matrix, list[str]]:
    """Names the database can hold: within their lengths, activity names unique."""
    notes, seen, activities = [], set(), []
    for activity in matrix.activities:
        name = activity.name.strip()
        if len(name) > NAME_LIMITS["activity"]:
            raise ImportRefused(
                f"The activity “{name[:60]}…” is longer than {NAME_LIMITS['activity']} "
                "characters: shorten it in the file."
            )
        unique, number = name, 1
        while fold(unique) in seen:
            number += 1
            unique = f"{name} ({number})"
        if unique != name:
            notes.append(f"The activity “{name}” appears twice: the second became “{unique}”.")
        seen.add(fold(unique))
        key = activity.catalogue_key
        if key and not re.fullmatch(r"[a-z0-9-]{1,60}", key):
            notes.append(f"“{key}” is not a catalogue key: left out of “{unique}”.")
            key = None
        if infer_keys and key is None and (entry := _catalogue_by_name().get(fold(name))):
            # Formats without a key column (XLSX, Markdown...) name documented activities.
            key = entry.key
        activities.append(replace(activity, name=unique, catalogue_key=key))
    for role in matrix.roles:
        if len(role.name) > NAME_LIMITS["role"]:
            raise ImportRefused(
                f"The role “{role.name[:40]}…” is longer than {NAME_LIMITS['role']} characters."
            )
    return replace(matrix, activities=tuple(activities)), notes


@functools.cache
def _catalogue_by_name():
    return {fold(entry.name): entry for entry in catalogue.CATALOGUE}


def _plan_role(
    role: rules.Role, org_roles: list[Role], taken: set[int], *, chosen: bool = False
) -> PlannedRole:
    """The organization's role a column of the file is, or None to create one. `taken`:
    the roles earlier columns are, which another column cannot be too. `chosen`: the
    user chose the column's kind in the preview."""
    kind = role.kind.value if role.kind else ""
    same_name = next((r for r in org_roles if fold(r.name) == fold(role.name)), None)
    if same_name is not None and chosen and role.kind and same_name.kind != role.kind:
        # "Project Manager" said to be the Product Manager, where the organization's
        # "Project Manager" is a role of its own: the user's word wins, and the column
        # is the organization's documented role of that kind.
        canonical = next((r for r in org_roles if r.canonical == kind), None)
        if canonical is not None and canonical.pk not in taken:
            return PlannedRole(role.name, kind, canonical)
    if same_name is not None:
        return PlannedRole(
            role.name, kind or (same_name.kind.value if same_name.kind else ""), same_name
        )
    # A header naming a documented role ("PO", "Dev Team") is that role's column.
    if kind and role_kind_for_header(role.name) is not None:
        canonical = next((r for r in org_roles if r.canonical == kind), None)
        if canonical is not None:
            return PlannedRole(role.name, kind, canonical)
    # A header naming another job the catalogue knows ("PM" beside a Product Manager,
    # "Proj. Mgr") is the organization's role of that job ("Project Manager").
    if not kind and (other := catalogue.other_role_named(role.name)):
        known = next(
            (
                r
                for r in org_roles
                if r.kind is None and r.pk not in taken and other.is_named(r.name)
            ),
            None,
        )
        if known is not None:
            return PlannedRole(role.name, "", known)
    return PlannedRole(role.name, kind, None)


def _plan_activities(plan: ImportPlan, current) -> None:
    matrix = plan.matrix
    existing = {fold(a.name): a for a in current.activities} if current else {}
    cells_now = (
        {
            (activity_id, role_id): cell.letters
            for activity_id, row in current.cells.items()
            for role_id, cell in row.items()
            if cell.letters
        }
        if current
        else {}
    )
    columns_now = {column.role_id: column.name for column in current.columns} if current else {}
    planned_role_ids = set()
    for planned in plan.roles:
        if planned.existing is not None:
            planned_role_ids.add(planned.existing.pk)
            if planned.existing.pk not in columns_now:
                plan.columns_added.append(planned.column_name)
        else:
            plan.columns_added.append(planned.column_name)
    plan.columns_removed = [
        name for role_id, name in columns_now.items() if role_id not in planned_role_ids
    ]
    file_names = set()
    for activity in matrix.activities:
        file_names.add(fold(activity.name))
        now = existing.get(fold(activity.name))
        category = plan.categories[activity.key] = _category(plan, activity, now)
        letters = {}
        for planned, role in zip(plan.roles, matrix.roles, strict=True):
            text = letters_to_text(matrix.letters(activity.key, role.key))
            if text:
                letters[planned.existing.pk if planned.existing else planned.name] = text
        if now is None:
            plan.activities_created.append(activity.name)
            plan.cells_created += len(letters)
            continue
        if now.category != category or (now.catalogue_key or None) != activity.catalogue_key:
            plan.activities_changed.append(activity.name)
        for planned in plan.roles:
            role_id = planned.existing.pk if planned.existing else None
            before = cells_now.get((now.pk, role_id), "") if role_id else ""
            after = letters.get(role_id if role_id else planned.name, "")
            if before == after:
                continue
            if not before:
                plan.cells_created += 1
            elif not after:
                plan.cells_removed += 1
            else:
                plan.cells_changed += 1
    plan.activities_removed = [
        activity.name
        for activity in (current.activities if current else [])
        if fold(activity.name) not in file_names
    ]
    # Cells of removed activities and columns go with them.
    removed_ids = {
        a.pk for a in (current.activities if current else []) if a.name in plan.activities_removed
    }
    kept_roles = planned_role_ids
    plan.cells_removed += sum(
        1
        for (activity_id, role_id) in cells_now
        if activity_id in removed_ids or role_id not in kept_roles
    )


def _plan_people(plan: ImportPlan, organization: Organization, current) -> None:
    people = plan.matrix.people
    if people is None:
        # A file without people (CSV, Markdown...) leaves who holds what as it is.
        return
    org_people = list(organization.people.all())
    role_names = {role.key: role.name for role in plan.matrix.roles}
    holders_now = {(h.name, h.role_name) for h in current.holders} if current else set()
    wanted = set()
    for person in people:
        if len(person.name) > NAME_LIMITS["person"]:
            raise ImportRefused(f"The person “{person.name[:40]}…” has too long a name.")
        if person.email:
            try:
                validate_email(person.email)
            except ValidationError:
                raise ImportRefused(
                    f"“{person.email}” ({person.name}) is not an email address."
                ) from None
        if _find_person(org_people, person) is None:
            plan.people_created.append(person.name)
        for key in person.role_keys:
            wanted.add((person.name, role_names[key]))
    plan.holders_added = sorted(f"{name} as {role}" for name, role in wanted - holders_now)
    plan.holders_removed = sorted(f"{name} as {role}" for name, role in holders_now - wanted)


def _find_person(org_people: list[Person], person: rules.Person) -> Person | None:
    if person.email:
        found = next((p for p in org_people if fold(p.email) == fold(person.email)), None)
        if found:
            return found
    return next(
        (
            p
            for p in org_people
            if fold(p.name) == fold(person.name) and not (person.email and p.email)
        ),
        None,
    )


def _result_context(matrix: rules.Matrix, current, uses_scrum, stage) -> rules.TeamContext:
    """The team's context after `import_apply`: the file's, then the form's, over the team's."""
    context = current.team.context() if current else rules.TeamContext()
    if matrix.context is not None:
        context = replace(context, uses_scrum=matrix.context.uses_scrum, stage=matrix.context.stage)
    if uses_scrum is not None:
        context = replace(context, uses_scrum=uses_scrum)
    if stage is not None:
        context = replace(context, stage=Stage(stage))
    return context


def _category(plan: ImportPlan, activity: rules.Activity, now) -> str:
    """The app's category of a file's activity: its section's in the file; for a
    file that gives none, the row's own when the team has it (`now`), else its
    catalogue entry's, so that documented activities do not all land in Other."""
    if activity.category:
        return plan.category_map.get(activity.category, NONE)
    if now is not None:
        return now.category
    entry = catalogue.by_key(activity.catalogue_key)
    return entry.category.value if entry else NONE


def _result_matrix(plan: ImportPlan, current, context: rules.TeamContext) -> rules.Matrix:
    """The team's matrix as it would be after the import, for the preview's findings:
    who holds which role (nobody in a new team, unless the file says) and the team's
    acceptances that still name something the file keeps."""
    matrix = plan.matrix
    roles = tuple(
        rules.Role(
            key=role.key,
            name=planned.existing.name if planned.existing else role.name,
            kind=_kind(planned.kind),
        )
        for role, planned in zip(matrix.roles, plan.roles, strict=True)
    )
    existing = {fold(a.name): a for a in current.activities} if current else {}
    activities = tuple(
        replace(activity, category=_category(plan, activity, existing.get(fold(activity.name))))
        for activity in matrix.activities
    )
    people = matrix.people
    if people is None and current is None:
        people = ()
    elif people is None:
        by_role = {
            planned.existing.pk: role.key
            for role, planned in zip(matrix.roles, plan.roles, strict=True)
            if planned.existing
        }
        held: dict[int, set] = {}
        names = {}
        for holder in current.holders:
            if holder.role_id in by_role:
                held.setdefault(holder.person_id, set()).add(by_role[holder.role_id])
                names[holder.person_id] = holder.name
        people = tuple(
            rules.Person(key=str(pk), name=names[pk], role_keys=frozenset(keys))
            for pk, keys in held.items()
        )
    return replace(
        matrix,
        roles=roles,
        activities=activities,
        people=people,
        context=context,
        accepted=_kept_acceptances(plan, current),
    )


def _kept_acceptances(plan: ImportPlan, current) -> tuple[rules.Acceptance, ...]:
    """The team's acceptances in the file's keys: activities are matched by name and
    columns by role, as `import_apply` writes them. People keep their keys only when
    the file brings none (their holders stay as they are)."""
    if current is None:
        return ()
    matrix = plan.matrix
    by_name = {fold(activity.name): activity.key for activity in matrix.activities}
    activities = {str(a.pk): by_name.get(fold(a.name)) for a in current.activities}
    roles = {
        str(planned.existing.pk): role.key
        for role, planned in zip(matrix.roles, plan.roles, strict=True)
        if planned.existing
    }
    kept = []
    for acceptance in current.accepted:
        activity = activities.get(acceptance.activity_key) if acceptance.activity_key else None
        role = roles.get(acceptance.role_key) if acceptance.role_key else None
        if (
            (acceptance.activity_key and activity is None)
            or (acceptance.role_key and role is None)
            or (acceptance.person_key and matrix.people is not None)
        ):
            continue
        kept.append(replace(acceptance, activity_key=activity, role_key=role))
    return tuple(kept)


def _kind(value: str):
    from raci.vocabulary import CanonicalRole

    return CanonicalRole(value) if value else None


# --- The write -----------------------------------------------------------------------------


def import_apply(
    *,
    plan: ImportPlan,
    organization: Organization,
    uses_scrum: bool | None = None,
    stage: str | None = None,
    by=None,
    filename: str = "",
) -> Team:
    """Write `plan`, all or nothing: the team's activities, columns, cells and (when the
    file has people) holders become what the file says, recorded as one change set.
    Raises ChangedMeanwhile when the team changed since the plan was made."""
    matrix = plan.matrix
    with transaction.atomic():
        # Imports into one organization run one after the other, each seeing the
        # roles and people the one before created: two files bringing one new
        # role at once make it once. NO KEY, so that other writes that only
        # refer to the organization (a team created from its form) are not held up.
        Organization.objects.select_for_update(no_key=True).filter(pk=organization.pk).first()
        team = plan.team
        if team is not None:
            team = Team.objects.select_for_update().get(pk=team.pk)
            if team_fingerprint(team) != plan.fingerprint:
                raise ChangedMeanwhile(
                    "The team changed since the preview (a colleague edited it): nothing was "
                    "imported. Here is the preview again, against the team as it is now."
                )
        else:
            team = _new_team(organization, plan.team_name)
        summary = f"Imported {filename}" if filename else "Imported a matrix file"
        with history.recording(team, by=by, action="import", summary=summary):
            context = matrix.context
            if context is not None:
                team.uses_scrum, team.stage = context.uses_scrum, context.stage.value
            if uses_scrum is not None:
                team.uses_scrum = uses_scrum
            if stage is not None:
                team.stage = Stage(stage).value
            team.save()
            role_ids = _write_roles(plan, organization, team)
            _write_activities(plan, team, role_ids)
            if matrix.people is not None:
                _write_people(plan, organization, team, role_ids)
    return team


def _new_team(organization: Organization, name: str) -> Team:
    """A team named `name`, or "name (2)"... when a team in use has that name,
    with a free slug.

    Another import or team creation can take the name between the check and
    the write; the unique constraint refuses this one, which moves on to the
    next free name, as if it had come second.
    """
    for _attempt in range(services.CREATE_ATTEMPTS):
        free = _free_team_name(organization, name)
        try:
            return services.team_with_free_slug(organization, free)
        except IntegrityError:
            if not organization.teams.filter(name__iexact=free).exists():
                raise
    raise IntegrityError(f"No free team name for {name!r} in {services.CREATE_ATTEMPTS} attempts")


def _free_team_name(organization: Organization, name: str) -> str:
    limit = Team._meta.get_field("name").max_length
    free, number = name, 1
    while organization.teams.filter(name__iexact=free).exists():
        number += 1
        suffix = f" ({number})"
        free = name[: limit - len(suffix)] + suffix
    return free


def _write_roles(plan: ImportPlan, organization: Organization, team: Team) -> dict[str, int]:
    """Role key in the file -> organization role id; the team's columns become exactly
    the file's, in its order."""
    role_ids = {}
    for role, planned in zip(plan.matrix.roles, plan.roles, strict=True):
        if planned.existing is None:
            named = organization.roles.filter(name__iexact=planned.name)
            planned.existing = named.first() or _created_unless_taken(
                Role(organization=organization, name=planned.name, acts_as=planned.kind),
                taken=named,
            )
        role_ids[role.key] = planned.existing.pk
    keep = set(role_ids.values())
    Assignment.objects.filter(activity__team=team).exclude(role_id__in=keep).delete()
    RoleHolder.objects.filter(team=team).exclude(role_id__in=keep).delete()
    TeamRole.objects.filter(team=team).exclude(role_id__in=keep).delete()
    columns = {column.role_id: column for column in TeamRole.objects.filter(team=team)}
    for position, role_id in enumerate(role_ids.values()):
        column = columns.get(role_id)
        if column is None:
            TeamRole.objects.create(team=team, role_id=role_id, position=position)
        elif column.position != position:
            column.position = position
            column.save(update_fields=["position"])
    return role_ids


def _write_activities(plan: ImportPlan, team: Team, role_ids: dict[str, int]) -> None:
    matrix = plan.matrix
    existing = {fold(a.name): a for a in Activity.objects.filter(team=team)}
    wanted = {fold(activity.name) for activity in matrix.activities}
    Activity.objects.filter(pk__in=[a.pk for f, a in existing.items() if f not in wanted]).delete()
    activity_ids = {}
    for position, activity in enumerate(matrix.activities):
        row = existing.get(fold(activity.name))
        category = _category(plan, activity, row)
        if row is None:
            row = Activity.objects.create(
                team=team,
                name=activity.name,
                category=category,
                catalogue_key=activity.catalogue_key or "",
                position=position,
            )
        else:
            row.name, row.category, row.position = activity.name, category, position
            row.catalogue_key = activity.catalogue_key or ""
            row.save(update_fields=["name", "category", "position", "catalogue_key"])
        activity_ids[activity.key] = row.pk
    cells = {(a.activity_id, a.role_id): a for a in Assignment.objects.filter(activity__team=team)}
    create, update = [], []
    for activity in matrix.activities:
        for role in matrix.roles:
            text = letters_to_text(matrix.letters(activity.key, role.key))
            key = (activity_ids[activity.key], role_ids[role.key])
            cell = cells.pop(key, None)
            if cell is None:
                if text:
                    create.append(Assignment(activity_id=key[0], role_id=key[1], letters=text))
            elif cell.letters != text:
                cell.letters, cell.version = text, cell.version + 1
                update.append(cell)
    Assignment.objects.bulk_create(create)
    Assignment.objects.bulk_update(update, ["letters", "version"])
    Assignment.objects.filter(pk__in=[cell.pk for cell in cells.values()]).delete()


def _write_people(plan: ImportPlan, organization: Organization, team: Team, role_ids) -> None:
    org_people = list(organization.people.all())
    RoleHolder.objects.filter(team=team).delete()
    holders = []
    for person in plan.matrix.people:
        row = _find_person(org_people, person)
        if row is None:
            row = _created_unless_taken(
                Person(
                    organization=organization,
                    name=person.name,
                    email=person.email,
                    title=person.title,
                ),
                taken=organization.people.filter(email__iexact=person.email).exclude(email=""),
            )
            org_people.append(row)
        holders += [
            RoleHolder(team=team, person=row, role_id=role_ids[key])
            for key in sorted(person.role_keys)
            if key in role_ids
        ]
    RoleHolder.objects.bulk_create(holders, ignore_conflicts=True)


def _created_unless_taken(row, *, taken):
    """`row`, saved; or the row of `taken` that a colleague's form saved with
    the same name or email after this import read them.

    The organization's lock keeps imports apart, but the roles and people pages
    do not take it: their row can be committed between the read and this write,
    and the unique constraint refuses the copy. The savepoint keeps the import
    going, with the colleague's row, as if it had come second.
    """
    try:
        with transaction.atomic():
            row.save(force_insert=True)
        return row
    except IntegrityError:
        found = taken.first()
        if found is None:
            raise
        return found


def category_choices() -> list[tuple[str, str]]:
    return [(NONE, "— none (Other) —")] + [(c.value, c.label) for c in Category]
