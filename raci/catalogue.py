"""The documented role definitions, as data with their sources.

Each entry is one responsibility that the source articles in shared/seeds
give to the Product Manager, the Product Owner, the Scrum Master or the
Developers, with the RACI letters those sources imply for all four roles.
Everything here is our own wording: a source is cited by seed file name and
the part of the article, followed by a paraphrase, never by a quotation.

The seeds README ranks 002 as secondary (a garbled page of snippets): it is
cited only next to a primary source that says the same thing.

Where the sources pull two ways, the entry records it per role, as a
`Dispute`: who else a source gives the work to, and why. A dispute that a
primary source describes as a way to work is a documented alternative (a team
following it is told so, not warned); any other dispute is a minority reading
(the warning stands and says that the sources disagree). The letters follow
the majority of the primary sources.

Each entry also lists synonyms: the words teams use for it in their own
matrices ("draft stories" for user stories), so that rows without a catalogue
key can be matched by name (see `raci.matching`).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from raci.vocabulary import DEV, PM, PO, SM, CanonicalRole, Category, Letter

BMC = "000_83f84c264b7569ca.txt"
SIMPLILEARN = "001_4fbf7d49916637a5.txt"
SNIPPETS = "002_c8586728bae5325b.txt"
CAREERFOUNDRY = "003_01916e1e9d0ef690.txt"
FORUM = "004_de7f32c9fa052e4f.txt"

SEED_TITLES = {
    BMC: "BMC Business of IT blog: Product Owner vs Product Manager",
    SIMPLILEARN: "Simplilearn: product owner vs product manager",
    SNIPPETS: "Scraped snippets from several sources (secondary)",
    CAREERFOUNDRY: "CareerFoundry: the difference between a product manager and a product owner",
    FORUM: "Practitioner's forum answer: Product Owner vs. Product Manager",
}
PRIMARY_SEEDS = frozenset({BMC, SIMPLILEARN, CAREERFOUNDRY, FORUM})


@dataclass(frozen=True)
class Source:
    """Where a statement comes from: a seed file, the part of it, and what it says."""

    seed: str
    part: str
    paraphrase: str

    @property
    def title(self) -> str:
        return SEED_TITLES[self.seed]

    @property
    def is_primary(self) -> bool:
        return self.seed in PRIMARY_SEEDS

    def __str__(self) -> str:
        return f"{self.seed} ({self.part})"


def fold(name: str) -> str:
    """A name as compared: case and runs of spaces do not count."""
    return " ".join(name.split()).lower()


def _job_words(column_name: str) -> str:
    """A column's name as a job title: no abbreviation in parentheses ("Project
    Manager (PjM)"), no punctuation ("Proj. Mgr"), case and spacing folded."""
    text = re.sub(r"\([^)]*\)\s*$", "", column_name) or column_name
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


@dataclass(frozen=True)
class OtherRole:
    """A job the sources name that is none of the four documented roles.

    No column "acts as" it, so a column is recognised by its name. `plain_names`
    count only for a column that plays none of the four roles: "PM" is the
    Product Manager when a team makes it act as one, and otherwise the other
    job the letters stand for (the file reader reads a "PM" column beside a
    Product Manager column that way).
    """

    label: str
    names: frozenset[str]
    plain_names: frozenset[str] = frozenset()

    def is_named(self, column_name: str, kind: CanonicalRole | None = None) -> bool:
        words = _job_words(column_name)
        return words in self.names or (kind is None and words in self.plain_names)

    @property
    def key(self) -> str:
        """How a form or a command line names it: "project-manager"."""
        return "-".join(self.label.lower().split())


PROJECT_MANAGER = OtherRole(
    "Project Manager",
    frozenset(
        {
            "project manager",
            "project managers",
            "project mgr",
            "proj mgr",
            "proj manager",
            "pjm",
            "prjm",
            "project lead",
            "delivery manager",
            "delivery lead",
        }
    ),
    plain_names=frozenset({"pm", "pms"}),
)
# 001's first FAQ answer, on the project manager's job: cited by two entries.
PROJECT_MANAGER_FAQ = (
    SIMPLILEARN,
    "FAQs: 1. Can one person fulfill both roles?",
    "A project manager usually oversees a project's strategy, timing, money and resources.",
)
BUSINESS_ANALYST = OtherRole(
    "Business Analyst",
    frozenset({"business analyst", "business analysts", "bus analyst", "ba", "bas"}),
)


# The jobs the sources name beside the four roles, in the order a chooser offers them.
OTHER_ROLES = (PROJECT_MANAGER, BUSINESS_ANALYST)


def other_role_named(column_name: str, kind: CanonicalRole | None = None) -> OtherRole | None:
    """The other job a column's name names ("Project Manager", "Proj. Mgr"), if any."""
    return next((other for other in OTHER_ROLES if other.is_named(column_name, kind)), None)


@dataclass(frozen=True)
class Dispute:
    """Another role a source gives this responsibility to, and why.

    `alternative`: a primary source describes it as a way to work, so a team
    following it is following a source. Otherwise it is a minority reading:
    the catalogue keeps the majority's owner and says that the sources disagree.
    """

    holder: CanonicalRole | OtherRole
    note: str
    sources: tuple[Source, ...]
    alternative: bool = False


@dataclass(frozen=True)
class CatalogueEntry:
    key: str
    name: str
    description: str
    category: Category
    # Read-only mapping; excluded from the hash so entries can sit in sets.
    letters: Mapping[CanonicalRole, frozenset[Letter]] = field(hash=False)
    sources: tuple[Source, ...]
    disputes: tuple[Dispute, ...] = ()
    synonyms: tuple[str, ...] = ()
    # Strategy, schedule, budget or delivery: what 001 separates as a project
    # manager's job, never the Scrum Master's.
    project_work: bool = False
    # Work that exists only in sprints, which are Scrum's (000, 003).
    needs_sprints: bool = False

    def letters_for(self, kind: CanonicalRole) -> frozenset[Letter]:
        return self.letters.get(kind, frozenset())

    @property
    def disputed(self) -> bool:
        return bool(self.disputes)

    @property
    def dispute_note(self) -> str:
        return " ".join(dispute.note for dispute in self.disputes)

    @property
    def alternatives(self) -> tuple[Dispute, ...]:
        return tuple(dispute for dispute in self.disputes if dispute.alternative)


@dataclass(frozen=True)
class RoleProfile:
    """What one documented role does, per the sources, for a role-definitions page."""

    role: CanonicalRole
    summary: str
    sources: tuple[Source, ...]
    dispute_note: str = ""


def _letters(text: str) -> frozenset[Letter]:
    return frozenset(Letter(char) for char in text)


def _dispute(holder, note, *sources, alternative=False) -> Dispute:
    return Dispute(
        holder=holder,
        note=note,
        sources=tuple(Source(*source) for source in sources),
        alternative=alternative,
    )


def _entry(
    key,
    name,
    category,
    description,
    *,
    pm="",
    po="",
    sm="",
    dev="",
    sources,
    disputes=(),
    synonyms=(),
    project_work=None,
    needs_sprints=False,
):
    """One catalogue entry; the letters are written the way a RACI chart shows them.

    Strategy entries are project work unless said otherwise."""
    letters = {PM: _letters(pm), PO: _letters(po), SM: _letters(sm), DEV: _letters(dev)}
    return CatalogueEntry(
        key=key,
        name=name,
        description=description,
        category=category,
        letters=MappingProxyType(letters),
        sources=tuple(Source(*source) for source in sources),
        disputes=tuple(disputes),
        synonyms=tuple(synonyms),
        project_work=category == Category.STRATEGY if project_work is None else project_work,
        needs_sprints=needs_sprints,
    )


