"""The documented role definitions, as data with their sources.

Each entry is one responsibility that the source articles in shared/seeds
give to the Product Manager, the Product Owner, the Scrum Master or the
Developers, with the RACI letters those sources imply for all four roles.
Everything here is our own wording: a source is cited by seed file name and
the part of the article, followed by a paraphrase, never by a quotation.

The seeds README ranks 002 as secondary (a garbled page of snippets): it is
cited only next to a primary source that says the same thing.

Where the sources pull two ways, the entry says so (`disputed` and
`dispute_note`) instead of silently picking a side; the letters then follow
the majority of the primary sources.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from raci.vocabulary import CanonicalRole, Category, Letter

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

PM = CanonicalRole.PRODUCT_MANAGER
PO = CanonicalRole.PRODUCT_OWNER
SM = CanonicalRole.SCRUM_MASTER
DEV = CanonicalRole.DEVELOPERS


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


@dataclass(frozen=True)
class CatalogueEntry:
    key: str
    name: str
    description: str
    category: Category
    # Read-only mapping; excluded from the hash so entries can sit in sets.
    letters: Mapping[CanonicalRole, frozenset[Letter]] = field(hash=False)
    sources: tuple[Source, ...]
    disputed: bool = False
    dispute_note: str = ""

    def letters_for(self, kind: CanonicalRole) -> frozenset[Letter]:
        return self.letters.get(kind, frozenset())


@dataclass(frozen=True)
class RoleProfile:
    """What one documented role does, per the sources, for a role-definitions page."""

    role: CanonicalRole
    summary: str
    sources: tuple[Source, ...]


def _letters(text: str) -> frozenset[Letter]:
    return frozenset(Letter(char) for char in text)


def _entry(key, name, category, description, *, pm="", po="", sm="", dev="", sources, dispute=""):
    """One catalogue entry; the letters are written the way a RACI chart shows them."""
    letters = {PM: _letters(pm), PO: _letters(po), SM: _letters(sm), DEV: _letters(dev)}
    return CatalogueEntry(
        key=key,
        name=name,
        description=description,
        category=category,
        letters=MappingProxyType(letters),
        sources=tuple(Source(*source) for source in sources),
        disputed=bool(dispute),
        dispute_note=dispute,
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
                "Product Manager Duties Include",
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
        dispute=(
            "001 contradicts itself: its main text gives the vision to the PM, but its FAQ "
            "(question 1) says the PO develops and maintains the product vision, and its "
            "PO section makes the PO create the product goal. The other primary sources give "
            "the vision to the PM, so the PM stays accountable and the PO is consulted."
        ),
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
                "Key Responsibilities of a Product Owner: Understanding The Value of the Product",
                "The PO must know the market's needs, learning them largely from the PM.",
            ),
            (
                SNIPPETS,
                "Disciplined Agile Delivery summary",
                "Market research is listed among the PM's duties (agrees with 001).",
            ),
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
                "Product Manager Duties Include",
                "The PM finds out user needs through research and shares what was learned.",
            ),
            (
                CAREERFOUNDRY,
                "2. What does a product manager do?",
                "The PM talks to customers and stakeholders to set the product requirements.",
            ),
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
                "Product Manager (key differences)",
                "The PM settles what gets built next.",
            ),
            (
                SNIPPETS,
                "product manager vs product owner, opening snippets",
                "The PM chooses the next product to build; the PO supports the team in "
                "building it (agrees with 001).",
            ),
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
                "Key Responsibilities of a Product Owner: Understanding The Value of the Product",
                "The PO works with the PM to learn what the team counts as product success.",
            ),
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
                "Key Responsibilities of a Product Manager: Collaborate With Product Marketing",
                "Larger releases have the PM working with marketing on positioning and "
                "messaging before launch.",
            ),
            (
                SIMPLILEARN,
                "Product Manager (career path)",
                "The PM's remit runs from conception through launch to maintenance.",
            ),
            (
                FORUM,
                "Product manager",
                "A PM may also take on product marketing.",
            ),
        ],
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
                "Necessary Skills for Product Managers: Business Experience",
                "A PM needs to understand profits, budgets and cash flow.",
            ),
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
        dispute=(
            "001's FAQ (question 1) gives schedule, budget and resources to the project "
            "manager, a different job. 000 names the product manager, and 001's main text "
            "agrees, so the PM stays accountable; a team with a project manager may "
            "reasonably hand this over."
        ),
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
                "The PM stands between the people who fund the product and those who design "
                "and build it, keeping everyone pointed at one goal.",
            ),
            (
                SIMPLILEARN,
                "Necessary Skills for Product Owners: Information Liaison",
                "The PO acts as go-between for developers and stakeholders.",
            ),
        ],
        dispute=(
            "001 calls both roles the liaison: the PM between business, technology and "
            "design, the PO at team level, linking developers to whoever holds answers. "
            "We read the PM's as the company-wide link (accountable here) and the PO's as "
            "the team-level link, covered by requirements-clarification and "
            "customer-voice-in-team."
        ),
    ),
    # Product Owner: the backlog and the team's day-to-day direction (Scrum only).
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
                "Product Owner Duties Include",
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
                "product manager vs product owner, middle snippets",
                "Much of the PO's work is converting the PM's high-level vision into concrete "
                "tasks (agrees with 000).",
            ),
        ],
        dispute=(
            "002 once has the PM building the strategy on the PO's instruction, the reverse "
            "of every other source. 002 is secondary and alone in this, so the direction "
            "here is vision from the PM, backlog from the PO."
        ),
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
                "Product Owner Duties Include",
                "Writing stories for the developers is on the PO's duty list.",
            ),
            (
                CAREERFOUNDRY,
                "3. What does a product owner do? Product owner responsibilities",
                "The PO writes and looks after user stories, each told from the user's side.",
            ),
            (FORUM, "Product owner", "Defining user stories is the PO's job in Scrum."),
        ],
        dispute=(
            "004 reports companies where the PM writes the stories day to day while a "
            "senior manager is called 'product owner' as the decision-maker; the author "
            "calls that a misuse of the title. 004 also describes business analysts writing "
            "stories as the de facto PO: model that as a custom role acting as PO."
        ),
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
            (
                SNIPPETS,
                "Disciplined Agile Delivery summary",
                "Making sure requirements are analysed enough to be worked on (agrees with 003).",
            ),
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
                "Key Responsibilities of a Product Owner: Overseeing The Backlog",
                "The PO arranges the backlog for business value and keeps it visible.",
            ),
            (
                CAREERFOUNDRY,
                "3. What does a product owner do? What is Scrum?",
                "The Scrum Guide, as quoted, has the PO ordering the work into the backlog.",
            ),
            (FORUM, "Product owner", "Prioritising and maintaining the backlog is the PO's."),
            (
                FORUM,
                "Product manager",
                "A PM may be involved in backlog priorities, usually through the roadmap.",
            ),
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
                "Scrum Master (career path)",
                "The Scrum Master helps the PO find ways to manage the backlog.",
            ),
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
                "Necessary Skills for Product Owners: Information Liaison",
                "The PO links the developers with the stakeholders they need to hear from.",
            ),
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
        dispute=(
            "002 (secondary) gives the voice of the customer to the PM, and 001 also calls "
            "the PM a customer spokesperson. We read the PM's as the voice towards the "
            "business and the market (user-research), and the PO's as the voice inside the "
            "Scrum team, which is what the primary sources describe here."
        ),
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
                "Product Owner Duties Include",
                "The PO's duty list has it splitting tasks into each worker's daily work.",
            ),
            (
                SIMPLILEARN,
                "Product Owner Vs. Product Manager: Do You Need Both?",
                "The PO handles the daily tasks while the PM watches the big picture.",
            ),
        ],
        dispute=(
            "000 and 001 give the PO the breakdown into daily tasks, but 000 also says the "
            "Scrum team organises itself and engineers claim their own tasks during the "
            "sprint (see claim-sprint-tasks). The PO stays accountable, as 000 and 001 state; "
            "a self-organising team may well move the R to the Developers."
        ),
    ),
    # Scrum Master: the framework and the people using it (Scrum only).
    _entry(
        "scrum-facilitation",
        "Scrum facilitation",
        Category.PROCESS,
        "Run the Scrum events and keep the team working within the framework.",
        po="C",
        sm="AR",
        dev="C",
        sources=[
            (
                SIMPLILEARN,
                "Scrum Master (career path)",
                "The Scrum Master leads the Scrum team and answers for its efficiency.",
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
    ),
    _entry(
        "po-coaching",
        "Coaching the Product Owner",
        Category.PROCESS,
        "Mentor the Product Owner, notably on ways to manage the backlog.",
        po="C",
        sm="AR",
        sources=[
            (
                SIMPLILEARN,
                "Scrum Master (career path)",
                "Mentoring and advising the PO is one of the Scrum Master's main duties, "
                "including methods for backlog management.",
            ),
        ],
    ),
    _entry(
        "stakeholder-scrum-coaching",
        "Coaching stakeholders in Scrum",
        Category.PROCESS,
        "Teach and counsel stakeholders outside the team on how Scrum works.",
        pm="C",
        po="C",
        sm="AR",
        sources=[
            (
                SIMPLILEARN,
                "Scrum Master (career path)",
                "The Scrum Master leads organisation-wide work such as counselling and "
                "educating stakeholders.",
            ),
        ],
    ),
    _entry(
        "process-improvement",
        "Process improvement",
        Category.PROCESS,
        "Inspect how the team works and improve it sprint after sprint.",
        po="C",
        sm="AR",
        dev="R",
        sources=[
            (
                SIMPLILEARN,
                "Scrum Master (career path)",
                "The Scrum Master makes the team efficient by helping it improve its procedures.",
            ),
            (
                CAREERFOUNDRY,
                "3. What does a product owner do? What is Scrum?",
                "In the quoted Scrum Guide definition, the team reviews each sprint's outcome "
                "with its stakeholders and changes course for the following one.",
            ),
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
        dispute=(
            "Pulls against daily-task-breakdown: 000 and 001 also have the PO deciding the "
            "day-to-day tasks. We read it as the PO shaping the tasks and the developers "
            "choosing which to take."
        ),
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


def entries_owned_by(kind: CanonicalRole) -> tuple[CatalogueEntry, ...]:
    return tuple(entry for entry in CATALOGUE if documented_accountable(entry) == kind)


ROLE_PROFILES: dict[CanonicalRole, RoleProfile] = {
    PM: RoleProfile(
        role=PM,
        summary=(
            "Owns the strategy: the long-term vision, the roadmap, which features come "
            "next, how success is measured, pricing and the launch. Learns from users and "
            "the market and keeps business and engineering aligned. The job exists in any "
            "company, with or without Scrum; early on, a PM covers far more ground."
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
                "Product Manager Duties Include",
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
            "A Scrum role: turns the PM's vision into an ordered backlog, writes the user "
            "stories and their acceptance criteria, refines the backlog, answers the "
            "developers' questions, accepts finished stories and speaks for the customer "
            "inside the team. Without Scrum these duties fall to the Product Manager; in a "
            "startup one person often holds both roles."
        ),
        sources=(
            Source(
                BMC,
                "Product Owner is Scrum-dependent",
                "The PO exists only within Scrum; elsewhere a PM absorbs its work.",
            ),
            Source(
                BMC,
                "Product Owner: jobs, skills, salary",
                "The PO turns vision into tasks, sets daily tasks, writes stories and "
                "prioritises the backlog.",
            ),
            Source(
                SIMPLILEARN,
                "Can a Product Owner Also Be a Product Manager? / FAQs 1",
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
        ),
    ),
    SM: RoleProfile(
        role=SM,
        summary=(
            "A Scrum role: keeps the framework running, coaches the Product Owner, teaches "
            "stakeholders how Scrum works and helps the team improve the way it works. Not "
            "needed when the team does not use Scrum."
        ),
        sources=(
            Source(
                SIMPLILEARN,
                "Scrum Master (career path)",
                "Leads the Scrum team, mentors the PO and educates stakeholders, with the "
                "team's efficiency as the goal.",
            ),
            Source(
                CAREERFOUNDRY,
                "3. What does a product owner do? What is Scrum?",
                "The quoted Scrum Guide gives the Scrum Master the job of fostering the "
                "environment.",
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
