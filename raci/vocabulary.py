"""The words the whole app shares: RACI letters, canonical roles, categories.

Pure Python (no Django import) so that the analysis engine, the file readers
and the models all speak the same vocabulary. Models turn these enums into
Django choices; nothing else spells out "R" or "pm" by hand.
"""

import re
from enum import StrEnum


class Letter(StrEnum):
    RESPONSIBLE = "R"
    ACCOUNTABLE = "A"
    CONSULTED = "C"
    INFORMED = "I"

    @property
    def label(self) -> str:
        return self.name.capitalize()


# The order letters are shown in, everywhere: "AR", never "RA".
LETTER_ORDER = (Letter.ACCOUNTABLE, Letter.RESPONSIBLE, Letter.CONSULTED, Letter.INFORMED)


def letters_to_text(letters) -> str:
    """Canonical spelling of a set of letters: "AR", "C", ""."""
    return "".join(letter.value for letter in LETTER_ORDER if letter in letters)


def letters_in_words(letters) -> str:
    """A cell's letters as a sentence names them: "AR", or "not involved" for
    none, as a fix says what it will do and what it did."""
    return letters_to_text(letters) or "not involved"


class CanonicalRole(StrEnum):
    PRODUCT_MANAGER = "pm"
    PRODUCT_OWNER = "po"
    SCRUM_MASTER = "sm"
    DEVELOPERS = "dev"

    @property
    def label(self) -> str:
        return CANONICAL_ROLE_NAMES[self]

    @property
    def is_scrum_only(self) -> bool:
        return self in (CanonicalRole.PRODUCT_OWNER, CanonicalRole.SCRUM_MASTER)


# The short names the engine, the catalogue and the demo use for the four roles.
PM = CanonicalRole.PRODUCT_MANAGER
PO = CanonicalRole.PRODUCT_OWNER
SM = CanonicalRole.SCRUM_MASTER
DEV = CanonicalRole.DEVELOPERS

CANONICAL_ROLE_NAMES = {
    CanonicalRole.PRODUCT_MANAGER: "Product Manager",
    CanonicalRole.PRODUCT_OWNER: "Product Owner",
    CanonicalRole.SCRUM_MASTER: "Scrum Master",
    CanonicalRole.DEVELOPERS: "Developers",
}


class Category(StrEnum):
    STRATEGY = "strategy"
    DISCOVERY = "discovery"
    BACKLOG = "backlog"
    DELIVERY = "delivery"
    PROCESS = "process"
    LAUNCH = "launch"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Stage(StrEnum):
    """Where the company is; 001 (FAQs 1 and 4) ties the product roles to it."""

    STARTUP = "startup"
    SMALL = "small"
    ESTABLISHED = "established"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]

    @property
    def combines_product_roles(self) -> bool:
        """One person doing both the PM's and the PO's work is common here (001, FAQs 1)."""
        return self in (Stage.STARTUP, Stage.SMALL)


STAGE_LABELS = {
    Stage.STARTUP: "Startup",
    Stage.SMALL: "Smaller organization",
    Stage.ESTABLISHED: "Established (larger organization)",
}


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def rank(self) -> int:
        return SEVERITY_ORDER.index(self)

    @property
    def symbol(self) -> str:
        """Shown with the colour, so that severity never rests on colour alone."""
        return SEVERITY_SYMBOLS[self]

    @property
    def badge_class(self) -> str:
        return SEVERITY_BADGES[self]

    def counted(self, count: int) -> str:
        """ "2 errors", "1 warning", "3 info": as the editor's findings panel words a count."""
        plural = "s" if count != 1 and self != Severity.INFO else ""
        return f"{count} {self.value}{plural}"


SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)
SEVERITY_SYMBOLS = {Severity.ERROR: "✖", Severity.WARNING: "▲", Severity.INFO: "ℹ"}  # noqa: RUF001
SEVERITY_BADGES = {
    Severity.ERROR: "text-bg-danger",
    Severity.WARNING: "text-bg-warning",
    Severity.INFO: "text-bg-info",
}


# --- Spellings found in matrix files ---------------------------------------------------------