CATALOGUE: tuple[CatalogueEntry, ...] = (
    # Product Manager: strategy, discovery and the way to market.
    _entry(
        "product-vision",
        "Product vision",
        Category.STRATEGY,
        "Decide where the product is heading in the long run and why.",
        pm="AR",
        po="C",
        dev="I",
        sources=[
            (BMC, "A general distinction", "The PM sets the strategic direction of the product."),
            (
                SIMPLILEARN,
                "Key Differences: Product Manager Duties Include",
                "The PM produces the vision covering the whole product life cycle.",
            ),
            (
                CAREERFOUNDRY,
                "1. What's the difference / 2. What does a product manager do?",
                "The PM holds the strategic role: overall vision and direction, long-term view.",
            ),
            (
                CAREERFOUNDRY,
                "4. Job descriptions (FedEx Logistics)",
                "The PO feeds input into the vision together with the PM.",
            ),
        ],
        disputes=[
            _dispute(
                PO,
                "001 contradicts itself: its main text gives the vision to the PM, but its "
                "first FAQ answer puts developing and keeping up the vision with the PO, and "
                "one snippet of 002 (secondary) has the PM build the strategy on the PO's "
                "instruction. The other primary sources side with the PM, and 004 calls a "
                "senior decision-maker titled 'product owner' a misuse of the word.",
                (
                    SIMPLILEARN,
                    "FAQs: 1. Can one person fulfill both roles?",
                    "The answer hands the product vision to the PO, unlike the rest of 001.",
                ),
                (
                    SNIPPETS,
                    "snippet block, near 'product owner's instruction'",
                    "The PO leads and the PM works out the strategy from it (alone among the "
                    "sources).",
                ),
                (
                    FORUM,
                    "Product owner (the title used for a senior manager)",
                    "Calling the executive who makes the calls 'product owner' is, to the "
                    "author, a wrong if widespread use of the title.",
                ),
            ),
        ],
        synonyms=[
            "vision",
            "product vision",
            "set the vision",
            "long term vision",
            "product direction",
            "strategic direction",
            "product strategy",
            "vision and strategy",
            "vision statement",
        ],
    ),
    _entry(
        "product-roadmap",
        "Product roadmap",
        Category.STRATEGY,
        "Lay out, and keep current, the plan for reaching the vision.",
        pm="AR",
        po="C",
        dev="I",
        sources=[
            (
                SIMPLILEARN,
                "Key Responsibilities of a Product Manager: Formulating And Communicating "
                "Strategic Plans",
                "The PM builds and revises the roadmap and uses it to tell executives and "
                "engineers what comes when.",
            ),
            (
                SIMPLILEARN,
                "What Does a Product Owner Focus on?",
                "The roadmap is the PM's; the PO gives the PM feedback on it.",
            ),
            (
                CAREERFOUNDRY,
                "2. What does a product manager do?",
                "The PM draws up the roadmap as the plan for realising the vision.",
            ),
            (
                FORUM,
                "Product manager",
                "A PM's share in prioritisation often takes the form of defining the roadmap.",
            ),
        ],
        synonyms=[
            "roadmap",
            "product roadmap",
            "roadmapping",
            "update the roadmap",
            "roadmap planning",
        ],
    ),
    _entry(
        "market-research",
        "Market research",
        Category.DISCOVERY,
        "Study the market, competitors and business trends the product has to live with.",
        pm="AR",
        po="I",
        sources=[
            (
                SIMPLILEARN,
                "What Does a Product Manager Focus on?",
                "The PM analyses the market and the competition to shape a distinct product.",
            ),
            (
                SIMPLILEARN,
                "What is a Product Manager?",
                "The PM watches consumer behaviour and business trends that affect the product.",
            ),
            (
                SIMPLILEARN,
                "Key Responsibilities of a Product Owner: Understanding The Value of the "
                "Product And The Needs of Consumers",
                "The PO must know the market's needs, often by working with the PM on them.",
            ),
            (
                SNIPPETS,
                "snippet block, near 'doing market research'",
                "Market research is listed among the PM's duties (agrees with 001).",
            ),
        ],
        synonyms=[
            "market research",
            "market analysis",
            "analyse the market",
            "competitor analysis",
            "competitive analysis",
            "competitor research",
            "market trends",
        ],
    ),
    _entry(
        "user-research",
        "User research",
        Category.DISCOVERY,
        "Talk to users and customers to learn what they need and what does not work for them.",
        pm="AR",
        po="C",
        dev="I",
        sources=[
            (
                BMC,
                "Product Manager: jobs, skills, salary",
                "Talking to users is the first item of a mature PM's job.",
            ),
            (
                SIMPLILEARN,
                "Key Differences: Product Manager Duties Include",
                "The PM finds out user needs through research and shares what was learned.",
            ),
            (
                CAREERFOUNDRY,
                "2. What does a product manager do?",
                "The PM talks to customers and stakeholders to set the product requirements.",
            ),
        ],
        synonyms=[
            "user research",
            "customer research",
            "user interviews",
            "customer interviews",
            "talk to users",
            "talk to customers",
            "customer discovery",
            "user needs",
            "customer feedback",
        ],
    ),
    _entry(
        "user-experience",
        "User experience",
        Category.DISCOVERY,
        "Specify the experience the product should give its users.",
        pm="AR",
        po="C",
        dev="C",
        sources=[
            (
                SIMPLILEARN,
                "Key Responsibilities of a Product Manager: Prioritizing Features",
                "Pinning down the best experience for users, and what the product must do, "
                "falls to the PM.",
            ),
            (
                SIMPLILEARN,
                "Skills Required for a Product Manager: UX/UI Design",
                "A grasp of UX and UI principles keeps the user's experience in view when the "
                "PM decides.",
            ),
            (
                BMC,
                "Product Manager: jobs, skills, salary",
                "In a young team the PM may even do the UX design work.",
            ),
        ],
        synonyms=[
            "user experience",
            "ux",
            "ideal user experience",
        ],
    ),
    _entry(
        "product-requirements",
        "Product requirements",
        Category.DISCOVERY,
        "Gather what the product must do and write it down as specifications.",
        pm="AR",
        po="C",
        dev="C",
        sources=[
            (
                CAREERFOUNDRY,
                "2. What does a product manager do?",
                "From talks with customers and business stakeholders the PM sets the "
                "requirements, then writes specifications: what gets built, why, what it must "
                "achieve and how success is judged.",
            ),
            (
                SIMPLILEARN,
                "Key Responsibilities of a Product Manager: Prioritizing Features",
                "Specifying what the product needs is the PM's.",
            ),
            (
                FORUM,
                "Product manager",
                "Gathering requirements is a PM priority too, in user stories or in other forms.",
            ),
        ],
        disputes=[
            _dispute(
                BUSINESS_ANALYST,
                "004 reports companies hiring business analysts to write the detailed "
                "requirements for the developers, working beside or under a PM who keeps the "
                "strategy.",
                (
                    FORUM,
                    "Other roles",
                    "Business analysts often act as a PM's requirement writers, producing the "
                    "detail developers need.",
                ),
                alternative=True,
            ),
        ],
        synonyms=[
            "requirements",
            "product requirements",
            "gather requirements",
            "requirements gathering",
            "requirements analysis",
            "product specifications",
            "specifications",
            "write specifications",
            "functional specifications",
            "product requirements document",
            "prd",
        ],
    ),
    _entry(
        "feature-prioritization",
        "Feature prioritisation",
        Category.STRATEGY,
        "Choose which features to build next, weighing user value against business value. "
        "Ordering the items of the backlog is a separate, team-level entry.",
        pm="AR",
        po="C",
        dev="C",
        sources=[
            (
                SIMPLILEARN,
                "Key Responsibilities of a Product Manager: Prioritizing Features",
                "The PM makes the trade-offs between features and what each is worth.",
            ),
            (
                SIMPLILEARN,
                "Key Differences: Product Manager",
                "The PM settles what gets built next.",
            ),
            (
                SNIPPETS,
                "snippet block, near 'Simply put'",
                "The PM chooses the next product to build; the PO supports the team in "
                "building it (agrees with 001).",
            ),
        ],
        disputes=[
            _dispute(
                PO,
                "Where choosing the next features ends and ordering the backlog begins is not "
                "drawn the same way everywhere: 000 has the PO rank the engineers' tasks and the "
                "backlog, and 003 has the PO make sure the most important items come first. "
                "001 gives the choice of what to build next to the PM.",
                (
                    BMC,
                    "Product Owner: jobs, skills, salary",
                    "The PO ranks the tasks the engineers will take on.",
                ),
                (
                    CAREERFOUNDRY,
                    "6. The differences in summary",
                    "The PO sees that the most urgent items are worked on before the rest.",
                ),
            ),
        ],
        synonyms=[
            "feature prioritization",
            "prioritize features",
            "feature priorities",
            "what to build next",
            "decide what to build next",
            "choose features",
            "feature selection",
        ],
    ),
    _entry(
        "success-metrics",
        "Success metrics",
        Category.STRATEGY,
        "Define how the team will know the product is succeeding.",
        pm="AR",
        po="C",
        dev="I",
        sources=[
            (
                CAREERFOUNDRY,
                "2. What does a product manager do?",
                "The PM writes specifications that include the yardstick for success.",
            ),
            (
                CAREERFOUNDRY,
                "4. Job descriptions (Snap Inc.)",
                "Defining success metrics appears in a PM job ad.",
            ),
            (
                SIMPLILEARN,
                "Key Responsibilities of a Product Owner: Understanding The Value of the "
                "Product And The Needs of Consumers",
                "The PO works with the PM to learn what the team counts as product success.",
            ),
        ],
        synonyms=[
            "success metrics",
            "metrics",
            "kpi",
            "product metrics",
            "product kpi",
            "measure success",
            "success measures",
            "success criteria",
        ],
    ),
    _entry(
        "product-life-cycle",
        "Product life cycle",
        Category.STRATEGY,
        "Steer the product through its stages: discovery, launch, growth, maturity, decline.",
        pm="AR",
        po="C",
        dev="I",
        sources=[
            (
                CAREERFOUNDRY,
                "2. What does a product manager do?",
                "The PM leads the product through each of the five stages of its life.",
            ),
            (
                SIMPLILEARN,
                "Key Differences: Product Manager",
                "A holistic role whose remit spans the whole cycle, from first customer "
                "awareness until delivery.",
            ),
            (
                SIMPLILEARN,
                "What is the Product Owner Career Path?: Product Manager",
                "The PM answers for a product from its conception to its upkeep after launch.",
            ),
        ],
        synonyms=[
            "product life cycle",
            "product lifecycle",
            "life cycle",
            "lifecycle",
            "lifecycle management",
            "end of life",
            "sunset",
        ],
    ),
    _entry(
        "product-launch",
        "Product launch",
        Category.LAUNCH,
        "Bring a product or a major feature to market together with marketing.",
        pm="AR",
        po="I",
        dev="I",
        sources=[
            (
                SIMPLILEARN,
                "Key Responsibilities of a Product Manager: Collaborate With Product Marketing "
                "For Product Launches",
                "Larger releases have the PM working with marketing on positioning and "
                "messaging before launch.",
            ),
            (
                SIMPLILEARN,
                "What is the Product Owner Career Path?: Product Manager",
                "The PM's remit runs from conception through launch to maintenance.",
            ),
            (
                FORUM,
                "Product manager",
                "A PM may also take on product marketing.",
            ),
        ],
        synonyms=[
            "launch",
            "product launch",
            "go to market",
            "gtm",
            "launch plan",
            "launch planning",
            "launch marketing",
            "positioning and messaging",
        ],
        project_work=True,
    ),
    _entry(
        "pricing",
        "Pricing",
        Category.STRATEGY,
        "Analyse and set the price of the product.",
        pm="AR",
        sources=[
            (
                FORUM,
                "Product manager",
                "Pricing analysis is among the wider duties a PM may carry, unlike a PO.",
            ),
            (
                SIMPLILEARN,
                "Key Differences: Necessary Skills for Product Managers (Business Experience)",
                "A PM needs to understand profits, budgets and cash flow.",
            ),
        ],
        synonyms=[
            "pricing",
            "price",
            "set prices",
            "pricing strategy",
            "pricing analysis",
            "pricing and packaging",
        ],
    ),
    _entry(
        "budget-and-resources",
        "Budget and resources",
        Category.STRATEGY,
        "Plan and watch the money and the people the product work needs.",
        pm="AR",
        po="C",
        sm="I",
        dev="I",
        sources=[
            (
                SIMPLILEARN,
                "What is a Product Manager?",
                "The PM looks after relationships, tasks and resources across the whole "
                "process, from strategy to launch and after.",
            ),
            (
                SIMPLILEARN,
                "Key Differences: Necessary Skills for Product Managers (Business Experience)",
                "A PM needs to understand budgets, profits and cash flow.",
            ),
            (
                BMC,
                "Product Manager: jobs, skills, salary",
                "Early on, product management even handles budgeting for design.",
            ),
        ],
        disputes=[
            _dispute(
                PROJECT_MANAGER,
                "001's first FAQ answer gives budget and resources, with schedule and strategy, "
                "to a project manager, a different job; a team that has one follows 001 when "
                "that role holds the A.",
                PROJECT_MANAGER_FAQ,
                alternative=True,
            ),
        ],
        synonyms=[
            "budget",
            "budgeting",
            "budget and resources",
            "resources",
            "resourcing",
            "resource planning",
            "headcount",
            "staffing",
            "funding",
        ],
    ),
    _entry(
        "development-timeline",
        "Development timeline",
        Category.DELIVERY,
        "Set the schedule and sequence in which the product is developed.",
        pm="AR",
        po="C",
        sm="I",
        dev="C",
        sources=[
            (
                BMC,
                "Product Manager: jobs, skills, salary",
                "Creating the development timelines is part of a mature PM's job.",
            ),
            (
                SIMPLILEARN,
                "Key Responsibilities of a Product Manager: Formulating And Communicating "
                "Strategic Plans",
                "Through the roadmap the PM tells engineers the exact scheduling and order "
                "of the critical work.",
            ),
        ],
        disputes=[
            _dispute(
                PROJECT_MANAGER,
                "001's first FAQ answer gives the schedule to a project manager, a different "
                "job. 000 names the product manager, and 001's main text agrees, so the PM "
                "stays accountable; a team with a project manager who holds the A follows 001.",
                PROJECT_MANAGER_FAQ,
                alternative=True,
            ),
        ],
        synonyms=[
            "development timeline",
            "timeline",
            "schedule",
            "project schedule",
            "delivery schedule",
            "release schedule",
            "gantt chart",
            "deadlines",
            "milestones",
            "release plan",
            "release planning",
            "delivery plan",
        ],
        project_work=True,
    ),
    _entry(
        "business-engineering-liaison",
        "Business and engineering liaison",
        Category.STRATEGY,
        "Keep business stakeholders and the engineering team talking and aligned.",
        pm="AR",
        po="C",
        sm="I",
        dev="C",
        sources=[
            (
                BMC,
                "Product Manager: jobs, skills, salary",
                "A mature PM carries communication between engineering and business.",
            ),
            (
                SIMPLILEARN,
                "What is a Product Manager?",
                "The PM links the business side with engineering and design.",
            ),
            (
                CAREERFOUNDRY,
                "2. What does a product manager do?",
                "The PM sits between the business stakeholders and the people who design and "
                "build, keeping everyone pointed at one goal.",
            ),
        ],
        disputes=[
            _dispute(
                PO,
                "001 calls both roles the liaison: the PM between business, technology and "
                "design, the PO as go-between for the developers and the stakeholders. A team "
                "whose PO answers for this link follows 001's PO sections.",
                (
                    SIMPLILEARN,
                    "Key Differences: Necessary Skills for Product Owners (Information Liaison)",
                    "The PO acts as go-between for developers and stakeholders.",
                ),
                (
                    SIMPLILEARN,
                    "What is a Product Owner?",
                    "The PO is the team's link to the business and technology strategy.",
                ),
                alternative=True,
            ),
        ],
        synonyms=[
            "business engineering liaison",
            "business and engineering liaison",
            "liaison between business and engineering",
            "align business and engineering",
            "business and tech alignment",
        ],
        # Talking with stakeholders is not among the project manager's jobs in 001.
        project_work=False,
    ),
    _entry(
        "stakeholder-buy-in",
        "Stakeholder communication and buy-in",
        Category.STRATEGY,
        "Keep stakeholders informed and behind the product's plans and main decisions.",
        pm="AR",
        po="C",
        sm="I",
        dev="I",
        sources=[
            (
                SIMPLILEARN,
                "What Does a Product Manager Focus on?",
                "The PM promotes the strategy and coordinates with the team, partners and "
                "stakeholders until they agree on it.",
            ),
            (
                SIMPLILEARN,
                "Key Differences: Product Manager Duties Include",
                "The PM backs team, partners and stakeholders so that vision, plan and "
                "strategy go smoothly.",
            ),
            (
                CAREERFOUNDRY,
                "4. Job descriptions (Snap Inc.)",
                "Building trust with many stakeholders is asked of a PM.",
            ),
        ],
        disputes=[
            _dispute(
                PO,
                "001's list of PO responsibilities makes the PO the main contact for "
                "stakeholders, winning their support for the big choices; its PM sections give "
                "the same alignment to the PM. A team whose PO answers for it follows 001.",
                (
                    SIMPLILEARN,
                    "Key Responsibilities of a Product Owner: Effectively Communicating With The "
                    "Product's Stakeholders",
                    "As the main contact, the PO talks to teams and stakeholders and secures "
                    "their backing for key decisions.",
                ),
                alternative=True,
            ),
        ],
        synonyms=[
            "stakeholder communication",
            "stakeholder management",
            "stakeholder updates",
            "stakeholder alignment",
            "stakeholder buy in",
            "communicate with stakeholders",
            "keep stakeholders informed",
            "stakeholder engagement",
        ],
        # Talking with stakeholders is not among the project manager's jobs in 001.
        project_work=False,
    ),
    # Product Owner: the backlog and the team's day-to-day direction (Scrum only).
    _entry(
        "product-goal",
        "Product goal",
        Category.STRATEGY,
        "Set the goal the team's backlog works towards and make it known.",
        pm="C",
        po="AR",
        sm="I",
        dev="I",
        sources=[
            (
                SIMPLILEARN,
                "Key Responsibilities of a Product Owner: Overseeing The Backlog of Products",
                "Setting the product goal and making it known comes first among the PO's "
                "backlog duties.",
            ),
        ],
        disputes=[
            _dispute(
                PM,
                "Only 001 names a product goal apart from the vision. 000 and 003 give the "
                "direction of the product to the PM; a team that keeps a single PM-owned "
                "vision as its goal follows them.",
                (BMC, "A general distinction", "The PM sets the strategic direction."),
                (
                    CAREERFOUNDRY,
                    "1. What's the difference between a product manager and a product owner?",
                    "The PM defines where the product is going; the PO keeps daily work in "
                    "line with it.",
                ),
                alternative=True,
            ),
        ],
        synonyms=["product goal", "set the product goal", "goals", "product goals"],
        project_work=False,
    ),
    _entry(
        "product-value",
        "Maximising product value",
        Category.STRATEGY,
        "Answer for getting the most value out of what the developers build.",
        pm="C",
        po="AR",
        sm="I",
        dev="C",
        sources=[
            (
                SIMPLILEARN,
                "Key Differences: Product Owners",
                "Quoting the Scrum Guide, the PO answers for drawing the most value from the "
                "development team's work.",
            ),
            (
                SIMPLILEARN,
                "What is a Product Owner?",
                "Managing the backlog is how the PO tries to make the product worth more.",
            ),
            (
                CAREERFOUNDRY,
                "6. The differences in summary",
                "The PO sees that the developers' output serves the vision and yields as much "
                "value as it can.",
            ),
        ],
        disputes=[
            _dispute(
                PM,
                "When 001 compares the titles it counts value as a PM concern too, next to "
                "long-term strategy; every passage that names an owner names the PO.",
                (
                    SIMPLILEARN,
                    "What is the Product Owner Career Path?: Product Manager",
                    "A PM cares about value and, beyond it, leads the long-term strategy.",
                ),
            ),
        ],
        synonyms=[
            "product value",
            "maximize value",
            "maximize product value",
            "value maximization",
            "optimize value",
            "business value",
        ],
        project_work=False,
    ),
    _entry(
        "vision-to-backlog",
        "Vision into backlog",
        Category.BACKLOG,
        "Turn the PM's vision and roadmap into concrete, buildable backlog items.",
        pm="C",
        po="AR",
        dev="C",
        sources=[
            (
                BMC,
                "Product Owner: jobs, skills, salary",
                "The first PO duty listed is making the PM's vision actionable.",
            ),
            (
                SIMPLILEARN,
                "Key Differences: Product Owner Duties Include",
                "The PO converts the vision into practical tasks (the list says 'project "
                "manager', plainly meaning the product manager).",
            ),
            (
                CAREERFOUNDRY,
                "3. What does a product owner do? Product owner responsibilities",
                "The PO keeps the team's work following the roadmap; the backlog is built "
                "from the roadmap and requirements.",
            ),
            (
                SNIPPETS,
                "snippet block, near 'high-level vision'",
                "Much of the PO's work is converting the PM's high-level vision into concrete "
                "tasks (agrees with 000).",
            ),
        ],
        disputes=[
            _dispute(
                PM,
                "002 once has the PM building the strategy on the PO's instruction, the reverse "
                "of every other source. 002 is secondary and alone in this, so the direction "
                "here is vision from the PM, backlog from the PO.",
                (
                    SNIPPETS,
                    "snippet block, near 'product owner's instruction'",
                    "One snippet has the PM develop strategy following the PO's lead.",
                ),
            ),
        ],
        synonyms=[
            "vision into backlog",
            "translate vision into backlog",
            "translate vision into tasks",
            "vision to backlog",
            "create backlog items",
            "epics",
            "write epics",
        ],
    ),
    _entry(
        "user-stories",
        "User stories",
        Category.BACKLOG,
        "Write the user stories that tell the developers what to build and for whom.",
        pm="I",
        po="AR",
        dev="C",
        sources=[
            (BMC, "Product Owner: jobs, skills, salary", "Writing user stories is a PO duty."),
            (
                SIMPLILEARN,
                "Key Differences: Product Owner Duties Include",
                "Writing stories for the developers is on the PO's duty list.",
            ),
            (
                CAREERFOUNDRY,
                "3. What does a product owner do? Product owner responsibilities",
                "The PO writes and looks after user stories, each told from the user's side.",
            ),
            (FORUM, "Product owner", "Defining user stories is the PO's job in Scrum."),
        ],
        disputes=[
            _dispute(
                PM,
                "004 reports companies where the PM writes the stories day to day while a "
                "senior manager is called 'product owner' as the decision-maker; the author "
                "calls that a misuse of the title.",
                (
                    FORUM,
                    "Product owner (the title used for a senior manager)",
                    "In such companies the PM does the daily story writing with the developers.",
                ),
            ),
            _dispute(
                BUSINESS_ANALYST,
                "004 describes business analysts writing stories and epics for the developers, "
                "playing the PO's part under another title (a custom role can act as PO).",
                (
                    FORUM,
                    "Other roles",
                    "The author once had the analyst title while really doing the PO's job.",
                ),
                alternative=True,
            ),
        ],
        synonyms=[
            "user stories",
            "stories",
            "write stories",
            "write user stories",
            "draft stories",
            "draft user stories",
            "story writing",
            "author stories",
        ],
    ),
    _entry(
        "acceptance-criteria",
        "Acceptance criteria",
        Category.BACKLOG,
        "State, for each story, the conditions it must meet to count as done.",
        pm="I",
        po="AR",
        dev="C",
        sources=[
            (
                CAREERFOUNDRY,
                "4. Job descriptions (FedEx Logistics)",
                "Establishing story acceptance criteria is listed in a PO job ad.",
            ),
            (
                CAREERFOUNDRY,
                "3. What does a product owner do? Reviews completed user stories",
                "The PO checks finished work against the criteria it must meet.",
            ),
        ],
        disputes=[
            _dispute(
                BUSINESS_ANALYST,
                "004 describes business analysts hired to write the detailed requirements the "
                "developers build from, in stories and epics; a story's acceptance criteria "
                "are part of that detail. A team whose analyst answers for them follows 004.",
                (
                    FORUM,
                    "Other roles",
                    "Analysts write the detailed requirements, as stories and epics, for the "
                    "developers.",
                ),
                alternative=True,
            ),
        ],
        synonyms=[
            "acceptance criteria",
            "write acceptance criteria",
            "story acceptance criteria",
        ],
    ),
    _entry(
        "backlog-ordering",
        "Backlog ordering",
        Category.BACKLOG,
        "Put the backlog in order so the most valuable work is done first.",
        pm="C",
        po="AR",
        dev="C",
        sources=[
            (
                BMC,
                "Product Owner: jobs, skills, salary",
                "The PO organises and prioritises the engineers' tasks and the backlog.",
            ),
            (
                SIMPLILEARN,
                "Key Responsibilities of a Product Owner: Overseeing The Backlog of Products",
                "The PO arranges the backlog for business value and keeps it visible.",
            ),
            (
                CAREERFOUNDRY,
                "3. What does a product owner do? What is Scrum?",
                "The Scrum Guide, as quoted, has the PO ordering the work into the backlog.",
            ),
            (FORUM, "Product owner", "Prioritising and maintaining the backlog is the PO's."),
        ],
        disputes=[
            _dispute(
                PM,
                "001 has the PM decide, and rank, what gets built next, and 004 lets a PM take "
                "part in backlog priorities through the roadmap; ordering the backlog itself is "
                "the PO's in 000, 001, 003 and 004.",
                (
                    SIMPLILEARN,
                    "Key Differences: Product Manager",
                    "The PM settles and ranks what gets built next.",
                ),
                (
                    FORUM,
                    "Product manager",
                    "A PM may weigh in on backlog priorities, mostly by way of the roadmap.",
                ),
            ),
        ],
        synonyms=[
            "backlog ordering",
            "order the backlog",
            "prioritize the backlog",
            "backlog prioritization",
            "backlog priorities",
            "rank the backlog",
            "prioritize backlog items",
        ],
    ),
    _entry(
        "backlog-refinement",
        "Backlog refinement",
        Category.BACKLOG,
        "Regularly groom the backlog: drop stale items, add new ones, re-order.",
        pm="I",
        po="AR",
        sm="C",
        dev="C",
        sources=[
            (
                CAREERFOUNDRY,
                "3. What does a product owner do? Maintains the product backlog",
                "The PO holds regular sessions with stakeholders to remove, add and re-order "
                "backlog items.",
            ),
            (
                CAREERFOUNDRY,
                "4. Job descriptions (FedEx Logistics)",
                "Leading story refinement appears in a PO job ad.",
            ),
            (
                SIMPLILEARN,
                "What Does a Product Owner Focus on?",
                "Backlog grooming belongs to the PO alone.",
            ),
            (
                SIMPLILEARN,
                "What is the Product Owner Career Path?: Scrum Master",
                "The Scrum Master helps the PO find ways to manage the backlog.",
            ),
        ],
        synonyms=[
            "backlog refinement",
            "refine the backlog",
            "backlog grooming",
            "groom the backlog",
            "backlog management",
            "backlog",
            "maintain the backlog",
            "story refinement",
        ],
    ),
    _entry(
        "backlog-transparency",
        "Backlog transparency",
        Category.BACKLOG,
        "Keep the backlog visible and understandable to every stakeholder.",
        pm="I",
        po="AR",
        sm="C",
        dev="I",
        sources=[
            (
                SIMPLILEARN,
                "Key Responsibilities of a Product Owner: Overseeing The Backlog of Products",
                "To keep everyone aligned the PO makes the backlog open, plain and within reach "
                "of every stakeholder.",
            ),
            (
                SIMPLILEARN,
                "What is the Product Owner Career Path?: Scrum Master",
                "The Scrum Master helps the PO work out how to manage the backlog.",
            ),
        ],
        synonyms=[
            "backlog transparency",
            "backlog visibility",
            "visible backlog",
            "share the backlog",
            "publish the backlog",
        ],
    ),
    _entry(
        "team-dependencies",
        "Dependencies with other teams",
        Category.DELIVERY,
        "Find out how this team's work and other teams' work affect each other, and agree on it.",
        pm="C",
        po="AR",
        sm="I",
        dev="C",
        sources=[
            (
                CAREERFOUNDRY,
                "4. Job descriptions (FedEx Logistics)",
                "With fellow POs and the PM, the PO sorts out how this team and other teams "
                "depend on each other.",
            ),
            (
                SIMPLILEARN,
                "What is the Product Owner Career Path?: Portfolio Owner",
                "Across several products, a portfolio owner handles the dependencies together "
                "with the products' POs.",
            ),
        ],
        synonyms=[
            "team dependencies",
            "cross team dependencies",
            "dependencies with other teams",
            "interdependencies",
        ],
    ),
    _entry(
        "requirements-clarification",
        "Requirements clarification",
        Category.DELIVERY,
        "Answer the developers' and testers' questions about what a story really needs.",
        pm="C",
        po="AR",
        dev="C",
        sources=[
            (
                FORUM,
                "Product owner",
                "The PO clarifies requirements for developers and QA and tracks down answers "
                "to their detailed questions.",
            ),
            (
                SIMPLILEARN,
                "Key Differences: Necessary Skills for Product Owners (Information Liaison)",
                "The PO links the developers with the stakeholders they need to hear from.",
            ),
        ],
        disputes=[
            _dispute(
                BUSINESS_ANALYST,
                "004 describes business analysts hired to write the detailed requirements the "
                "developers work from, often next to or under a PM.",
                (
                    FORUM,
                    "Other roles",
                    "Analysts write the detailed requirements for the developers.",
                ),
                alternative=True,
            ),
        ],
        synonyms=[
            "requirements clarification",
            "clarify requirements",
            "answer developer questions",
            "answer questions from developers",
            "questions from developers",
            "clarify stories",
        ],
    ),
    _entry(
        "story-acceptance",
        "Story acceptance",
        Category.DELIVERY,
        "Review finished stories and accept them, or send them back.",
        pm="I",
        po="AR",
        dev="C",
        sources=[
            (
                CAREERFOUNDRY,
                "3. What does a product owner do? Reviews completed user stories",
                "The PO reviews completed stories to see that they meet the criteria.",
            ),
            (
                FORUM,
                "Product owner",
                "The PO is closely involved in releases and the end-of-sprint demos.",
            ),
        ],
        synonyms=[
            "story acceptance",
            "accept stories",
            "accept finished stories",
            "accept completed stories",
            "accept user stories",
            "review completed stories",
            "sign off stories",
            "accept work",
        ],
    ),
    _entry(
        "customer-voice-in-team",
        "Customer voice in the team",
        Category.DISCOVERY,
        "Speak for the customer inside the team, day to day.",
        pm="C",
        po="AR",
        dev="I",
        sources=[
            (
                SIMPLILEARN,
                "What is a Product Owner? / What Does a Product Owner Focus on?",
                "The PO champions the customer within the team and relays what customers "
                "need to the developers.",
            ),
            (
                CAREERFOUNDRY,
                "4. Job descriptions (FedEx Logistics)",
                "Acting as the customer's advocate is a PO duty in the job ad.",
            ),
            (FORUM, "Product owner", "The PO represents the customer's interest on the team."),
            (
                BMC,
                "Owner, manager: ambiguous terms",
                "In agile development the PO stands in for the customer.",
            ),
        ],
        disputes=[
            _dispute(
                PM,
                "002 (secondary) gives the voice of the customer to the PM, and 001 also calls "
                "the PM a customer spokesperson. We read the PM's as the voice towards the "
                "business and the market (user-research), and the PO's as the voice inside the "
                "Scrum team, which is what the primary sources describe here.",
                (
                    SIMPLILEARN,
                    "Key Differences: Product Manager",
                    "A good PM also speaks for the customer.",
                ),
                (
                    SNIPPETS,
                    "snippet block, near 'voice of the customer'",
                    "The PM carries the customer's voice (agrees with 001).",
                ),
            ),
        ],
        synonyms=[
            "customer voice",
            "voice of the customer",
            "customer voice in the team",
            "customer advocate",
            "represent the customer",
            "customer advocacy",
        ],
    ),
    _entry(
        "daily-task-breakdown",
        "Daily task breakdown",
        Category.DELIVERY,
        "Break backlog items into the day-to-day tasks the developers work on.",
        po="AR",
        sm="I",
        dev="C",
        sources=[
            (
                BMC,
                "Product Owner: jobs, skills, salary",
                "Deciding the day-to-day tasks is in the PO's list of duties.",
            ),
            (
                SIMPLILEARN,
                "Key Differences: Product Owner Duties Include",
                "The PO's duty list has it splitting tasks into each worker's daily work.",
            ),
            (
                SIMPLILEARN,
                "Product Owner Vs. Product Manager: Do You Need Both?",
                "The PO handles the daily tasks while the PM watches the big picture.",
            ),
        ],
        disputes=[
            _dispute(
                DEV,
                "000 and 001 give the PO the breakdown into daily tasks, but 000 also says the "
                "Scrum team organises itself and engineers claim their own tasks during the "
                "sprint. A team whose developers break down and take their own work follows "
                "000.",
                (
                    BMC,
                    "Product Owner is Scrum-dependent",
                    "Scrum expects the team to organise itself, everyone sharing the work.",
                ),
                (
                    BMC,
                    "Product Owner: jobs, skills, salary",
                    "Engineers pick up tasks themselves as the sprint goes on.",
                ),
                alternative=True,
            ),
        ],
        synonyms=[
            "daily task breakdown",
            "task breakdown",
            "break down tasks",
            "break down stories",
            "break stories into tasks",
            "split stories into tasks",
            "daily tasks",
            "task planning",
        ],
    ),
    _entry(
        "sprint-review",
        "Sprint review",
        Category.PROCESS,
        "Show what the sprint produced to stakeholders and adjust the next sprint with them.",
        pm="C",
        po="AR",
        sm="C",
        dev="R",
        sources=[
            (
                CAREERFOUNDRY,
                "3. What does a product owner do? What is Scrum?",
                "In the Scrum Guide as quoted, the Scrum team looks at each sprint's results "
                "with its stakeholders and adapts the next sprint.",
            ),
            (
                FORUM,
                "Product owner",
                "POs are deeply involved in releases and in demonstrating the work when a "
                "sprint ends.",
            ),
        ],
        synonyms=[
            "sprint review",
            "sprint demo",
            "demo",
            "iteration review",
            "end of sprint demo",
            "review with stakeholders",
            "showcase",
        ],
        needs_sprints=True,
    ),
    # Scrum Master: the team's way of working (Scrum only).
    _entry(
        "scrum-facilitation",
        "Leading the Scrum team",
        Category.PROCESS,
        "Lead the Scrum team in how it works and keep up the conditions Scrum needs.",
        po="C",
        sm="AR",
        dev="C",
        sources=[
            (
                SIMPLILEARN,
                "What is the Product Owner Career Path?: Scrum Master",
                "Leading the Scrum team is one of the Scrum Master's three main duties, with "
                "the team's efficiency as its aim.",
            ),
            (
                CAREERFOUNDRY,
                "3. What does a product owner do? What is Scrum?",
                "The Scrum Guide, as quoted, has the Scrum Master fostering the environment "
                "Scrum needs.",
            ),
            (
                SIMPLILEARN,
                "What Does a Product Owner Focus on?",
                "The PO takes part in all the Scrum meetings.",
            ),
            (FORUM, "Product owner", "The PO spends the day in the Scrum ceremonies."),
        ],
        synonyms=[
            "scrum facilitation",
            "scrum team leadership",
            "lead the scrum team",
            "facilitate scrum",
            "scrum events",
            "scrum ceremonies",
            "daily scrum",
            "daily standup",
            "daily stand up",
            "standup",
            "stand up",
            "facilitate ceremonies",
            "remove impediments",
        ],
    ),
    _entry(
        "po-coaching",
        "Mentoring the Product Owner",
        Category.PROCESS,
        "Mentor and advise the Product Owner, including on ways to manage the backlog.",
        po="C",
        sm="AR",
        sources=[
            (
                SIMPLILEARN,
                "What is the Product Owner Career Path?: Scrum Master",
                "Mentoring and advising the PO is one of the Scrum Master's main duties, "
                "including methods for backlog management.",
            ),
        ],
        synonyms=[
            "po coaching",
            "coach the product owner",
            "mentor the product owner",
            "product owner coaching",
            "product owner mentoring",
        ],
    ),
    _entry(
        "stakeholder-scrum-coaching",
        "Educating stakeholders",
        Category.PROCESS,
        "Counsel and educate stakeholders beyond the team, as part of the Scrum Master's "
        "work across the organisation.",
        pm="C",
        po="C",
        sm="AR",
        sources=[
            (
                SIMPLILEARN,
                "What is the Product Owner Career Path?: Scrum Master",
                "The Scrum Master leads organisation-wide work such as counselling and "
                "educating stakeholders.",
            ),
        ],
        synonyms=[
            "educate stakeholders",
            "stakeholder education",
            "coach stakeholders",
            "stakeholder coaching",
            "agile coaching for stakeholders",
            "educate stakeholders on scrum",
        ],
    ),
    _entry(
        "process-improvement",
        "Process improvement",
        Category.PROCESS,
        "Help the team get better at the way it works, sprint after sprint.",
        po="C",
        sm="AR",
        dev="R",
        sources=[
            (
                SIMPLILEARN,
                "What is the Product Owner Career Path?: Scrum Master",
                "The Scrum Master makes the team efficient by helping it improve its procedures.",
            ),
            (
                CAREERFOUNDRY,
                "3. What does a product owner do?",
                "Agile teams cycle through planning, doing and evaluating, and keep improving "
                "as they go.",
            ),
        ],
        synonyms=[
            "process improvement",
            "improve the process",
            "retrospective",
            "retrospectives",
            "retro",
            "sprint retrospective",
            "continuous improvement",
        ],
    ),
    # Developers: building the product, organising themselves.
    _entry(
        "build-increment",
        "Build the increment",
        Category.DELIVERY,
        "Turn the selected backlog items into a working increment during the sprint.",
        pm="I",
        po="C",
        sm="I",
        dev="AR",
        sources=[
            (
                CAREERFOUNDRY,
                "3. What does a product owner do? What is Scrum?",
                "The Scrum Guide, as quoted, has the team turning selected work into an "
                "increment each sprint.",
            ),
            (
                BMC,
                "Product Owner is Scrum-dependent",
                "The Scrum team organises itself and every member shares in getting the work done.",
            ),
            (
                SIMPLILEARN,
                "What Does a Product Owner Focus on?",
                "The PO keeps the developers clear about their next piece of work.",
            ),
        ],
        synonyms=[
            "build the increment",
            "build increment",
            "development",
            "implementation",
            "build the product",
            "build features",
            "implement features",
            "implement stories",
            "implement user stories",
            "development execution",
        ],
        project_work=True,
    ),
    _entry(
        "sprint-selection",
        "Selecting the sprint's work",
        Category.DELIVERY,
        "Pick the backlog items the team will turn into an increment this sprint.",
        po="C",
        sm="I",
        dev="AR",
        sources=[
            (
                CAREERFOUNDRY,
                "3. What does a product owner do? What is Scrum?",
                "In the quoted Scrum Guide definition, the Scrum team takes a selection of the "
                "backlog and makes an increment of it during the sprint.",
            ),
            (
                BMC,
                "Product Owner is Scrum-dependent",
                "Scrum expects its team to organise its own work.",
            ),
        ],
        disputes=[
            _dispute(
                PO,
                "000 and 001 have the PO organise and rank the engineers' tasks so that they "
                "know what to take on next; a team whose PO picks the sprint's items follows "
                "them.",
                (
                    BMC,
                    "Product Owner: jobs, skills, salary",
                    "The PO's job is to arrange and rank the engineers' tasks.",
                ),
                (
                    SIMPLILEARN,
                    "What Does a Product Owner Focus on?",
                    "The PO makes sure the developers know their next piece of work.",
                ),
                alternative=True,
            ),
        ],
        synonyms=[
            "sprint selection",
            "select sprint work",
            "select sprint items",
            "sprint backlog",
            "sprint scope",
            "sprint commitment",
        ],
        needs_sprints=True,
    ),
    _entry(
        "claim-sprint-tasks",
        "Claim sprint tasks",
        Category.DELIVERY,
        "Developers pick up the next tasks themselves during the sprint.",
        po="I",
        dev="AR",
        sources=[
            (
                BMC,
                "Product Owner: jobs, skills, salary",
                "During the sprint engineers claim tasks from the list the PO keeps in order.",
            ),
            (
                BMC,
                "Product Owner is Scrum-dependent",
                "Scrum expects the team to self-organise.",
            ),
        ],
        disputes=[
            _dispute(
                PO,
                "Pulls against daily-task-breakdown: 000 and 001 also have the PO deciding the "
                "day-to-day tasks. We read it as the PO shaping the tasks and the developers "
                "choosing which to take; a team whose PO hands out the tasks follows 000 and "
                "001.",
                (
                    BMC,
                    "Product Owner: jobs, skills, salary",
                    "Deciding the day-to-day tasks is in the PO's duties.",
                ),
                (
                    SIMPLILEARN,
                    "Key Differences: Product Owner Duties Include",
                    "The PO turns tasks into each worker's daily duties.",
                ),
                alternative=True,
            ),
        ],
        synonyms=[
            "claim sprint tasks",
            "claim tasks",
            "pick up tasks",
            "take tasks",
            "self assign tasks",
        ],
        needs_sprints=True,
    ),
)

