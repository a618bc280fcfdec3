"""The RACI analysis engine: a plain matrix value in, findings out.

Pure Python with no Django import, so that the editor, the exports and the
`raci lint` command all analyse the same value the same way, and so that the
tests need no database. `RULES` documents every rule in one place; each rule
is a constant the engine names when it reports a finding.

The cells are indexed once into a table of rows; every rule then works from
per-row and per-column tallies, so the cost grows with the number of cells,
never with its square.

A finding a team has accepted (with a reason) stays in the list, marked with
its `Acceptance`, as long as the letters it concerns are the ones it was
accepted on; when one of them changes, the finding is open again.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from hashlib import sha256
from itertools import combinations

from raci.catalogue import (
    BMC,
    CAREERFOUNDRY,
    CATALOGUE,
    FORUM,
    SIMPLILEARN,
    CatalogueEntry,
    Dispute,
    OtherRole,
    Source,
    by_key,
    documented_accountable,
    documented_owners,
    fold,
    in_reference,
    reference_rows,
)
from raci.matching import match_entry
from raci.vocabulary import (
    DEV,
    PM,
    PO,
    SEVERITY_ORDER,
    SM,
    CanonicalRole,
    Category,
    Letter,
    Severity,
    Stage,
    letters_in_words,
    letters_to_text,
)

A = Letter.ACCOUNTABLE
R = Letter.RESPONSIBLE
C = Letter.CONSULTED
I = Letter.INFORMED  # noqa: E741
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
    # The team's convention: the accountable role also does the work unless
    # someone else is R, so an A alone needs no R beside it.
    accountable_does_work: bool = False


@dataclass(frozen=True)
class Thresholds:
    max_responsible: int = 3
    max_consulted: int = 4
    # A role accountable for more than this share of the activities is a bottleneck.
    max_accountable_share: float = 0.5
    # Share-based column checks say nothing useful about a handful of rows.
    min_activities_for_shares: int = 6


@dataclass(frozen=True)
class Acceptance:
    """A team's decision to live with a finding, and why.

    It names the finding as `Finding.identity` does. `letters` are the letters
    the finding concerned when it was accepted: the acceptance holds only while
    they stay the same (None: whatever they are).
    """

    rule: str
    activity_key: str | None = None
    role_key: str | None = None
    person_key: str | None = None
    subject: str = ""
    letters: str | None = None
    reason: str = ""
    by: str = ""
    at: datetime | None = None
    key: str = ""  # The stored acceptance's id, for reopening it.

    @property
    def identity(self) -> tuple:
        return (self.rule, self.activity_key, self.role_key, self.person_key, self.subject)


@dataclass(frozen=True)
class Matrix:
    activities: tuple[Activity, ...]
    roles: tuple[Role, ...]
    # (activity key, role key) -> letters; a missing cell holds no letter.
    cells: Mapping[tuple[str, str], frozenset[Letter]]
    context: TeamContext | None = None  # None: the team context is unknown.
    people: tuple[Person, ...] | None = None  # None: staffing is unknown, its rules do not run.
    name: str = ""
    accepted: tuple[Acceptance, ...] = ()

    def letters(self, activity_key: str, role_key: str) -> frozenset[Letter]:
        return self.cells.get((activity_key, role_key), NO_LETTERS)


# --- Output --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellChange:
    """Part of a one-click fix: set this cell to exactly these letters. `was`
    is what the cell holds now, so the fix can say what it changes."""

    activity_key: str
    role_key: str
    letters: frozenset[Letter]
    was: frozenset[Letter]


@dataclass(frozen=True)
class Fix:
    """One way to resolve a finding. A finding offers several when more than one
    column could take the work (two columns acting as the Product Owner);
    `key` tells them apart: the key of the column the fix is about."""

    key: str
    label: str
    changes: tuple[CellChange, ...]

    def effect(self, role_names: Mapping[str, str]) -> str:
        """What the fix does to each cell of its row, named by `role_names`
        (role key -> name): "Product Owner: R → AR; Scrum Master: A → not involved"."""
        return "; ".join(
            f"{role_names[change.role_key]}: {letters_in_words(change.was)} → "
            f"{letters_in_words(change.letters)}"
            for change in self.changes
        )


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
    person_key: str | None = None
    person: str | None = None
    # Tells apart findings of one rule that name no activity, role or person.
    subject: str = ""
    reference: CatalogueEntry | None = None
    # The activity has no catalogue key; `reference` is the entry its name matches.
    matched_by_name: bool = False
    # The passages of the articles the finding rests on.
    sources: tuple[Source, ...] = ()
    fixes: tuple[Fix, ...] = ()
    accepted: Acceptance | None = None
    # An acceptance of this finding that no longer holds: its letters changed.
    reopened: Acceptance | None = None
    # The letters the finding concerns, or how to spell them out when first asked
    # (most findings are never accepted): see `letters`.
    concerns: str | Callable[[], str] = field(default="", compare=False, repr=False)

    @property
    def letters(self) -> str:
        """The letters the finding concerns, as text: what an acceptance is tied to."""
        return self.concerns if isinstance(self.concerns, str) else self.concerns()

    @property
    def identity(self) -> tuple:
        return (self.rule, self.activity_key, self.role_key, self.person_key, self.subject)

    @property
    def letters_digest(self) -> str:
        """A short stand-in for `letters`, for forms to send back unchanged."""
        return sha256(self.letters.encode()).hexdigest()[:16]

    @property
    def location(self) -> str:
        """Where the finding points, for one-line displays: "Backlog ordering / PM"."""
        return " / ".join(part for part in (self.activity, self.role, self.person) if part)

    def fix_for(self, key: str) -> Fix | None:
        """The fix named by `key`; the only one when `key` is empty and there is one."""
        if not key and len(self.fixes) == 1:
            return self.fixes[0]
        return next((fix for fix in self.fixes if fix.key == key), None)


# --- The rules, documented -----------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    group: str
    why: str
    # What the rule rests on when it is not a passage of the articles.
    basis: str = ""
    sources: tuple[Source, ...] = ()


CLASSIC = "Classic RACI practice: one accountable per activity, at least one responsible."
ENTRY_SOURCES = "The sources of the catalogue entry the activity is checked against."
_ERROR, _WARNING, _INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
_MATRIX, _DOCUMENTED, _STAFFING = "matrix", "documented", "staffing"

EMPTY_ACTIVITY = Rule(
    "empty-activity",
    _ERROR,
    _MATRIX,
    "An activity with no letter at all is work nobody does or answers for. Reported "
    "instead of no-accountable and no-responsible.",
    CLASSIC,
)
NO_ACCOUNTABLE = Rule(
    "no-accountable",
    _ERROR,
    _MATRIX,
    "Without an A, nobody answers for the outcome or can sign it off.",
    CLASSIC,
)
MULTIPLE_ACCOUNTABLE = Rule(
    "multiple-accountable",
    _ERROR,
    _MATRIX,
    "With two A's, each accountable role can assume the other decides.",
    CLASSIC,
)
NO_RESPONSIBLE = Rule(
    "no-responsible",
    _ERROR,
    _MATRIX,
    "Without an R nobody does the work (a cell holding A and R counts as an R). Not raised "
    "for a row with an A in a team whose convention is that the accountable also does the "
    "work unless someone else is R.",
    CLASSIC,
)
CONTRADICTORY_LETTERS = Rule(
    "contradictory-letters",
    _WARNING,
    _MATRIX,
    "A role holding the A together with a C or an I on one activity: nobody is consulted on, "
    "or told about, their own decision. The C or I says nothing and hides what was meant.",
    CLASSIC,
)
CROWDED_RESPONSIBLE = Rule(
    "crowded-responsible",
    _WARNING,
    _MATRIX,
    "When many roles share the R, nobody feels the work is theirs. Threshold: "
    "max_responsible (default 3).",
    CLASSIC,
)
CROWDED_CONSULTED = Rule(
    "crowded-consulted",
    _WARNING,
    _MATRIX,
    "Every C is a conversation before the work can move; many of them slow it down. "
    "Threshold: max_consulted (default 4).",
    CLASSIC,
)
DUPLICATE_ACTIVITY = Rule(
    "duplicate-activity",
    _WARNING,
    _MATRIX,
    "Two rows with the same name can hold different letters, and readers cannot tell "
    "which one is true.",
    "Keeping one matrix readable.",
)
IDLE_ROLE = Rule(
    "idle-role",
    _WARNING,
    _MATRIX,
    "A role that is never R or A, and is consulted somewhere or has no letter at all, does "
    "no work in this matrix: give it the work it really does, or drop it.",
    CLASSIC,
)
INFORMED_ONLY_ROLE = Rule(
    "informed-only-role",
    _INFO,
    _MATRIX,
    "A role that is only ever informed (a board, 'everyone'): fine if that is the intent.",
    CLASSIC,
)
ACCOUNTABLE_BOTTLENECK = Rule(
    "accountable-bottleneck",
    _WARNING,
    _MATRIX,
    "A role accountable for most activities becomes the queue every decision waits in. "
    "A's the sources give the role in this team's context do not count (without Scrum, "
    "the Product Manager owns the Product Owner's work). Threshold: max_accountable_share "
    "(default more than half), judged from min_activities_for_shares activities (default 6).",
    CLASSIC,
)
ROLE_IN_EVERY_ACTIVITY = Rule(
    "role-in-every-activity",
    _INFO,
    _MATRIX,
    "A role that does, answers for or is consulted on every activity (R, A or C; being "
    "informed does not count) is in every conversation; check that each C is needed. Judged "
    "from min_activities_for_shares activities (default 6).",
    CLASSIC,
)
UNKNOWN_CATALOGUE_KEY = Rule(
    "unknown-catalogue-key",
    _WARNING,
    _DOCUMENTED,
    "The activity points at a catalogue key that does not exist, so it is not checked "
    "against the documented roles.",
    "The catalogue (raci/catalogue.py).",
)
OWNER_MISMATCH = Rule(
    "owner-mismatch",
    _WARNING,
    _DOCUMENTED,
    "The A sits with a different role than the one the sources make accountable: an "
    "overlap between roles, such as the PM accountable for backlog ordering. Says that the "
    "sources disagree only when a source gives the work to the role holding the A. Info "
    "between the PM and PO columns when one person holds both in a startup or smaller "
    "organization.",
    ENTRY_SOURCES,
)
OWNER_MISSING = Rule(
    "owner-missing",
    _WARNING,
    _DOCUMENTED,
    "Nobody holds the A, and the role the sources make accountable does not even hold an R: "
    "a gap. (Where another role holds the A, owner-mismatch says so instead.)",
    ENTRY_SOURCES,
)
DOCUMENTED_ALTERNATIVE = Rule(
    "documented-alternative",
    _INFO,
    _DOCUMENTED,
    "The work sits with a role a primary source gives it to, though most give it to "
    "another: the team follows a documented alternative. Reported once, instead of "
    "owner-mismatch or owner-missing.",
    "The catalogue entry's recorded dispute and its sources.",
)
SCRUM_MASTER_PROJECT_WORK = Rule(
    "scrum-master-project-work",
    _WARNING,
    _DOCUMENTED,
    "The Scrum Master holds the A on strategy, schedule, budget or delivery: project "
    "manager's work, which the sources keep apart from the Scrum Master's. Reported instead "
    "of owner-mismatch; for rows without a catalogue entry, on the strategy category.",
    sources=(
        Source(
            SIMPLILEARN,
            "FAQs: 1. Can one person fulfill both roles?",
            "Strategy, timing, money and resources are what a project manager oversees.",
        ),
        Source(
            SIMPLILEARN,
            "What is the Product Owner Career Path?: Scrum Master",
            "The Scrum Master's duties are the team's efficiency and procedures, mentoring the "
            "PO and educating stakeholders.",
        ),
    ),
)
INVERTED_PM_PO_SPLIT = Rule(
    "inverted-pm-po-split",
    _WARNING,
    _DOCUMENTED,
    "The Product Owner column holds the A on strategy the sources give the PM, while the "
    "PM holds the A on backlog work they give the PO: the split 004 calls a common misuse of "
    "the title, where a senior decision-maker is called 'product owner'. Lists the rows; not "
    "raised when one person holds both roles, or without Scrum.",
    sources=(
        Source(
            FORUM,
            "Product owner (the title used for a senior manager)",
            "Some companies call the senior manager who makes the calls the 'product owner' "
            "while the PM writes the stories; the author calls it a frequent misuse.",
        ),
        Source(BMC, "A general distinction", "The PM is strategic; the PO is tactical."),
        Source(
            CAREERFOUNDRY,
            "6. The differences in summary",
            "The PM defines the vision; the PO runs the backlog that fulfils it.",
        ),
    ),
)
PM_PO_OVERLAP = Rule(
    "pm-po-overlap",
    _WARNING,
    _DOCUMENTED,
    "Names every row where the PM and the PO both do the work (R or A). Some overlap between "
    "the two is usual, and where the line runs varies with each company's organisation, so "
    "it is info; a warning only when both hold the A (beside multiple-accountable).",
    sources=(
        Source(
            CAREERFOUNDRY,
            "6. The differences in summary",
            "The line between the roles is often blurred, and where it runs depends on how "
            "each company organises itself.",
        ),
        Source(
            SIMPLILEARN,
            "Key Differences",
            "The two roles share duties yet each keeps its own focus.",
        ),
    ),
)
MISSING_CORE_ACTIVITY = Rule(
    "missing-core-activity",
    _INFO,
    _DOCUMENTED,
    "Documented responsibilities of the roles the team has are not in the matrix, so "
    "nobody's part in them is written down. One finding lists them all, and only for "
    "matrices that use catalogue keys.",
    "The catalogue's documented activities, each with its sources (Role definitions).",
)
UNSTAFFED_ROLE = Rule(
    "unstaffed-role",
    _WARNING,
    _STAFFING,
    "The role has work (R or A) but nobody in the team holds it.",
    CLASSIC,
)
COMBINED_PM_PO = Rule(
    "combined-pm-po",
    _WARNING,
    _STAFFING,
    "One person holding PM and PO: common in a startup or smaller organization (info "
    "there), but in an established, larger one the strategic and the team-facing work "
    "compete for their time. Not raised without Scrum, where the PO's work is the PM's.",
    sources=(
        Source(
            SIMPLILEARN,
            "FAQs: 1. Can one person fulfill both roles?",
            "Doing both jobs is usual in startups and smaller companies.",
        ),
        Source(
            SIMPLILEARN,
            "FAQs: 4. How does company size affect these roles?",
            "Larger organisations give each role a narrower, supported remit.",
        ),
        Source(
            CAREERFOUNDRY,
            "6. The differences in summary",
            "Some companies have a single product person spanning both roles.",
        ),
        Source(
            BMC,
            "Product Owner is Scrum-dependent",
            "Without Scrum the PO's duties may pass to an overall PM.",
        ),
    ),
)
COMBINED_PO_SM = Rule(
    "combined-po-sm",
    _WARNING,
    _STAFFING,
    "The Scrum Master mentors the Product Owner; one person cannot mentor themselves.",
    sources=(
        Source(
            SIMPLILEARN,
            "What is the Product Owner Career Path?: Scrum Master",
            "Mentoring and advising the PO is one of the Scrum Master's main duties.",
        ),
    ),
)
PRODUCT_OWNER_COMMITTEE = Rule(
    "product-owner-committee",
    _WARNING,
    _STAFFING,
    "A Product Owner role held by several people: a committee where the sources expect one "
    "person in charge of the backlog, with the authority to decide.",
    sources=(
        Source(
            SIMPLILEARN,
            "What Does a Product Owner Focus on?",
            "Backlog grooming is in the hands of the PO and nobody else.",
        ),
        Source(
            SIMPLILEARN,
            "What is the Product Owner Career Path?",
            "A Scrum PO has the authority to decide and owns the product fully.",
        ),
    ),
)
SHARED_ACCOUNTABILITY = Rule(
    "shared-accountability",
    _INFO,
    _STAFFING,
    "The accountable role is held by several people, so no single person answers for "
    "its A's. Not raised for Developers, whom Scrum makes accountable as a group, nor for the "
    "Product Owner (product-owner-committee).",
    f"{CLASSIC} The Scrum Guide (not among the seeds) for Developers.",
)
SCRUM_ROLE_WITHOUT_SCRUM = Rule(
    "scrum-role-without-scrum",
    _INFO,
    _STAFFING,
    "A team that does not use Scrum has Product Owner or Scrum Master assignments; "
    "without Scrum the PO's work falls to the Product Manager.",
    sources=(
        Source(
            BMC,
            "Product Owner is Scrum-dependent",
            "Outside Scrum the PO fades; its duties may go to an overall PM.",
        ),
        Source(
            CAREERFOUNDRY,
            "1. What's the difference between a product manager and a product owner?",
            "The PO belongs to Scrum; the PM exists in any setting.",
        ),
        Source(FORUM, "Product manager", "A PM's team need not run Scrum."),
    ),
)
MISSING_SCRUM_ROLE = Rule(
    "missing-scrum-role",
    _WARNING,
    _STAFFING,
    "A Scrum team needs a Product Owner, a Scrum Master and Developers; one of them has no holder.",
    sources=(
        Source(
            BMC,
            "Product Owner is Scrum-dependent",
            "Scrum's roles are the PO, the Scrum Master and the Developers.",
        ),
        Source(
            CAREERFOUNDRY,
            "3. What does a product owner do? What is Scrum?",
            "A Scrum team is made of developers, a PO and a Scrum Master.",
        ),
    ),
)

RULES: tuple[Rule, ...] = (
    EMPTY_ACTIVITY,
    NO_ACCOUNTABLE,
    MULTIPLE_ACCOUNTABLE,
    NO_RESPONSIBLE,
    CONTRADICTORY_LETTERS,
    CROWDED_RESPONSIBLE,
    CROWDED_CONSULTED,
    DUPLICATE_ACTIVITY,
    IDLE_ROLE,
    INFORMED_ONLY_ROLE,
    ACCOUNTABLE_BOTTLENECK,
    ROLE_IN_EVERY_ACTIVITY,
    UNKNOWN_CATALOGUE_KEY,
    OWNER_MISMATCH,
    OWNER_MISSING,
    DOCUMENTED_ALTERNATIVE,
    SCRUM_MASTER_PROJECT_WORK,
    INVERTED_PM_PO_SPLIT,
    PM_PO_OVERLAP,
    MISSING_CORE_ACTIVITY,
    UNSTAFFED_ROLE,
    COMBINED_PM_PO,
    COMBINED_PO_SM,
    PRODUCT_OWNER_COMMITTEE,
    SHARED_ACCOUNTABILITY,
    SCRUM_ROLE_WITHOUT_SCRUM,
    MISSING_SCRUM_ROLE,
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


# --- The engine ----------------------------------------------------------------------------


def analyse(matrix: Matrix, thresholds: Thresholds = Thresholds()) -> list[Finding]:
    """Every finding on the matrix, sorted by severity, then in matrix order.

    Accepted findings are in the list too, marked with their acceptance.
    """
    return _Analysis(matrix, thresholds).run()


def open_findings(findings) -> list[Finding]:
    """The findings nobody has accepted: what counts in a team's totals."""
    return [finding for finding in findings if finding.accepted is None]