# Headers people give the documented roles, folded (lower case, single spaces,
# without a trailing abbreviation in parentheses: "Scrum Master (SM)").
# "PM" is not here: it means Product Manager in some files and Project Manager
# in others, so the readers ask (see AMBIGUOUS_ROLE_ALIASES).
ROLE_ALIASES = {
    **dict.fromkeys(
        [
            "product manager",
            "product managers",
            "pdm",
            "pm-t",
            "pmt",
            "product lead",
            "product management",
            "product mgr",
            "prod mgr",
        ],
        CanonicalRole.PRODUCT_MANAGER,
    ),
    **dict.fromkeys(["product owner", "product owners", "po"], CanonicalRole.PRODUCT_OWNER),
    **dict.fromkeys(
        ["scrum master", "scrum masters", "sm", "scrum master / agile coach"],
        CanonicalRole.SCRUM_MASTER,
    ),
    **dict.fromkeys(
        [
            "developers",
            "developer",
            "dev",
            "devs",
            "dev team",
            "development team",
            "development",
            "developers team",
            "engineering",
            "engineering team",
            "engineers",
            "software engineers",
            "scrum team developers",
        ],
        CanonicalRole.DEVELOPERS,
    ),
}
# Abbreviations that name different roles in different files.
AMBIGUOUS_ROLE_ALIASES = {"pm": CanonicalRole.PRODUCT_MANAGER}


def fold(text: str) -> str:
    """Text compared the way people mean it: case and spacing do not count."""
    return " ".join(text.split()).lower()


def fold_role(text: str) -> str:
    """A role header folded, without an abbreviation in parentheses ("Scrum Master (SM)")."""
    folded = fold(text)
    without = re.sub(r"\s*\([^)]*\)\s*$", "", folded)
    return without or folded


def role_kind_for_header(header: str) -> CanonicalRole | None:
    """The documented role a header names ("PM" included), or None for a custom role."""
    folded = fold_role(header)
    return ROLE_ALIASES.get(folded) or AMBIGUOUS_ROLE_ALIASES.get(folded)


LETTER_SEPARATORS = "/,+;&"
# In RACI order, the way people say it: "use R, A, C or I".
LETTER_HELP = "use R, A, C or I"
LETTER_WORDS = {letter.label.lower(): letter for letter in Letter}
BLANK_CELLS = frozenset(["", "-", "\u2013", "\u2014", "n/a", "na", "n.a.", "none", "·", "."])
_WORD = re.compile(r"[a-z]+", re.IGNORECASE)


def parse_letters(text: str) -> frozenset[Letter]:
    """Letters from a cell in any accepted spelling; ValueError names the first bad one.

    "A/R", "AR", "R, A", "A+R", " c ", the words ("Accountable"), in
    parentheses too ("(Consulted)", "R (Responsible)"); "N/A", "-" and the
    like are blank.
    """
    cleaned = text.replace("*", " ").replace("`", " ").strip()
    if fold(cleaned) in BLANK_CELLS:
        return frozenset()
    cleaned = re.sub(r"[()\[\]]", " ", cleaned)
    cleaned = re.sub(r"\band\b", ",", cleaned, flags=re.IGNORECASE)
    cleaned = _WORD.sub(lambda word: LETTER_WORDS.get(word[0].lower(), word[0]), cleaned)
    letters = set()
    for char in cleaned:
        if char.isspace() or char in LETTER_SEPARATORS:
            continue
        try:
            letters.add(Letter(char.upper()))
        except ValueError:
            raise ValueError(f"unknown letter '{char}' ({LETTER_HELP})") from None
    return frozenset(letters)


def letter_heading(text: str) -> Letter | None:
    """The letter a column heading stands for in the inverted layout: "R",
    "Responsible", "R (Responsible)", "Accountable (A)", "A (Approves)"."""
    words = _WORD.findall(text)
    if not words or len(re.findall(r"\b[RACI]\b", text.upper())) > 1:
        return None  # "R/A", "C, I": a cell of letters, not a heading.
    for word in words:
        if word.lower() in LETTER_WORDS:
            return LETTER_WORDS[word.lower()]
    first = words[0]
    if len(first) == 1 and first.upper() in Letter._value2member_map_:
        return Letter(first.upper())
    return None