CATALOGUE_BY_KEY: dict[str, CatalogueEntry] = {entry.key: entry for entry in CATALOGUE}


def by_key(key: str | None) -> CatalogueEntry | None:
    """The entry with this key, or None for no key or an unknown one."""
    return CATALOGUE_BY_KEY.get(key) if key else None


def documented_accountable(entry: CatalogueEntry) -> CanonicalRole:
    """The role the sources make accountable for this entry (exactly one)."""
    (owner,) = (kind for kind, letters in entry.letters.items() if Letter.ACCOUNTABLE in letters)
    return owner


def documented_owners(entry: CatalogueEntry, *, uses_scrum: bool) -> tuple[CanonicalRole, ...]:
    """The roles that may hold the A for this entry in a team, the preferred one first.

    Without Scrum the Product Owner fades away (000: its work goes unassigned or
    to an over-arching Product Manager), so its entries fall to the Product
    Manager, and the Scrum Master's entries have no owner at all.
    """
    owner = documented_accountable(entry)
    if uses_scrum:
        return (owner,)
    if owner == PO:
        return (PM, PO)
    if owner == SM:
        return ()
    return (owner,)


def in_reference(entry: CatalogueEntry, *, uses_scrum: bool) -> bool:
    """The entry is work a team in this context does: someone owns it, and without
    Scrum there are no sprints to review or fill."""
    if not documented_owners(entry, uses_scrum=uses_scrum):
        return False
    return uses_scrum or not entry.needs_sprints