def count_by_severity(findings) -> dict[Severity, int]:
    """How many findings of each severity, every severity present, in order."""
    counts = dict.fromkeys(SEVERITY_ORDER, 0)
    for finding in findings:
        counts[finding.severity] += 1
    return counts


class AcceptanceState:
    ACCEPTED = "accepted"  # It holds: the finding is there with the same letters.
    REOPENED = "reopened"  # The finding is there, but its letters changed since.
    RESOLVED = "resolved"  # The finding is gone.


def review_acceptances(
    accepted: tuple[Acceptance, ...], findings: list[Finding]
) -> list[tuple[Acceptance, str, Finding | None]]:
    """Each acceptance, whether it still holds, and the finding it is about."""
    by_identity = {finding.identity: finding for finding in findings}
    reviewed = []
    for acceptance in accepted:
        finding = by_identity.get(acceptance.identity)
        if finding is None:
            state = AcceptanceState.RESOLVED
        elif finding.accepted == acceptance:
            state = AcceptanceState.ACCEPTED
        else:
            state = AcceptanceState.REOPENED
        reviewed.append((acceptance, state, finding))
    return reviewed


def name_matches(matrix: Matrix) -> list[tuple[Activity, CatalogueEntry]]:
    """The activities without a catalogue key whose name matches an entry: they are
    checked as that entry, and linking them to it makes the match explicit."""
    matches = []
    for activity in matrix.activities:
        entry = None if activity.catalogue_key else match_entry(activity.name)
        if entry is not None:
            matches.append((activity, entry))
    return matches


