"""The catalogue of documented role definitions: complete, consistent, and cited."""

import re
from pathlib import Path

import pytest

from raci.catalogue import (
    CATALOGUE,
    CATALOGUE_BY_KEY,
    PRIMARY_SEEDS,
    ROLE_PROFILES,
    SEED_TITLES,
    SNIPPETS,
    by_key,
    documented_accountable,
    entries_owned_by,
)
from raci.vocabulary import CanonicalRole, Category, Letter

PM = CanonicalRole.PRODUCT_MANAGER
PO = CanonicalRole.PRODUCT_OWNER
SM = CanonicalRole.SCRUM_MASTER
DEV = CanonicalRole.DEVELOPERS

# The keys and accountable roles the issue requires, at the least.
REQUIRED_OWNERS = {
    **dict.fromkeys(
        [
            "product-vision",
            "product-roadmap",
            "market-research",
            "user-research",
            "feature-prioritization",
            "success-metrics",
            "product-launch",
            "pricing",
            "development-timeline",
            "business-engineering-liaison",
        ],
        PM,
    ),
    **dict.fromkeys(
        [
            "vision-to-backlog",
            "user-stories",
            "acceptance-criteria",
            "backlog-ordering",
            "backlog-refinement",
            "requirements-clarification",
            "story-acceptance",
            "customer-voice-in-team",
            "daily-task-breakdown",
        ],
        PO,
    ),
    **dict.fromkeys(
        ["scrum-facilitation", "po-coaching", "stakeholder-scrum-coaching", "process-improvement"],
        SM,
    ),
    **dict.fromkeys(["build-increment", "claim-sprint-tasks"], DEV),
}

SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.mark.parametrize(("key", "owner"), REQUIRED_OWNERS.items())
def test_required_entry_has_its_documented_accountable_role(key, owner):
    assert documented_accountable(by_key(key)) == owner


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda entry: entry.key)
def test_entry_has_one_accountable_and_a_responsible(entry):
    letters = [entry.letters_for(kind) for kind in CanonicalRole]
    assert sum(Letter.ACCOUNTABLE in cell for cell in letters) == 1
    assert any(Letter.RESPONSIBLE in cell for cell in letters)
    assert set(entry.letters) == set(CanonicalRole)


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda entry: entry.key)
def test_entry_is_described_in_its_own_words_with_sources(entry):
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", entry.key)
    assert entry.name and entry.description
    assert isinstance(entry.category, Category)
    assert entry.sources
    assert all(source.seed in SEED_TITLES and source.part for source in entry.sources)
    assert entry.disputed == bool(entry.dispute_note)


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda entry: entry.key)
def test_secondary_source_is_only_cited_beside_a_primary_one(entry):
    seeds = {source.seed for source in entry.sources}
    assert seeds & PRIMARY_SEEDS
    if SNIPPETS in seeds:
        assert len(seeds) > 1


def test_disagreements_named_in_the_seeds_readme_are_recorded():
    assert by_key("daily-task-breakdown").disputed
    assert by_key("claim-sprint-tasks").disputed
    assert "002" in by_key("vision-to-backlog").dispute_note
    assert "misuse" in by_key("user-stories").dispute_note


def test_keys_are_unique_and_looked_up():
    assert len(CATALOGUE_BY_KEY) == len(CATALOGUE)
    assert by_key("backlog-ordering").name == "Backlog ordering"
    assert by_key("no-such-key") is None
    assert by_key(None) is None


def test_every_role_owns_something_and_has_a_profile():
    for kind in CanonicalRole:
        assert entries_owned_by(kind)
        assert ROLE_PROFILES[kind].summary
        assert ROLE_PROFILES[kind].sources


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))


def _shingles(words: list[str], size: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def test_catalogue_paraphrases_and_never_pastes_the_seed_articles():
    """No run of six words in our text appears in a seed article."""
    if not SEEDS_DIR.is_dir():
        # The articles are third-party text and are not kept in this repository.
        pytest.skip(f"the seed articles are not beside this checkout ({SEEDS_DIR})")
    seed_shingles = set()
    for seed in SEED_TITLES:
        seed_shingles |= _shingles(_words((SEEDS_DIR / seed).read_text()), 6)
    texts = [entry.description for entry in CATALOGUE]
    texts += [entry.dispute_note for entry in CATALOGUE]
    texts += [source.paraphrase for entry in CATALOGUE for source in entry.sources]
    texts += [profile.summary for profile in ROLE_PROFILES.values()]
    texts += [source.paraphrase for profile in ROLE_PROFILES.values() for source in profile.sources]
    pasted = [text for text in texts if _shingles(_words(text), 6) & seed_shingles]
    assert pasted == []
