"""Activity names matched to catalogue entries, for rows without a catalogue key.

Teams write their matrices in their own words ("Draft stories", "Prioritise
the backlog"), and such rows would otherwise never be checked against the
documented owners. A name matches an entry when, once normalised,

- it contains the whole of the entry's name or of one of its synonyms, and
- every one of its words belongs to that entry's vocabulary (the words of its
  name and synonyms),

and no other entry matches as well. Precision matters more than recall: a
wrong match puts a warning on a row the sources say nothing about, while a
missed one only leaves the row unchecked, as it was.

Pure Python, like the engine that calls it.
"""

import re
from functools import lru_cache

from raci.catalogue import CATALOGUE, CatalogueEntry

# Words that say nothing about which responsibility a row is: articles and
# prepositions, the product every row is about, the generic verbs of a to-do
# list ("own", "manage", "define"...) and the meetings work happens in.
# "Team" is not one of them: a team's goals or metrics are not the product's.
FILLER = frozenset(
    " ".join(
        [
            "a an the and or of for to with in on at by per from into as all each any",
            "our their its up down is are be it this that new which what",
            "product products",
            "own owning manage managing management handle handling do doing perform",
            "conduct create creating define defining definition set setting establish make",
            "making",
            "produce prepare keep ensure drive maintain maintaining gather collect run running",
            "ownership",
            "session sessions meeting meetings",
        ]
    ).split()
)

# One spelling per word: British and American, verb and noun, singular.
WORD_FORMS = {
    "prioritise": "prioritize",
    "prioritising": "prioritize",
    "prioritizing": "prioritize",
    "prioritisation": "prioritize",
    "prioritization": "prioritize",
    "prioritised": "prioritize",
    "prioritized": "prioritize",
    "priority": "prioritize",
    "ordering": "order",
    "ordered": "order",
    "ranking": "rank",
    "analyse": "analysis",
    "analyze": "analysis",
    "analysing": "analysis",
    "analyzing": "analysis",
    "maximise": "maximize",
    "maximising": "maximize",
    "maximizing": "maximize",
    "maximisation": "maximization",
    "optimise": "optimize",
    "optimising": "optimize",
    "optimizing": "optimize",
    "organise": "organize",
    "organising": "organize",
    "organizing": "organize",
    "criterion": "criteria",
    "writing": "write",
    "drafting": "draft",
    "refining": "refine",
    "grooming": "groom",
    "breaking": "break",
    "breakdown": "break",
    "clarifying": "clarify",
    "accepting": "accept",
    "reviewing": "review",
    "gathering": "gather",
    "launching": "launch",
    "interviewing": "interview",
    "kpis": "kpi",
    "spec": "specification",
    "specs": "specification",
    "dev": "developer",
    "devs": "developer",
    # "Product" is filler, so the Product Owner is its second word.
    "po": "owner",
    "blocker": "impediment",
}

_WORD = re.compile(r"[a-z0-9]+")


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(name: str) -> frozenset[str]:
    """The words of a name that say which responsibility it is."""
    text = name.lower().replace("\u2019", "").replace("'", "")
    found = set()
    for raw in _WORD.findall(text):
        word = WORD_FORMS.get(raw, raw)
        word = WORD_FORMS.get(_singular(word), _singular(word))
        if word not in FILLER:
            found.add(word)
    return frozenset(found)


class _Index:
    """Every entry's phrases (name and synonyms) and vocabulary, as word sets."""

    def __init__(self, entries: tuple[CatalogueEntry, ...]):
        self.phrases: dict[str, list[frozenset[str]]] = {}
        self.vocabulary: dict[str, frozenset[str]] = {}
        self.entries_with: dict[str, set[str]] = {}
        self.by_key = {entry.key: entry for entry in entries}
        for entry in entries:
            phrases = [words(text) for text in (entry.name, *entry.synonyms)]
            self.phrases[entry.key] = [phrase for phrase in phrases if phrase]
            self.vocabulary[entry.key] = frozenset().union(*phrases)
            for word in self.vocabulary[entry.key]:
                self.entries_with.setdefault(word, set()).add(entry.key)

    def match(self, name_words: frozenset[str]) -> CatalogueEntry | None:
        if not name_words:
            return None
        # Only entries whose vocabulary holds every word of the name can match.
        keys = None
        for word in name_words:
            holders = self.entries_with.get(word)
            if not holders:
                return None
            keys = holders if keys is None else keys & holders
            if not keys:
                return None
        scored = []
        for key in keys:
            longest = max(
                (len(phrase) for phrase in self.phrases[key] if phrase <= name_words), default=0
            )
            if longest:
                scored.append((longest, key))
        scored.sort(reverse=True)
        if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
            return None  # No entry, or two equally good ones: not confident.
        return self.by_key[scored[0][1]]


_INDEX = _Index(CATALOGUE)


@lru_cache(maxsize=4096)
def match_entry(name: str) -> CatalogueEntry | None:
    """The catalogue entry an activity name confidently stands for, or None."""
    return _INDEX.match(words(name))