def reference_matrix(context: TeamContext | None = None) -> Matrix:
    """The catalogue as a matrix, fitted to `context` (a Scrum team when None): one row
    per entry, the documented roles with their letters."""
    uses_scrum = context.uses_scrum if context else True
    rows = reference_rows(uses_scrum=uses_scrum)
    kinds = [kind for kind in CanonicalRole if uses_scrum or not kind.is_scrum_only]
    roles = tuple(Role(key=kind.value, name=kind.label, kind=kind) for kind in kinds)
    activities = tuple(
        Activity(key=entry.key, name=entry.name, category=entry.category, catalogue_key=entry.key)
        for entry, _letters in rows
    )
    cells = {
        (entry.key, kind.value): value for entry, letters in rows for kind, value in letters.items()
    }
    return Matrix(
        activities=activities, roles=roles, cells=cells, context=context, name="Reference matrix"
    )


def _names(items) -> str:
    """Names joined for a sentence: A; A and B; A, B and C."""
    names = [item if isinstance(item, str) else item.name for item in items]
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


# What each set of letters a cell can hold counts towards (A, R, C, and
# anything beyond I), worked out once: the analysis tallies every cell.
_TALLIES = {
    frozenset(letters): (A in letters, R in letters, C in letters, bool(set(letters) - {I}))
    for size in range(1, len(Letter) + 1)
    for letters in combinations(Letter, size)
}


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
        self.consulted_count = [0] * len(self.roles)
        self.engaged_count = [0] * len(self.roles)  # R, A or C
        for cells in self.table:
            row = _Row([], [], [], 0)
            for r, letters in enumerate(cells):
                if not letters:
                    continue
                accountable, responsible, consulted, engaged = _TALLIES[letters]
                row.involved += 1
                self.involved_count[r] += 1
                if accountable:
                    row.accountable.append(r)
                    self.accountable_count[r] += 1
                if responsible:
                    row.responsible.append(r)
                if consulted:
                    row.consulted.append(r)
                    self.consulted_count[r] += 1
                if accountable or responsible:
                    self.doing_count[r] += 1
                if engaged:
                    self.engaged_count[r] += 1
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

        # The catalogue entry each row is checked against: by its key, or by its name.
        self.entries: list[CatalogueEntry | None] = []
        self.matched: list[bool] = []
        for activity in self.activities:
            if activity.catalogue_key:
                self.entries.append(by_key(activity.catalogue_key))
                self.matched.append(False)
            else:
                entry = match_entry(activity.name)
                self.entries.append(entry)
                self.matched.append(entry is not None)

    def run(self) -> list[Finding]:
        for a in range(len(self.activities)):
            self._check_row(a)
            self._check_contradictions(a)
            self._check_pm_po_overlap(a)
            self._check_documented(a)
        self._check_duplicates()
        self._check_columns()
        self._check_inverted_split()
        self._check_missing_core_activities()
        if self.matrix.context is not None and not self.context.uses_scrum:
            self._check_scrum_roles_without_scrum()
        if self.matrix.people is not None:
            self._check_staffing()
        self._found.sort(key=lambda pair: pair[0])
        # Let go of the findings: each refers to this analysis (its `concerns`),
        # and a cycle would be left for the garbage collector to find.
        found, self._found = self._found, []
        return self._apply_acceptances([finding for _, finding in found])

    def _apply_acceptances(self, findings: list[Finding]) -> list[Finding]:
        if not self.matrix.accepted:
            return findings
        by_identity = {acceptance.identity: acceptance for acceptance in self.matrix.accepted}
        marked = []
        for finding in findings:
            acceptance = by_identity.get(finding.identity)
            if acceptance is None:
                marked.append(finding)
            elif acceptance.letters is None or acceptance.letters == finding.letters:
                marked.append(replace(finding, accepted=acceptance))
            else:
                marked.append(replace(finding, reopened=acceptance))
        return marked

    def _add(self, rule: Rule, message, suggestion="", *, a=None, r=None, **extra):
        activity = self.activities[a] if a is not None else None
        role = self.roles[r] if r is not None else None
        reference = extra.get("reference")
        if "sources" not in extra:
            extra["sources"] = reference.sources if reference else rule.sources
        extra["concerns"] = extra.pop("letters", None)
        if extra["concerns"] is None:
            extra["concerns"] = lambda: self._letters_of(a, r)
        if reference is not None and a is not None and self.matched[a]:
            extra["matched_by_name"] = True
        finding = Finding(
            rule=rule.id,
            severity=extra.pop("severity", None) or rule.severity,
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

    # What a finding is about, as text: the letters an acceptance is tied to.

    def _letters_of(self, a: int | None, r: int | None) -> str:
        """The row's letters for a finding about an activity, else the column's."""
        if a is not None:
            return self._cell_text((a, r) for r in range(len(self.roles)))
        if r is not None:
            return self._cell_text((a, r) for a in range(len(self.activities)))
        return ""

    def _cell_text(self, positions) -> str:
        """ "Backlog ordering / Product Manager: A; ..." for the non-empty cells."""
        parts = []
        for a, r in positions:
            if self.table[a][r]:
                where = f"{self.activities[a].name} / {self.roles[r].name}"
                parts.append(f"{where}: {letters_to_text(self.table[a][r])}")
        return "; ".join(parts)

    def _title(self, a: int) -> str:
        """The activity's name for a message, saying which entry its name matched."""
        name, entry = self.activities[a].name, self.entries[a]
        if self.matched[a] and fold(name) != fold(entry.name):
            return f"“{name}” (matched by name to “{entry.name}”)"
        return f"“{name}”"

    def _role_as(self, r: int) -> str:
        """A column's name, with the documented role it plays when the name does not say."""
        role = self.roles[r]
        if role.kind is None or fold(role.name) == fold(role.kind.label):
            return role.name
        return f"{role.name} ({role.kind.label})"

    def _holders_text(self, r: int) -> str:
        return "held by " + ", ".join(sorted(person.name for person in self.holders[r]))

    # Classic horizontal analysis, one activity at a time.

    def _check_row(self, a: int) -> None:
        row, entry = self.rows[a], self.entries[a]
        title = self._title(a)
        if row.involved == 0:
            fixes, why = self._owner_fixes(a, entry)
            self._add(
                EMPTY_ACTIVITY,
                f"{title} has no letters at all: nobody does it or answers for it.",
                "Give one role the A and at least one role an R, or delete the row if the "
                "team does not do this." + why,
                a=a,
                reference=entry,
                fixes=fixes,
            )
            return
        if not row.accountable:
            fixes, why = self._owner_fixes(a, entry)
            self._add(
                NO_ACCOUNTABLE,
                f"Nobody is accountable for {title}.",
                "Give exactly one role the A: the one who answers for the outcome."
                + self._owner_hint(entry)
                + why,
                a=a,
                reference=entry,
                fixes=fixes,
            )
        elif len(row.accountable) > 1:
            holders = [self.roles[r] for r in row.accountable]
            fixes, why = self._owner_fixes(a, entry)
            self._add(
                MULTIPLE_ACCOUNTABLE,
                f"{_names(holders)} are each accountable for {title}.",
                "Keep one A and take it off the others: their other letters stay, and a role "
                "that held only the A is left with none unless you give it an R or C."
                + self._owner_hint(entry)
                + why,
                a=a,
                reference=entry,
                fixes=fixes,
            )
        convention = self.context.accountable_does_work and row.accountable
        if not row.responsible and not convention:
            self._add(
                NO_RESPONSIBLE,
                f"Nobody is responsible for doing {title}.",
                "Mark at least one role R. The accountable role may do the work itself (AR), "
                "or the team can adopt the convention that the accountable does the work "
                "unless someone else is R (team settings).",
                a=a,
                reference=entry,
                sources=(),  # Classic practice; the entry is context only.
            )
        if len(row.responsible) > self.thresholds.max_responsible:
            holders = [self.roles[r] for r in row.responsible]
            self._add(
                CROWDED_RESPONSIBLE,
                f"{len(holders)} roles are responsible for {title} ({_names(holders)}), more "
                f"than {self.thresholds.max_responsible}.",
                "Keep R for the roles that do the bulk of the work and make the others C.",
                a=a,
                reference=entry,
                sources=(),  # Classic practice; the entry is context only.
            )
        if len(row.consulted) > self.thresholds.max_consulted:
            holders = [self.roles[r] for r in row.consulted]
            self._add(
                CROWDED_CONSULTED,
                f"{len(holders)} roles must be consulted on {title} ({_names(holders)}), more "
                f"than {self.thresholds.max_consulted}.",
                "Consult the roles whose input changes the outcome; keep the others informed (I).",
                a=a,
                reference=entry,
                sources=(),  # Classic practice; the entry is context only.
            )

    def _check_contradictions(self, a: int) -> None:
        for r in self.rows[a].accountable:
            letters = self.table[a][r]
            extra = letters & {C, I}
            if not extra:
                continue
            role, activity = self.roles[r], self.activities[a]
            said = " and ".join(letter.label.lower() for letter in (C, I) if letter in extra)
            kept = letters - {C, I}
            self._add(
                CONTRADICTORY_LETTERS,
                f"{role.name} is accountable for “{activity.name}” and also marked {said}.",
                f"One cannot be {said} on one's own decision: keep "
                f"{letters_to_text(kept)} and drop the rest.",
                a=a,
                r=r,
                sources=(),
                fixes=(
                    Fix(
                        key=role.key,
                        label=f"Keep {letters_to_text(kept)} for {role.name}",
                        changes=(CellChange(activity.key, role.key, kept, letters),),
                    ),
                ),
            )

    def _check_duplicates(self) -> None:
        first_seen: dict[str, int] = {}
        for a, activity in enumerate(self.activities):
            name = activity.name.strip().lower()
            if name in first_seen:
                self._add(
                    DUPLICATE_ACTIVITY,
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
                if self.engaged_count[r] == 0 and self.involved_count[r]:
                    self._add(
                        INFORMED_ONLY_ROLE,
                        f"{role.name} is only ever informed.",
                        "Only informed: fine if that is the intent (a board, the wider "
                        "company). Give it the work it does, if it does any.",
                        r=r,
                    )
                else:
                    self._add(
                        IDLE_ROLE,
                        f"{role.name} is neither responsible nor accountable for any activity.",
                        "Give the role the work it actually does, or drop it from the matrix.",
                        r=r,
                    )
            if judge_shares:
                self._check_bottleneck(r, count)
            if judge_shares and self.engaged_count[r] == count:
                self._add(
                    ROLE_IN_EVERY_ACTIVITY,
                    f"{role.name} does, answers for or is consulted on every activity.",
                    "Check that each C is needed; a role in every conversation slows them all. "
                    "Keeping it informed (I) costs nobody a meeting.",
                    r=r,
                )

    def _check_bottleneck(self, r: int, count: int) -> None:
        limit = self.thresholds.max_accountable_share * count
        if self.accountable_count[r] <= limit:
            return
        undocumented = sum(
            1
            for a, row in enumerate(self.rows)
            if r in row.accountable and not self._documented_holder(a, r)
        )
        if undocumented <= limit:
            return
        role = self.roles[r]
        total = self.accountable_count[r]
        documented = total - undocumented
        beyond = f" ({documented} of them as the sources expect)" if documented else ""
        self._add(
            ACCOUNTABLE_BOTTLENECK,
            f"{role.name} is accountable for {total} of {count} activities{beyond}.",
            "Every decision waits for one role. Hand the A for some activities to "
            "the roles that do the work.",
            r=r,
        )

    def _documented_holder(self, a: int, r: int) -> bool:
        """The sources give this row's A to this column's role, in this team's context."""
        entry = self.entries[a]
        if entry is None:
            return False
        kinds = documented_owners(entry, uses_scrum=self.context.uses_scrum)
        if self.roles[r].kind in kinds:
            return True
        return any(self._plays(r, dispute.holder) for dispute in entry.alternatives)

    # Documented role definitions.

    def _plays(self, r: int, holder: CanonicalRole | OtherRole) -> bool:
        """The column plays this role: by its kind, or for a job none of the four
        documented roles covers (a project manager), by its name."""
        role = self.roles[r]
        if isinstance(holder, OtherRole):
            return holder.is_named(role.name, role.kind)
        return role.kind == holder

    def _dispute_held(self, entry: CatalogueEntry, columns: list[int]) -> Dispute | None:
        return next(
            (
                dispute
                for dispute in entry.disputes
                if any(self._plays(r, dispute.holder) for r in columns)
            ),
            None,
        )

    def _alternative_followed(self, entry: CatalogueEntry, holders: list[int]) -> Dispute | None:
        """The documented alternative every accountable column plays, if there is one: a
        Scrum Master beside the Developers is not following 000."""
        return next(
            (
                dispute
                for dispute in entry.alternatives
                if all(self._plays(r, dispute.holder) for r in holders)
            ),
            None,
        )

    def _owner_kinds(self, entry: CatalogueEntry) -> tuple[CanonicalRole, ...]:
        return documented_owners(entry, uses_scrum=self.context.uses_scrum)

    def _owner_hint(self, entry: CatalogueEntry | None) -> str:
        if entry is None:
            return ""
        kinds = self._owner_kinds(entry)
        if not kinds:
            return ""
        return f" The documented owner is the {kinds[0].label}."

    def _owner_fixes(self, a: int, entry: CatalogueEntry | None) -> tuple[tuple[Fix, ...], str]:
        """One fix per column that could be the documented owner: it gets the A (and the
        documented R), the others lose theirs. With several such columns, also why."""
        if entry is None:
            return (), ""
        kind = next((k for k in self._owner_kinds(entry) if self.roles_of_kind[k]), None)
        if kind is None:
            return (), ""
        candidates = self.roles_of_kind[kind]
        cells, activity_key = self.table[a], self.activities[a].key
        documented = entry.letters_for(documented_accountable(entry))
        fixes = []
        for target in candidates:
            # C or I next to an A says nothing more, so the owner's cell keeps only A and R.
            wanted = (cells[target] & {R}) | {A} | (documented & {R})
            changes = []
            if wanted != cells[target]:
                changes.append(
                    CellChange(activity_key, self.roles[target].key, wanted, cells[target])
                )
            for r in self.rows[a].accountable:
                if r != target:
                    changes.append(
                        CellChange(activity_key, self.roles[r].key, cells[r] - {A}, cells[r])
                    )
            if changes:
                name = self.roles[target].name
                fixes.append(
                    Fix(self.roles[target].key, f"Make {name} accountable", tuple(changes))
                )
        why = ""
        if len(fixes) > 1:
            names = _names([self.roles[r] for r in candidates])
            why = (
                f" {len(candidates)} columns play the {kind.label} ({names}): one fix per "
                "column; choose the one who answers for it."
            )
        return tuple(fixes), why

    def _combined_in_context(self, first: list[int], second: list[int]) -> bool:
        """A PM column and a PO column (in either order) held by one person, in a startup
        or smaller organization, where doing both is common (001, FAQs 1)."""
        if not self.context.stage.combines_product_roles or not first or not second:
            return False
        kinds = {self.roles[r].kind for r in first}, {self.roles[r].kind for r in second}
        if {frozenset(kinds[0]), frozenset(kinds[1])} != {frozenset({PM}), frozenset({PO})}:
            return False
        return self._one_person_holds(first, second)

    def _check_documented(self, a: int) -> None:
        activity, row, cells = self.activities[a], self.rows[a], self.table[a]
        entry = self.entries[a]
        title = f"“{activity.name}”"
        if activity.catalogue_key and entry is None:
            self._add(
                UNKNOWN_CATALOGUE_KEY,
                f"{title} refers to the catalogue key “{activity.catalogue_key}”, which the "
                "catalogue does not have.",
                "Fix the key or clear it; until then this activity is not checked against "
                "the documented roles.",
                a=a,
            )
            return
        if entry is None:
            self._check_unlisted_project_work(a)
            return
        title = self._title(a)
        kinds = self._owner_kinds(entry)
        owners = [r for kind in kinds for r in self.roles_of_kind[kind]]
        if not owners:
            return  # The team has no such role: the staffing rules speak about that.
        owner_label = kinds[0].label
        owner_has_a = any(A in cells[r] for r in owners)
        owner_works = any(A in cells[r] or R in cells[r] for r in owners)
        if owner_has_a or (not row.accountable and owner_works):
            return
        fixes, why = self._owner_fixes(a, entry)
        if row.accountable:
            holders = row.accountable
            names = [self.roles[r] for r in holders]
            alternative = self._alternative_followed(entry, holders)
            dispute = self._dispute_held(entry, holders)
            masters = [r for r in holders if self.roles[r].kind == SM]
            if alternative:
                self._add(
                    DOCUMENTED_ALTERNATIVE,
                    f"The A on {title} sits with {_names(names)}: a documented alternative "
                    f"to the {owner_label}.",
                    f"{alternative.note} Nothing to change if this is how the team works.",
                    a=a,
                    r=holders[0],
                    reference=entry,
                    sources=alternative.sources,
                )
            elif masters and entry.project_work:
                self._add(
                    SCRUM_MASTER_PROJECT_WORK,
                    f"{self._role_as(masters[0])} holds the A on "
                    f"{title}: strategy, schedule, budget and delivery are project manager's "
                    "work, not the Scrum Master's.",
                    f"Give the A to the {owner_label}, as the sources do; the Scrum Master "
                    "serves the team's way of working." + why,
                    a=a,
                    r=masters[0],
                    reference=entry,
                    sources=SCRUM_MASTER_PROJECT_WORK.sources + entry.sources,
                    fixes=fixes,
                )
            else:
                absent = "" if owner_works else f" The {owner_label} holds neither A nor R on it."
                suggestion = (
                    f"Make the {owner_label} accountable and take the A off the others: their "
                    "other letters stay, and a role that held only the A is left with none "
                    "unless you give it an R or C."
                )
                sources = entry.sources
                severity = None
                if self._combined_in_context(holders, owners):
                    severity = Severity.INFO
                    suggestion = (
                        "One person holds both roles, common in a startup or smaller "
                        "organization (001, FAQs 1): fine while that lasts; split the work "
                        "when the roles go to different people."
                    )
                elif dispute:
                    suggestion += f" The sources disagree here: {dispute.note}"
                    sources += dispute.sources
                self._add(
                    OWNER_MISMATCH,
                    f"The A on {title} sits with {_names(names)}, but the sources make the "
                    f"{owner_label} accountable.{absent}",
                    suggestion + why,
                    a=a,
                    r=holders[0],
                    reference=entry,
                    sources=sources,
                    severity=severity,
                    fixes=fixes,
                )
        else:
            doers = row.responsible
            dispute = self._dispute_held(entry, doers)
            if dispute and dispute.alternative:
                names = [self.roles[r] for r in doers if self._plays(r, dispute.holder)]
                self._add(
                    DOCUMENTED_ALTERNATIVE,
                    f"The work on {title} sits with {_names(names)} (R) instead of the "
                    f"{owner_label}: a documented alternative.",
                    f"{dispute.note} Nothing to change if this is how the team works.",
                    a=a,
                    r=self.role_at[names[0].key],
                    reference=entry,
                    sources=dispute.sources,
                )
                return
            severity = None
            suggestion = (
                f"Give the {owner_label} the A (or at least an R), or check that the matrix "
                "describes what really happens."
            )
            if self._combined_in_context(doers, owners):
                severity = Severity.INFO
                suggestion = (
                    "One person holds both roles, common in a startup or smaller "
                    "organization (001, FAQs 1): fine while that lasts."
                )
            self._add(
                OWNER_MISSING,
                f"The {owner_label}, whom the sources make accountable for {title}, holds "
                "neither A nor R on it.",
                suggestion + why,
                a=a,
                r=owners[0],
                reference=entry,
                severity=severity,
                fixes=fixes,
            )

    def _check_unlisted_project_work(self, a: int) -> None:
        """A Scrum Master accountable on a strategy row the catalogue does not know."""
        masters = [r for r in self.rows[a].accountable if self.roles[r].kind == SM]
        if masters and fold(self.activities[a].category) == Category.STRATEGY.value:
            self._add(
                SCRUM_MASTER_PROJECT_WORK,
                f"{self._role_as(masters[0])} holds the A on the strategy "
                f"activity “{self.activities[a].name}”: project manager's work, not the Scrum "
                "Master's.",
                "Give the A to whoever owns the product's strategy (usually the Product "
                "Manager); the Scrum Master serves the team's way of working.",
                a=a,
                r=masters[0],
            )

    def _check_pm_po_overlap(self, a: int) -> None:
        cells = self.table[a]
        managers = [r for r in self.roles_of_kind[PM] if A in cells[r] or R in cells[r]]
        owners = [r for r in self.roles_of_kind[PO] if A in cells[r] or R in cells[r]]
        if not managers or not owners:
            return
        activity, entry = self.activities[a], self.entries[a]
        kinds = self._owner_kinds(entry) if entry else ()
        owner = kinds[0] if kinds and kinds[0] in (PM, PO) else None
        # Point at the role that strays from the documented split, if there is one.
        other = owners if owner == PM else managers
        shared_a = any(A in cells[r] for r in managers) and any(A in cells[r] for r in owners)
        fixes = self._overlap_fixes(a, owner, other)
        owner_hint = f" The sources give this to the {owner.label}." if owner else ""
        if self.context.stage.combines_product_roles and self._one_person_holds(managers, owners):
            severity = Severity.INFO
            suggestion = (
                "Fine while one person holds both roles in a startup or smaller organization; "
                "split the work when the roles go to different people."
            )
            fixes = ()
        elif shared_a:
            severity = None
            suggestion = "Both hold the A: decide which of the two answers for it." + owner_hint
        else:
            severity = Severity.INFO
            suggestion = (
                "PM and PO often share some of the work, and each company draws the line in "
                "its own place (003): check that this is the split you mean." + owner_hint
            )
        self._add(
            PM_PO_OVERLAP,
            f"Both {_names([self.roles[r] for r in managers])} and "
            f"{_names([self.roles[r] for r in owners])} do (R or A) “{activity.name}”.",
            suggestion,
            a=a,
            r=other[0],
            severity=severity,
            reference=entry,
            sources=PM_PO_OVERLAP.sources,
            fixes=fixes,
        )

    def _overlap_fixes(
        self, a: int, owner: CanonicalRole | None, other: list[int]
    ) -> tuple[Fix, ...]:
        """Turn the straying role's R or A into a C, when the owner already holds the A."""
        keep = self.roles_of_kind[owner] if owner else []
        cells = self.table[a]
        if len(other) != 1 or len(keep) != 1 or A not in cells[keep[0]]:
            return ()
        role = self.roles[other[0]]
        was = cells[other[0]]
        change = CellChange(self.activities[a].key, role.key, was - {A, R} | {C}, was)
        return (Fix(role.key, f"Make {role.name} consulted", (change,)),)

    def _one_person_holds(self, first: list[int], second: list[int]) -> bool:
        keys = {person.key for r in first for person in self.holders[r]}
        return any(person.key in keys for r in second for person in self.holders[r])

    def _check_inverted_split(self) -> None:
        """004's misuse: the 'product owner' holds the strategy, the PM the backlog."""
        if not self.context.uses_scrum:
            return
        managers, owners = self.roles_of_kind[PM], self.roles_of_kind[PO]
        strategy, backlog = [], []
        for a, entry in enumerate(self.entries):
            if entry is None:
                continue
            holders = self.rows[a].accountable
            owner = documented_accountable(entry)
            if owner == PM and entry.category == Category.STRATEGY:
                if any(r in owners for r in holders):
                    strategy.append(a)
            elif (
                owner == PO
                and entry.category == Category.BACKLOG
                and any(r in managers for r in holders)
            ):
                backlog.append(a)
        if not strategy or not backlog or self._one_person_holds(managers, owners):
            return
        po_column = next(r for r in self.rows[strategy[0]].accountable if r in owners)
        pm_column = next(r for r in self.rows[backlog[0]].accountable if r in managers)
        positions = [(a, r) for a in strategy + backlog for r in managers + owners]
        self._add(
            INVERTED_PM_PO_SPLIT,
            f"The split looks inverted: {self.roles[po_column].name} holds the A on strategy "
            f"({_names([self.activities[a] for a in strategy])}) while "
            f"{self.roles[pm_column].name} holds the A on the backlog "
            f"({_names([self.activities[a] for a in backlog])}).",
            "004 calls it a common misuse to title the senior decision-maker 'product owner' "
            "while the product manager writes the stories. If that is the setup, give the "
            "senior role its own name (a custom role) and let the Product Owner hold the "
            "backlog; otherwise move the A's to the roles the sources name.",
            r=po_column,
            letters=self._cell_text(positions),
        )

    def _check_missing_core_activities(self) -> None:
        if not any(activity.catalogue_key for activity in self.activities):
            return  # The matrix does not use the catalogue: nothing says it means to be whole.
        present = {entry.key for entry in self.entries if entry is not None}
        missing: dict[CanonicalRole, list[CatalogueEntry]] = {}
        for entry in CATALOGUE:
            if entry.key in present or not in_reference(entry, uses_scrum=self.context.uses_scrum):
                continue
            kind = next((k for k in self._owner_kinds(entry) if self.roles_of_kind[k]), None)
            if kind is not None:
                missing.setdefault(kind, []).append(entry)
        if not missing:
            return
        # One finding for the whole matrix: a small team, or one imported from a short
        # table, would otherwise get one finding per documented activity it leaves out.
        entries = [entry for group in missing.values() for entry in group]
        per_role = "; ".join(
            f"{kind.label}: {_names([f'“{entry.name}”' for entry in group])}"
            for kind, group in missing.items()
        )
        self._add(
            MISSING_CORE_ACTIVITY,
            f"The matrix has no row for {_activities(len(entries))} the sources give its "
            f"roles ({per_role}).",
            "Add the ones your team does, with their catalogue keys, so everyone's part in "
            "them is written down; accept this finding if the team leaves the rest out on "
            "purpose.",
            subject="catalogue",
            # An acceptance holds while the same activities are missing.
            letters=" ".join(sorted(entry.key for entry in entries)),
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
                        SCRUM_ROLE_WITHOUT_SCRUM,
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
                    UNSTAFFED_ROLE,
                    f"{role.name} is R or A on {_activities(self.doing_count[r])}, but nobody "
                    "in the team holds the role.",
                    "Name who holds it, or move its work to a role someone holds.",
                    r=r,
                )
            if role.kind == PO and len(holders) > 1:
                self._add(
                    PRODUCT_OWNER_COMMITTEE,
                    f"{self._role_as(r)} is held by {len(holders)} people "
                    f"({_names(holders)}): a product owner committee.",
                    "The sources expect one person in charge of the backlog, able to decide. "
                    "Name one Product Owner; the others can be consulted, or hold roles of "
                    "their own.",
                    r=r,
                    letters=self._holders_text(r),
                )
            elif self.accountable_count[r] and len(holders) > 1 and role.kind != DEV:
                self._add(
                    SHARED_ACCOUNTABILITY,
                    f"{role.name} is accountable for "
                    f"{_activities(self.accountable_count[r])} but is held by "
                    f"{len(holders)} people ({_names(holders)}), so no single person answers "
                    "for them.",
                    "Agree which person holds the A for each activity, or split the role.",
                    r=r,
                    letters=self._holders_text(r),
                )
        for person in self.matrix.people or ():
            columns = [self.role_at[key] for key in person.role_keys if key in self.role_at]
            kinds = {self.roles[r].kind for r in columns}
            held = ", ".join(sorted(self.roles[r].name for r in columns))
            if PM in kinds and PO in kinds and self.context.uses_scrum:
                lenient = self.context.stage.combines_product_roles
                self._add(
                    COMBINED_PM_PO,
                    f"{person.name} holds both the Product Manager and the Product Owner role.",
                    "Common and fine in a startup or smaller organization."
                    if lenient
                    else "In an established, larger organization the strategic and the "
                    "team-facing work compete for one person's time; consider giving the "
                    "roles to two people.",
                    severity=Severity.INFO if lenient else None,
                    person=person.name,
                    person_key=person.key,
                    letters=f"{person.name} holds {held}",
                )
            if PO in kinds and SM in kinds and self.context.uses_scrum:
                self._add(
                    COMBINED_PO_SM,
                    f"{person.name} holds both the Product Owner and the Scrum Master role.",
                    "The Scrum Master mentors the Product Owner; give the roles to two people.",
                    person=person.name,
                    person_key=person.key,
                    letters=f"{person.name} holds {held}",
                )
        if self.matrix.context is None or not self.context.uses_scrum:
            return
        for kind in (PO, SM, DEV):
            columns = self.roles_of_kind[kind]
            if kind in unstaffed_kinds or any(self.holders[r] for r in columns):
                continue
            self._add(
                MISSING_SCRUM_ROLE,
                f"This Scrum team has nobody holding the {kind.label} role.",
                f"Scrum needs a Product Owner, a Scrum Master and Developers. Name who holds "
                f"the {kind.label} role (a custom role can act as it).",
                r=columns[0] if columns else None,
                subject=kind.value,
                letters="",
            )