def entries_owned_by(kind: CanonicalRole) -> tuple[CatalogueEntry, ...]:
    return tuple(entry for entry in CATALOGUE if documented_accountable(entry) == kind)


def reference_rows(*, uses_scrum: bool) -> list[tuple[CatalogueEntry, dict]]:
    """The catalogue fitted to a team: (entry, {kind: letters}) in catalogue order.

    Without Scrum there is no Product Owner or Scrum Master, and no sprint:
    the entries nobody owns and the sprints' work are left out, and the
    Product Owner's letters fall to the Product Manager, as
    `documented_owners` reads the sources.
    """
    rows = []
    for entry in CATALOGUE:
        if not in_reference(entry, uses_scrum=uses_scrum):
            continue
        letters = dict(entry.letters)
        if not uses_scrum:
            managers, owners = letters.pop(PM, frozenset()), letters.pop(PO, frozenset())
            # The PM absorbs the PO's work (000), its A and R; where neither does the
            # work, the PM keeps its own letter (or takes the PO's, having none).
            work = (managers | owners) & {Letter.ACCOUNTABLE, Letter.RESPONSIBLE}
            letters[PM] = work or managers or owners
            letters.pop(SM, None)
        rows.append((entry, {kind: value for kind, value in letters.items() if value}))
    return rows


