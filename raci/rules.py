"""The RACI analysis engine: a plain matrix value in, findings out.

Pure Python with no Django import, so that the editor, the exports and the
`raci lint` command all analyse the same value the same way, and so that the
tests need no database. `RULES` documents every rule in one place.

The cells are indexed once into a table of rows; every rule then works from
per-row and per-column tallies, so the cost grows with the number of cells,
never with its square.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from raci.catalogue import (
    BMC,
    CAREERFOUNDRY,
    CATALOGUE,
    FORUM,
    SIMPLILEARN,
    CatalogueEntry,
    by_key,
    documented_accountable,
)
from raci.vocabulary import SEVERITY_ORDER, CanonicalRole, Letter, Severity, Stage

A = Letter.ACCOUNTABLE
R = Letter.RESPONSIBLE
C = Letter.CONSULTED
PM = CanonicalRole.PRODUCT_MANAGER
PO = CanonicalRole.PRODUCT_OWNER
SM = CanonicalRole.SCRUM_MASTER
DEV = CanonicalRole.DEVELOPERS
NO_LETTERS: frozenset[Letter] = frozenset()


# --- Input ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Role:
    """A column of the matrix."""

    key: str
    name: str
    # The canonical kind, or the canonical role a custom role acts as; None for a plain one.
    kind: CanonicalRole | None = None


@dataclass(frozen=True)
class Activity:
    """A row of the matrix."""

    key: str
    name: str
    category: str = ""
    catalogue_key: str | None = None


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    role_keys: frozenset[str] = frozenset()
    email: str = ""
    title: str = ""


@dataclass(frozen=True)
class TeamContext:
    uses_scrum: bool = True
    stage: Stage = Stage.ESTABLISHED


@dataclass(frozen=True)
class Thresholds:
    max_responsible: int = 3
    max_consulted: int = 4
    # A role accountable for more than this share of the activities is a bottleneck.
    max_accountable_share: float = 0.5
    # Share-based column checks say nothing useful about a handful of rows.
    min_activities_for_shares: int = 6


@dataclass(frozen=True)
class Matrix:
    activities: tuple[Activity, ...]
    roles: tuple[Role, ...]
    # (activity key, role key) -> letters; a missing cell holds no letter.
    cells: Mapping[tuple[str, str], frozenset[Letter]]
    context: TeamContext | None = None  # None: the team context is unknown.
    people: tuple[Person, ...] | None = None  # None: staffing is unknown, its rules do not run.
    name: str = ""

    def letters(self, activity_key: str, role_key: str) -> frozenset[Letter]:
        return self.cells.get((activity_key, role_key), NO_LETTERS)


# --- Output --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellChange:
    """A one-click fix: set this cell to exactly these letters."""

    activity_key: str
    role_key: str
    letters: frozenset[Letter]


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    suggestion: str = ""
    activity_key: str | None = None
    activity: str | None = None
    role_key: str | None = None
    role: str | None = None
    person: str | None = None
    reference: CatalogueEntry | None = None
    fix: tuple[CellChange, ...] = ()

    @property
    def location(self) -> str:
        """Where the finding points, for one-line displays: "Backlog ordering / PM"."""
        return " / ".join(part for part in (self.activity, self.role, self.person) if part)


# --- The rules, documented -----------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    group: str
    why: str
    source: str


CLASSIC = "Classic RACI practice: one accountable per activity, at least one responsible."
_ERROR, _WARNING, _INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

RULES: tuple[Rule, ...] = (
    Rule(
        "empty-activity",
        _ERROR,
        "matrix",
        "An activity with no letter at all is work nobody does or answers for. Reported "
        "instead of no-accountable and no-responsible.",
        CLASSIC,
    ),
    Rule(
        "no-accountable",
        _ERROR,
        "matrix",
        "Without an A, nobody answers for the outcome or can sign it off.",
        CLASSIC,
    ),
    Rule(
        "multiple-accountable",
        _ERROR,
        "matrix",
        "With two A's, each accountable role can assume the other decides.",
        CLASSIC,
    ),
    Rule(
        "no-responsible",
        _ERROR,
        "matrix",
        "Without an R nobody does the work (a cell holding A and R counts as an R).",
        CLASSIC,
    ),
    Rule(
        "crowded-responsible",
        _WARNING,
        "matrix",
        "When many roles share the R, nobody feels the work is theirs. Threshold: "
        "max_responsible (default 3).",
        CLASSIC,
    ),
    Rule(
        "crowded-consulted",
        _WARNING,
        "matrix",
        "Every C is a conversation before the work can move; many of them slow it down. "
        "Threshold: max_consulted (default 4).",
        CLASSIC,
    ),
    Rule(
        "duplicate-activity",
        _WARNING,
        "matrix",
        "Two rows with the same name can hold different letters, and readers cannot tell "
        "which one is true.",
        "Keeping one matrix readable.",
    ),
    Rule(
        "idle-role",
        _WARNING,
        "matrix",
        "A role that is never R or A does no work in this matrix: drop it, or give it the "
        "work it really does.",
        CLASSIC,
    ),
    Rule(
        "accountable-bottleneck",
        _WARNING,
        "matrix",
        "A role accountable for most activities becomes the queue every decision waits in. "
        "Threshold: max_accountable_share (default more than half), judged from "
        "min_activities_for_shares activities (default 6).",
        CLASSIC,
    ),
    Rule(
        "role-in-every-activity",
        _INFO,
        "matrix",
        "A role with a letter on every activity is in every conversation; check that each "
        "C and I is needed. Judged from min_activities_for_shares activities (default 6).",
        CLASSIC,
    ),
    Rule(
        "unknown-catalogue-key",
        _WARNING,
        "documented",
        "The activity points at a catalogue key that does not exist, so it is not checked "
        "against the documented roles.",
        "The catalogue (raci/catalogue.py).",
    ),
    Rule(
        "owner-mismatch",
        _WARNING,
        "documented",
        "The A sits with a different role than the one the sources make accountable: an "
        "overlap between roles, such as the PM accountable for backlog ordering.",
        "The entry's sources in the catalogue.",
    ),
    Rule(
        "owner-missing",
        _WARNING,
        "documented",
        "The role the sources make accountable holds neither A nor R on the activity: a gap.",
        "The entry's sources in the catalogue.",
    ),
    Rule(
        "pm-po-overlap",
        _WARNING,
        "documented",
        "PM and PO both R or A on one activity is the blurred line the sources keep warning "
        "about. Info when one person holds both roles in a startup-stage team.",
        f"{BMC} (Owner, manager: ambiguous terms); {SIMPLILEARN} (Key Differences; FAQs 1); "
        f"{CAREERFOUNDRY} (6. The differences in summary).",
    ),
    Rule(
        "missing-core-activity",
        _INFO,
        "documented",
        "A documented responsibility of a role the team has is not in the matrix, so "
        "nobody's part in it is written down. Only for matrices that use catalogue keys.",
        "The entry's sources in the catalogue.",
    ),
    Rule(
        "unstaffed-role",
        _WARNING,
        "staffing",
        "The role has work (R or A) but nobody in the team holds it.",
        CLASSIC,
    ),
    Rule(
        "combined-pm-po",
        _WARNING,
        "staffing",
        "One person holding PM and PO: normal in a startup (info there), but in an "
        "established team the strategic and the team-facing work compete for their time.",
        f"{SIMPLILEARN} (Can a Product Owner Also Be a Product Manager?; FAQs 1, 4); "
        f"{CAREERFOUNDRY} (6. The differences in summary).",
    ),
    Rule(
        "combined-po-sm",
        _WARNING,
        "staffing",
        "The Scrum Master coaches the Product Owner; one person cannot coach themselves.",
        f"{SIMPLILEARN} (Scrum Master, career path).",
    ),
    Rule(
        "shared-accountability",
        _INFO,
        "staffing",
        "The accountable role is held by several people, so no single person answers for "
        "its A's. Not raised for Developers, whom Scrum makes accountable as a group.",
        f"{CLASSIC} The Scrum Guide (not among the seeds) for Developers.",
    ),
    Rule(
        "scrum-role-without-scrum",
        _INFO,
        "staffing",
        "A team that does not use Scrum has Product Owner or Scrum Master assignments; "
        "without Scrum the PO's work falls to the Product Manager.",
        f"{BMC} (Product Owner is Scrum-dependent); {CAREERFOUNDRY} (1. What's the "
        f"difference); {FORUM} (Product owner; Product manager).",
    ),
    Rule(
        "missing-scrum-role",
        _WARNING,
        "staffing",
        "A Scrum team needs a Product Owner, a Scrum Master and Developers; one of them has "
        "no holder.",
        f"{BMC} (Product Owner is Scrum-dependent); {CAREERFOUNDRY} (3. What is Scrum?).",
    ),
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


# --- The engine ----------------------------------------------------------------------------


def analyse(matrix: Matrix, thresholds: Thresholds = Thresholds()) -> list[Finding]:
    """Every finding on the matrix, sorted by severity, then in matrix order."""
    return _Analysis(matrix, thresholds).run()


def count_by_severity(findings) -> dict[Severity, int]:
    """How many findings of each severity, every severity present, in order."""
    counts = dict.fromkeys(SEVERITY_ORDER, 0)
    for finding in findings:
        counts[finding.severity] += 1
    return counts


def reference_matrix() -> Matrix:
    """The catalogue as a matrix: one row per entry, the four roles with documented letters."""
    roles = tuple(Role(key=kind.value, name=kind.label, kind=kind) for kind in CanonicalRole)
    activities = tuple(
        Activity(key=entry.key, name=entry.name, category=entry.category, catalogue_key=entry.key)
        for entry in CATALOGUE
    )
    cells = {
        (entry.key, kind.value): letters
        for entry in CATALOGUE
        for kind, letters in entry.letters.items()
        if letters
    }
    return Matrix(activities=activities, roles=roles, cells=cells, name="Reference matrix")


def _names(items) -> str:
    """Names joined for a sentence: A; A and B; A, B and C."""
    names = [item.name for item in items]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _activities(count: int) -> str:
    return "1 activity" if count == 1 else f"{count} activities"


@dataclass
class _Row:
    """The tallies of one activity, computed once."""

    accountable: list[int]
    responsible: list[int]
    consulted: list[int]
    involved: int


class _Analysis:
    def __init__(self, matrix: Matrix, thresholds: Thresholds):
        self.matrix = matrix
        self.thresholds = thresholds
        self.context = matrix.context or TeamContext()
        self.activities = matrix.activities
        self.roles = matrix.roles
        self._found: list[tuple[tuple[int, int, int, int], Finding]] = []

        # Index the cells once: a table of letters per (activity, role) position.
        activity_at = {activity.key: i for i, activity in enumerate(self.activities)}
        self.role_at = {role.key: i for i, role in enumerate(self.roles)}
        self.table = [[NO_LETTERS] * len(self.roles) for _ in self.activities]
        for (activity_key, role_key), letters in matrix.cells.items():
            a, r = activity_at.get(activity_key), self.role_at.get(role_key)
            if a is not None and r is not None:
                self.table[a][r] = letters

        self.rows: list[_Row] = []
        self.accountable_count = [0] * len(self.roles)
        self.doing_count = [0] * len(self.roles)  # R or A
        self.involved_count = [0] * len(self.roles)
        for cells in self.table:
            row = _Row([], [], [], 0)
            for r, letters in enumerate(cells):
                if not letters:
                    continue
                row.involved += 1
                self.involved_count[r] += 1
                if A in letters:
                    row.accountable.append(r)
                    self.accountable_count[r] += 1
                if R in letters:
                    row.responsible.append(r)
                if C in letters:
                    row.consulted.append(r)
                if A in letters or R in letters:
                    self.doing_count[r] += 1
            self.rows.append(row)

        self.roles_of_kind: dict[CanonicalRole, list[int]] = {kind: [] for kind in CanonicalRole}
        for r, role in enumerate(self.roles):
            if role.kind is not None:
                self.roles_of_kind[role.kind].append(r)

        # Who holds which column; unknown role keys on a person are ignored.
        self.holders: list[list[Person]] = [[] for _ in self.roles]
        for person in matrix.people or ():
            for key in person.role_keys:
                if key in self.role_at:
                    self.holders[self.role_at[key]].append(person)

    def run(self) -> list[Finding]:
        for a in range(len(self.activities)):
            self._check_row(a)
            self._check_pm_po_overlap(a)
            self._check_documented(a)
        self._check_duplicates()
        self._check_columns()
        self._check_missing_core_activities()
        if self.matrix.context is not None and not self.context.uses_scrum:
            self._check_scrum_roles_without_scrum()
        if self.matrix.people is not None:
            self._check_staffing()
        self._found.sort(key=lambda pair: pair[0])
        return [finding for _, finding in self._found]

    def _add(self, rule_id, message, suggestion="", *, a=None, r=None, severity=None, **extra):
        activity = self.activities[a] if a is not None else None
        role = self.roles[r] if r is not None else None
        finding = Finding(
            rule=rule_id,
            severity=severity or RULES_BY_ID[rule_id].severity,
            message=message,
            suggestion=suggestion,
            activity_key=activity.key if activity else None,
            activity=activity.name if activity else None,
            role_key=role.key if role else None,
            role=role.name if role else None,
            **extra,
        )
        # Matrix order: rows first, top to bottom; findings about whole columns after them.
        position = (
            finding.severity.rank,
            a if a is not None else len(self.activities),
            r if r is not None else -1,
            len(self._found),
        )
        self._found.append((position, finding))

    # Classic horizontal analysis, one activity at a time.

    def _check_row(self, a: int) -> None:
        row, activity = self.rows[a], self.activities[a]
        entry = by_key(activity.catalogue_key)
        title = f"“{activity.name}”"
        if row.involved == 0:
            self._add(
                "empty-activity",
                f"{title} has no letters at all: nobody does it or answers for it.",
                "Give one role the A and at least one role an R, or delete the row if the "
                "team does not do this.",
                a=a,
                reference=entry,
                fix=self._owner_fix(a, entry),
            )
            return
        if not row.accountable:
            self._add(
                "no-accountable",
                f"Nobody is accountable for {title}.",
                "Give exactly one role the A: the one who answers for the outcome."
                + self._owner_hint(entry),
                a=a,
                reference=entry,
                fix=self._owner_fix(a, entry),
            )
        elif len(row.accountable) > 1:
            holders = [self.roles[r] for r in row.accountable]
            self._add(
                "multiple-accountable",
                f"{_names(holders)} are each accountable for {title}.",
                "Keep one A; the others can stay R or C." + self._owner_hint(entry),
                a=a,
                reference=entry,
                fix=self._owner_fix(a, entry),
            )
        if not row.responsible:
            self._add(
                "no-responsible",
                f"Nobody is responsible for doing {title}.",
                "Mark at least one role R. The accountable role may do the work itself (AR).",
                a=a,
                reference=entry,
            )
        if len(row.responsible) > self.thresholds.max_responsible:
            holders = [self.roles[r] for r in row.responsible]
            self._add(
                "crowded-responsible",
                f"{len(holders)} roles are responsible for {title} ({_names(holders)}), more "
                f"than {self.thresholds.max_responsible}.",
                "Keep R for the roles that do the bulk of the work and make the others C.",
                a=a,
                reference=entry,
            )
        if len(row.consulted) > self.thresholds.max_consulted:
            holders = [self.roles[r] for r in row.consulted]
            self._add(
                "crowded-consulted",
                f"{len(holders)} roles must be consulted on {title} ({_names(holders)}), more "
                f"than {self.thresholds.max_consulted}.",
                "Consult the roles whose input changes the outcome; keep the others informed (I).",
                a=a,
                reference=entry,
            )

    def _check_duplicates(self) -> None:
        first_seen: dict[str, int] = {}
        for a, activity in enumerate(self.activities):
            name = activity.name.strip().lower()
            if name in first_seen:
                self._add(
                    "duplicate-activity",
                    f"“{activity.name}” appears more than once in the matrix.",
                    "Merge the rows or rename one, so each activity has one set of letters.",
                    a=a,
                )
            else:
                first_seen[name] = a

    # Classic vertical analysis, one role at a time.

    def _check_columns(self) -> None:
        count = len(self.activities)
        if count == 0:
            return
        judge_shares = count >= self.thresholds.min_activities_for_shares
        for r, role in enumerate(self.roles):
            if self.doing_count[r] == 0:
                self._add(
                    "idle-role",
                    f"{role.name} is neither responsible nor accountable for any activity.",
                    "Drop the role from the matrix, or give it the work it actually does.",
                    r=r,
                )
            accountable = self.accountable_count[r]
            if judge_shares and accountable > self.thresholds.max_accountable_share * count:
                self._add(
                    "accountable-bottleneck",
                    f"{role.name} is accountable for {accountable} of {count} activities.",
                    "Every decision waits for one role. Hand the A for some activities to "
                    "the roles that do the work.",
                    r=r,
                )
            if judge_shares and self.involved_count[r] == count:
                self._add(
                    "role-in-every-activity",
                    f"{role.name} has a letter on every activity.",
                    "Check that each C and I is needed; a role in every conversation slows "
                    "them all.",
                    r=r,
                )

    # Documented role definitions.

    def _owner_kinds(self, entry: CatalogueEntry) -> tuple[CanonicalRole, ...]:
        """The kinds that may hold the A for this entry in this team, preferred one first."""
        owner = documented_accountable(entry)
        if self.context.uses_scrum:
            return (owner,)
        # Without Scrum the PO's work falls to the PM, and Scrum Master checks do not apply.
        if owner == PO:
            return (PM, PO)
        if owner == SM:
            return ()
        return (owner,)

    def _owner_hint(self, entry: CatalogueEntry | None) -> str:
        if entry is None:
            return ""
        kinds = self._owner_kinds(entry)
        if not kinds:
            return ""
        return f" The documented owner is the {kinds[0].label}."

    def _owner_fix(self, a: int, entry: CatalogueEntry | None) -> tuple[CellChange, ...]:
        """Make the documented owner the one A: add A (and its documented R) to its cell and
        remove A from the others. Only offered when the owner is one column of the matrix."""
        if entry is None:
            return ()
        kinds = self._owner_kinds(entry)
        if not kinds or len(self.roles_of_kind[kinds[0]]) != 1:
            return ()
        target = self.roles_of_kind[kinds[0]][0]
        cells, activity_key = self.table[a], self.activities[a].key
        documented = entry.letters_for(documented_accountable(entry))
        # C or I next to an A says nothing more, so the owner's cell keeps only A and R.
        wanted = (cells[target] & {R}) | {A} | (documented & {R})
        changes = []
        if wanted != cells[target]:
            changes.append(CellChange(activity_key, self.roles[target].key, wanted))
        for r in self.rows[a].accountable:
            if r != target:
                changes.append(CellChange(activity_key, self.roles[r].key, cells[r] - {A}))
        return tuple(changes)

    def _check_documented(self, a: int) -> None:
        activity, row, cells = self.activities[a], self.rows[a], self.table[a]
        title = f"“{activity.name}”"
        if activity.catalogue_key is None:
            return
        entry = by_key(activity.catalogue_key)
        if entry is None:
            self._add(
                "unknown-catalogue-key",
                f"{title} refers to the catalogue key “{activity.catalogue_key}”, which the "
                "catalogue does not have.",
                "Fix the key or clear it; until then this activity is not checked against "
                "the documented roles.",
                a=a,
            )
            return
        kinds = self._owner_kinds(entry)
        owners = [r for kind in kinds for r in self.roles_of_kind[kind]]
        if not owners:
            return  # The team has no such role: the staffing rules speak about that.
        owner_label = kinds[0].label
        disputed = (
            " The sources disagree on this one; see the catalogue note." if entry.disputed else ""
        )
        if row.accountable and not any(r in owners for r in row.accountable):
            holders = [self.roles[r] for r in row.accountable]
            self._add(
                "owner-mismatch",
                f"{_names(holders)} {'holds' if len(holders) == 1 else 'hold'} the A on "
                f"{title}, but the sources make the {owner_label} accountable.",
                f"Make the {owner_label} accountable; the others can stay R or C." + disputed,
                a=a,
                r=row.accountable[0],
                reference=entry,
                fix=self._owner_fix(a, entry),
            )
        if not any(A in cells[r] or R in cells[r] for r in owners):
            self._add(
                "owner-missing",
                f"The {owner_label}, whom the sources make accountable for {title}, holds "
                "neither A nor R on it.",
                f"Give the {owner_label} the A (or at least an R), or check that the matrix "
                "describes what really happens." + disputed,
                a=a,
                r=owners[0],
                reference=entry,
                fix=self._owner_fix(a, entry),
            )

    def _check_pm_po_overlap(self, a: int) -> None:
        cells = self.table[a]
        managers = [r for r in self.roles_of_kind[PM] if A in cells[r] or R in cells[r]]
        owners = [r for r in self.roles_of_kind[PO] if A in cells[r] or R in cells[r]]
        if not managers or not owners:
            return
        activity = self.activities[a]
        entry = by_key(activity.catalogue_key)
        kinds = self._owner_kinds(entry) if entry else ()
        owner = kinds[0] if kinds and kinds[0] in (PM, PO) else None
        # Point at the role that strays from the documented split, if there is one.
        other = owners if owner == PM else managers
        if self.context.stage == Stage.STARTUP and self._one_person_holds(managers, owners):
            severity = Severity.INFO
            suggestion = (
                "Fine while one person holds both roles in a startup; split the work when "
                "the roles go to different people."
            )
            fix = ()
        else:
            severity = None
            suggestion = "Decide which of the two does the work; the other can be consulted (C)."
            if owner:
                suggestion += f" The sources give this to the {owner.label}."
            fix = self._overlap_fix(a, owner, other)
        self._add(
            "pm-po-overlap",
            f"Both {_names([self.roles[r] for r in managers])} and "
            f"{_names([self.roles[r] for r in owners])} do (R or A) “{activity.name}”.",
            suggestion,
            a=a,
            r=other[0],
            severity=severity,
            reference=entry,
            fix=fix,
        )

    def _overlap_fix(
        self, a: int, owner: CanonicalRole | None, other: list[int]
    ) -> tuple[CellChange, ...]:
        """Turn the straying role's R or A into a C, when the owner already holds the A."""
        keep = self.roles_of_kind[owner] if owner else []
        cells = self.table[a]
        if len(other) != 1 or len(keep) != 1 or A not in cells[keep[0]]:
            return ()
        r = other[0]
        return (CellChange(self.activities[a].key, self.roles[r].key, cells[r] - {A, R} | {C}),)

    def _one_person_holds(self, first: list[int], second: list[int]) -> bool:
        keys = {person.key for r in first for person in self.holders[r]}
        return any(person.key in keys for r in second for person in self.holders[r])

    def _check_missing_core_activities(self) -> None:
        present = {activity.catalogue_key for activity in self.activities}
        if not present & {entry.key for entry in CATALOGUE}:
            return  # The matrix does not use the catalogue: one info per entry would be noise.
        for entry in CATALOGUE:
            if entry.key in present:
                continue
            kinds = self._owner_kinds(entry)
            owners = [r for kind in kinds for r in self.roles_of_kind[kind]]
            if owners:
                self._add(
                    "missing-core-activity",
                    f"The matrix has no row for “{entry.name}”, which the sources give the "
                    f"{kinds[0].label}.",
                    f"Add the activity (catalogue key {entry.key}) so everyone's part in it "
                    "is written down.",
                    r=owners[0],
                    reference=entry,
                )

    # Staffing: who holds which role.

    def _check_scrum_roles_without_scrum(self) -> None:
        for kind in (PO, SM):
            for r in self.roles_of_kind[kind]:
                if self.involved_count[r] or self.holders[r]:
                    advice = (
                        "Without Scrum the Product Owner's work falls to the Product Manager: "
                        "move these letters there, or mark the team as using Scrum."
                        if kind == PO
                        else "Without Scrum there is no Scrum Master to fill: drop the "
                        "column, or mark the team as using Scrum."
                    )
                    self._add(
                        "scrum-role-without-scrum",
                        f"The team does not use Scrum, yet {self.roles[r].name} "
                        f"({kind.label}) has assignments.",
                        advice,
                        r=r,
                    )

    def _check_staffing(self) -> None:
        unstaffed_kinds = set()
        for r, role in enumerate(self.roles):
            holders = self.holders[r]
            if self.doing_count[r] and not holders:
                unstaffed_kinds.add(role.kind)
                self._add(
                    "unstaffed-role",
                    f"{role.name} is R or A on {_activities(self.doing_count[r])}, but nobody "
                    "in the team holds the role.",
                    "Name who holds it, or move its work to a role someone holds.",
                    r=r,
                )
            if self.accountable_count[r] and len(holders) > 1 and role.kind != DEV:
                self._add(
                    "shared-accountability",
                    f"{role.name} is accountable for "
                    f"{_activities(self.accountable_count[r])} but is held by "
                    f"{len(holders)} people ({_names(holders)}), so no single person answers "
                    "for them.",
                    "Agree which person holds the A for each activity, or split the role.",
                    r=r,
                )
        for person in self.matrix.people or ():
            kinds = {
                self.roles[self.role_at[key]].kind
                for key in person.role_keys
                if key in self.role_at
            }
            if PM in kinds and PO in kinds:
                startup = self.context.stage == Stage.STARTUP
                self._add(
                    "combined-pm-po",
                    f"{person.name} holds both the Product Manager and the Product Owner role.",
                    "Common and fine in a startup-stage team."
                    if startup
                    else "In an established team the strategic and the team-facing work "
                    "compete for one person's time; consider giving the roles to two people.",
                    severity=Severity.INFO if startup else None,
                    person=person.name,
                )
            if PO in kinds and SM in kinds and self.context.uses_scrum:
                self._add(
                    "combined-po-sm",
                    f"{person.name} holds both the Product Owner and the Scrum Master role.",
                    "The Scrum Master coaches the Product Owner; give the roles to two people.",
                    person=person.name,
                )
        if self.matrix.context is None or not self.context.uses_scrum:
            return
        for kind in (PO, SM, DEV):
            columns = self.roles_of_kind[kind]
            if kind in unstaffed_kinds or any(self.holders[r] for r in columns):
                continue
            self._add(
                "missing-scrum-role",
                f"This Scrum team has nobody holding the {kind.label} role.",
                f"Scrum needs a Product Owner, a Scrum Master and Developers. Name who holds "
                f"the {kind.label} role (a custom role can act as it).",
                r=columns[0] if columns else None,
            )
