"""Rows without a catalogue key, matched to entries by their names.

Precision first: a wrong match would put a warning on a row the sources say
nothing about. The non-catalogue names below are the kind of rows real RACI
tables hold next to the product work (engineering, operations, people,
sales, legal, compliance), several of them sharing a word with an entry.
"""

import pytest

from raci.catalogue import CATALOGUE
from raci.matching import match_entry, words

NOT_IN_THE_CATALOGUE = [
    "Deploy to production",
    "Code review",
    "Write unit tests",
    "Incident response",
    "On-call rotation",
    "Security audit",
    "Hire engineers",
    "Onboard new team members",
    "Database migration",
    "Update the documentation",
    "Performance reviews",
    "Set up CI pipeline",
    "Customer support escalations",
    "Write release notes",
    "Marketing campaign",
    "Legal review of contracts",
    "Sales demo",
    "Office budget",
    "Budget approval for marketing",
    "Vendor contracts",
    "Architecture decisions",
    "Technical specifications",
    "Bug triage",
    "Test plan",
    "Load testing",
    "Accessibility audit",
    "Data backup",
    "GDPR compliance",
    "Translate the UI",
    "Monitor uptime",
    "Refactor legacy code",
    "Estimate story points",
    "Design system",
    "Release deployment",
    "Release & Deployment",
    "Sprint planning",
    "Define project goals",
    "Project charter",
    "Code documentation",
    "Threat model",
    "SLO/SLI",
    "Iteration plan",
    "Release go/no-go",
    "Analytics",
    "Feature Design & UX",
    "Implementation & Code Delivery",
    "Metrics & Success Reporting",
    "Pair programming",
    "Write API documentation",
    "Manage cloud costs",
    "Renew SSL certificates",
    "Recruit a designer",
    "Plan the team offsite",
    "Quarterly business review",
    "Board reporting",
    "Customer success check-ins",
    "Penetration test",
    "Data retention policy",
    "Write blog posts",
    "Testing & QA",
]

IN_THE_TEAMS_OWN_WORDS = {
    "Write user stories": "user-stories",
    "Draft stories": "user-stories",
    "Prioritise the backlog": "backlog-ordering",
    "Backlog Prioritization": "backlog-ordering",
    "Backlog grooming": "backlog-refinement",
    "Define the product vision": "product-vision",
    "Roadmap": "product-roadmap",
    "Competitor analysis": "market-research",
    "Customer interviews": "user-research",
    "Retrospective": "process-improvement",
    "Sprint demo": "sprint-review",
    "Go-to-market": "product-launch",
    "Break down tasks": "daily-task-breakdown",
    "Accept finished stories": "story-acceptance",
    "Stakeholder updates": "stakeholder-buy-in",
    "Schedule / Gantt chart": "development-timeline",
    "Requirements Gathering": "product-requirements",
    "Define KPIs": "success-metrics",
    "Daily stand-up": "scrum-facilitation",
    "Budget and headcount": "budget-and-resources",
    "Sprint backlog": "sprint-selection",
    "Team dependencies": "team-dependencies",
    "Decide what to build next": "feature-prioritization",
    "Coach the product owner": "po-coaching",
}


@pytest.mark.parametrize("name", NOT_IN_THE_CATALOGUE)
def test_activities_outside_the_catalogue_are_never_matched(name):
    assert match_entry(name) is None


@pytest.mark.parametrize(("name", "key"), IN_THE_TEAMS_OWN_WORDS.items())
def test_a_team_s_own_words_for_a_documented_responsibility_are_matched(name, key):
    assert match_entry(name).key == key


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda entry: entry.key)
def test_every_entry_is_matched_by_its_own_name_and_each_synonym(entry):
    for name in (entry.name, *entry.synonyms):
        assert match_entry(name) == entry, name


def test_case_punctuation_spelling_and_plurals_do_not_matter():
    assert words("Prioritising the Backlog!") == words("prioritize backlog")
    assert words("User Stories") == words("user story")
    assert match_entry("  WRITE   user-stories ") == match_entry("write user stories")


def test_a_name_spanning_two_entries_is_not_matched():
    assert match_entry("Write user stories and acceptance criteria") is None
    assert match_entry("") is None and match_entry("the and of") is None
