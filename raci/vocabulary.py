"""The words the whole app shares: RACI letters, canonical roles, categories.

Pure Python (no Django import) so that the analysis engine, the file readers
and the models all speak the same vocabulary. Models turn these enums into
Django choices; nothing else spells out "R" or "pm" by hand.
"""

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


SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)
SEVERITY_SYMBOLS = {Severity.ERROR: "✖", Severity.WARNING: "▲", Severity.INFO: "ℹ"}  # noqa: RUF001
SEVERITY_BADGES = {
    Severity.ERROR: "text-bg-danger",
    Severity.WARNING: "text-bg-warning",
    Severity.INFO: "text-bg-info",
}
