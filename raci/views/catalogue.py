"""The documented role definitions, as the catalogue records them."""

from django.shortcuts import render

from raci.catalogue import CATALOGUE, ROLE_PROFILES
from raci.rules import RULES
from raci.vocabulary import LETTER_ORDER, CanonicalRole, Letter, letters_to_text


def _sort_key(item):
    # Accountable first, then Responsible, Consulted, Informed: what a role
    # answers for matters more than what it hears about.
    _entry, letters = item
    return min(LETTER_ORDER.index(letter) for letter in letters)


def role_definitions(request):
    """Per documented role: its profile and every catalogue entry that gives it a
    letter; then the rules the checks apply, each with what it rests on."""
    roles = []
    for kind in CanonicalRole:
        entries = [
            (entry, entry.letters_for(kind)) for entry in CATALOGUE if entry.letters_for(kind)
        ]
        entries.sort(key=_sort_key)
        roles.append(
            {
                "kind": kind,
                "profile": ROLE_PROFILES.get(kind),
                "entries": [
                    {
                        "entry": entry,
                        "letters": letters_to_text(letters),
                        "accountable": Letter.ACCOUNTABLE in letters,
                        "meaning": ", ".join(
                            letter.label for letter in LETTER_ORDER if letter in letters
                        ),
                    }
                    for entry, letters in entries
                ],
            }
        )
    return render(request, "raci/role_definitions.html", {"roles": roles, "rules": RULES})