ROLE_PROFILES: dict[CanonicalRole, RoleProfile] = {
    PM: RoleProfile(
        role=PM,
        summary=(
            "Owns the strategy: the long-term vision, the roadmap, which features come "
            "next, the requirements, how success is measured, pricing, budget and the launch, "
            "across the product's whole life. Learns from users and the market and keeps "
            "business, stakeholders and engineering aligned. The job exists in any company, "
            "with or without Scrum; early on, a PM covers far more ground."
        ),
        sources=(
            Source(BMC, "A general distinction", "The PM is the strategic side of the pair."),
            Source(
                BMC,
                "Product Manager: jobs, skills, salary",
                "A mature PM talks to users, plans the strategic path, sets timelines and "
                "links engineering with business; in a young company the PM does much more.",
            ),
            Source(
                SIMPLILEARN,
                "Key Differences: Product Manager Duties Include",
                "User research, a plan that unites the team, the full vision and the choice "
                "of what to build next.",
            ),
            Source(
                CAREERFOUNDRY,
                "2. What does a product manager do?",
                "The PM guides the product through its whole life cycle and works out what "
                "to build from user needs and business goals.",
            ),
            Source(
                FORUM,
                "Product manager",
                "A broader role than the PO, reaching into strategy, marketing, pricing and "
                "planning; the team need not run Scrum.",
            ),
        ),
    ),
    PO: RoleProfile(
        role=PO,
        summary=(
            "A role in Scrum teams: sets the product goal, turns the PM's vision into an "
            "ordered backlog that everyone can see, writes the user stories and their "
            "acceptance criteria, refines the backlog, answers the developers' questions, "
            "accepts finished stories and speaks for the customer inside the team. Without "
            "Scrum the role may vanish: its duties may go unassigned, or be taken over by a "
            "Product Manager or assistant PMs. In a startup or smaller organization one person "
            "often holds both roles."
        ),
        sources=(
            Source(
                BMC,
                "Product Owner is Scrum-dependent",
                "The PO depends on Scrum; elsewhere its work may not be named at all, or may "
                "go to an overall PM or to assistant PMs.",
            ),
            Source(
                BMC,
                "Product Owner: jobs, skills, salary",
                "The PO turns vision into tasks, sets daily tasks, writes stories and "
                "prioritises the backlog.",
            ),
            Source(
                SIMPLILEARN,
                "Can a Product Owner Also Be a Product Manager? / FAQs 1 and 4",
                "One person can do both, which is common in startups and small companies.",
            ),
            Source(
                CAREERFOUNDRY,
                "3. What does a product owner do?",
                "The PO manages the backlog so the sprint work follows the roadmap.",
            ),
            Source(
                FORUM,
                "Product owner / Other roles",
                "Stories, backlog and clarifications for the team; a business analyst may "
                "effectively play the role.",
            ),
            Source(
                SIMPLILEARN,
                "What is a Product Owner? / What Does a Product Owner Focus on?",
                "The PO is described as a member of Agile and Scrum teams, and Scrum as a "
                "scaled agile paradigm.",
            ),
            Source(
                SNIPPETS,
                "snippet block, near 'SAFe'",
                "The SAFe scaling framework keeps a PM and a PO apart; POs are found mostly in "
                "agile organisations (secondary, agrees with 001).",
            ),
        ),
        dispute_note=(
            "000, 003 and 004 tie the role to Scrum alone. 001 describes the PO as a member of "
            "Agile teams as well as Scrum ones, and 002 mentions SAFe teams with a separate PO. "
            "The checks follow the majority: a team marked as not using Scrum has no PO, and "
            "its PO work falls to the PM."
        ),
    ),
    SM: RoleProfile(
        role=SM,
        summary=(
            "A Scrum role: leads the Scrum team and answers for its efficiency, helping it "
            "improve its procedures; mentors and advises the Product Owner, including on ways "
            "to manage the backlog; counsels and educates stakeholders across the organization. "
            "Strategy, schedule and budget are a project manager's concern, not the Scrum "
            "Master's. Not needed when the team does not use Scrum."
        ),
        sources=(
            Source(
                SIMPLILEARN,
                "What is the Product Owner Career Path?: Scrum Master",
                "Leads the Scrum team, mentors the PO and educates stakeholders, with the "
                "team's efficiency as the goal.",
            ),
            Source(
                CAREERFOUNDRY,
                "3. What does a product owner do? What is Scrum?",
                "The quoted Scrum Guide gives the Scrum Master the job of fostering the "
                "environment.",
            ),
            Source(
                SIMPLILEARN,
                "FAQs: 1. Can one person fulfill both roles?",
                "Schedule, budget and resources are named as a project manager's work.",
            ),
        ),
    ),
    DEV: RoleProfile(
        role=DEV,
        summary=(
            "The people who build the product: they organise themselves, claim their tasks "
            "during the sprint and turn the selected backlog items into a working increment."
        ),
        sources=(
            Source(
                BMC,
                "Product Owner is Scrum-dependent",
                "Scrum names Developers as one of its roles; the team organises itself.",
            ),
            Source(
                BMC,
                "Product Owner: jobs, skills, salary",
                "Engineers claim the tasks and build what the list holds.",
            ),
            Source(
                CAREERFOUNDRY,
                "3. What does a product owner do? What is Scrum?",
                "The team turns selected work into an increment every sprint.",
            ),
        ),
    ),
}
