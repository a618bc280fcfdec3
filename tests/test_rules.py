"""The analysis engine: every rule fires when built to, and stays silent otherwise.

Pure Python: no database. Matrices are built with `row()` and `build()`: a
row names its letters per role key ("pm", "po", "sm", "dev" or a custom key).
"""

import gc
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from raci.catalogue import by_key
from raci.rules import (
    RULES,
    RULES_BY_ID,
    Acceptance,
    AcceptanceState,
    Activity,
    CellChange,
    Matrix,
    Person,
    Role,
    TeamContext,
    Thresholds,
    analyse,
    name_matches,
    open_findings,
    reference_matrix,
    review_acceptances,
)
from raci.vocabulary import CanonicalRole, Letter, Severity, Stage

PM = CanonicalRole.PRODUCT_MANAGER
PO = CanonicalRole.PRODUCT_OWNER
SM = CanonicalRole.SCRUM_MASTER
DEV = CanonicalRole.DEVELOPERS
FOUR = tuple(Role(key=kind.value, name=kind.label, kind=kind) for kind in CanonicalRole)
SCRUM = TeamContext(uses_scrum=True, stage=Stage.ESTABLISHED)
NO_SCRUM = TeamContext(uses_scrum=False)
STARTUP = TeamContext(stage=Stage.STARTUP)
SMALL = TeamContext(stage=Stage.SMALL)


def letters(text: str) -> frozenset[Letter]:
    return frozenset(Letter(char) for char in text)


def row(name: str, key: str | None = None, **cells: str) -> tuple[str, str | None, dict]:
    return name, key, cells


def build(*rows, roles=FOUR, context=None, people=None, accepted=()) -> Matrix:
    activities = tuple(
        Activity(key=f"a{n}", name=name, catalogue_key=key) for n, (name, key, _) in enumerate(rows)
    )
    cells = {
        (f"a{n}", role_key): letters(text)
        for n, (_, _, row_cells) in enumerate(rows)
        for role_key, text in row_cells.items()
        if text
    }
    return Matrix(
        activities=activities,
        roles=roles,
        cells=cells,
        context=context,
        people=people,
        accepted=accepted,
    )


def person(name: str, *role_keys: str) -> Person:
    return Person(key=name.lower(), name=name, role_keys=frozenset(role_keys))


def custom(key: str, name: str, kind: CanonicalRole | None = None) -> Role:
    return Role(key=key, name=name, kind=kind)


def staffed() -> tuple[Person, ...]:
    """One person per canonical role."""
    return (person("Pat", "pm"), person("Olu", "po"), person("Sam", "sm"), person("Dee", "dev"))


def findings(matrix: Matrix, rule: str, **thresholds):
    return [f for f in analyse(matrix, Thresholds(**thresholds)) if f.rule == rule]


def fires(matrix: Matrix, rule: str, **thresholds) -> bool:
    return bool(findings(matrix, rule, **thresholds))


def rules_of(matrix: Matrix) -> set[str]:
    return {f.rule for f in analyse(matrix)}


def apply(matrix: Matrix, changes: tuple[CellChange, ...]) -> Matrix:
    cells = dict(matrix.cells)
    for change in changes:
        cells[(change.activity_key, change.role_key)] = change.letters
    return replace(matrix, cells=cells)


def healthy(name="Build the thing", key=None) -> tuple[str, str | None, dict]:
    return row(name, key, dev="AR", po="C")


def consulted_pm(n: int) -> tuple[str, str | None, dict]:
    """Work shared out between PO and Developers, with the PM consulted on it."""
    return row(f"Task {n}", pm="C", **({"dev": "AR"} if n % 2 else {"po": "AR"}))


def committee() -> tuple[Person, ...]:
    return (person("Ana", "po"), person("Ben", "po"), person("Pat", "pm"))


# A matrix built to trigger each rule; the tests below check them one by one too.
TRIGGERS = {
    "empty-activity": lambda: build(row("Nothing")),
    "no-accountable": lambda: build(row("Do it", dev="R")),
    "multiple-accountable": lambda: build(row("Do it", pm="A", po="AR")),
    "no-responsible": lambda: build(row("Do it", pm="A", dev="C")),
    "contradictory-letters": lambda: build(row("Do it", pm="AC", dev="R")),
    "crowded-responsible": lambda: build(row("Do it", pm="AR", po="R", sm="R", dev="R")),
    "crowded-consulted": lambda: build(
        row("Do it", pm="AR", po="C", sm="C", dev="C", qa="C", ux="C"),
        roles=(*FOUR, custom("qa", "QA"), custom("ux", "UX")),
    ),
    "duplicate-activity": lambda: build(healthy("Deploy"), healthy("deploy")),
    "idle-role": lambda: build(row("Do it", dev="AR", po="C")),
    "informed-only-role": lambda: build(
        row("Do it", dev="AR", board="I"), roles=(*FOUR, custom("board", "Board"))
    ),
    "accountable-bottleneck": lambda: build(
        *[row(f"Task {n}", pm="AR") for n in range(4)], *[healthy(f"Build {n}") for n in range(2)]
    ),
    "role-in-every-activity": lambda: build(*[consulted_pm(n) for n in range(6)]),
    "unknown-catalogue-key": lambda: build(row("Do it", "no-such-key", dev="AR")),
    "owner-mismatch": lambda: build(row("Order", "backlog-ordering", pm="AR", po="C")),
    "owner-missing": lambda: build(row("Order", "backlog-ordering", pm="R", dev="C")),
    "documented-alternative": lambda: build(row("Tasks", "daily-task-breakdown", po="C", dev="AR")),
    "scrum-master-project-work": lambda: build(
        row("Schedule", "development-timeline", pm="C", sm="AR")
    ),
    "inverted-pm-po-split": lambda: build(
        row("Vision", "product-vision", po="AR", pm="C"),
        row("Stories", "user-stories", pm="AR", po="C"),
    ),
    "pm-po-overlap": lambda: build(row("Order", "backlog-ordering", pm="A", po="AR")),
    "missing-core-activity": lambda: build(row("Order", "backlog-ordering", po="AR")),
    "unstaffed-role": lambda: build(healthy(), people=()),
    "combined-pm-po": lambda: build(healthy(), people=(person("Ana", "pm", "po"),)),
    "combined-po-sm": lambda: build(healthy(), people=(person("Ana", "po", "sm"),)),
    "product-owner-committee": lambda: build(row("Order", po="AR"), people=committee()),
    "shared-accountability": lambda: build(
        row("Order", pm="AR"), people=(person("Ana", "pm"), person("Ben", "pm"))
    ),
    "scrum-role-without-scrum": lambda: build(row("Retro", sm="AR"), context=NO_SCRUM),
    "missing-scrum-role": lambda: build(healthy(), context=SCRUM, people=(person("Dee", "dev"),)),
}


def test_every_documented_rule_has_a_trigger():
    assert set(TRIGGERS) == set(RULES_BY_ID)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_rule_fires_on_its_trigger_with_its_documented_severity(rule):
    raised = findings(TRIGGERS[rule.id](), rule.id)
    assert raised
    assert raised[0].severity == rule.severity
    assert raised[0].message


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_rule_is_documented_with_a_basis_or_its_sources(rule):
    assert rule.id == rule.id.lower() and " " not in rule.id
    assert rule.why and rule.group in {"matrix", "documented", "staffing"}
    assert rule.basis or rule.sources
    assert all(source.is_primary for source in rule.sources)


# The catalogue's own reference matrix is the silent case for every rule.


def test_reference_matrix_has_no_finding_at_all():
    assert analyse(reference_matrix()) == []


def test_reference_matrix_in_a_staffed_scrum_team_has_no_finding_at_all():
    matrix = replace(reference_matrix(), context=SCRUM, people=staffed())
    assert analyse(matrix) == []


@pytest.mark.parametrize("stage", list(Stage))
def test_reference_matrix_without_scrum_staffed_by_one_pm_is_clean_at_every_stage(stage):
    context = TeamContext(uses_scrum=False, stage=stage)
    people = (person("Noah", "pm"), person("Priya", "dev"), person("Leo", "dev"))
    assert analyse(replace(reference_matrix(context), people=people)) == []


def test_reference_without_scrum_has_no_sprints_and_says_each_letter_once():
    # Sprints are Scrum's (000, 003): a team without Scrum has no sprint review to run.
    matrix = reference_matrix(NO_SCRUM)
    keys = {activity.catalogue_key for activity in matrix.activities}
    assert not keys & {"sprint-review", "sprint-selection", "claim-sprint-tasks"}
    assert "build-increment" in keys
    # The PM takes over the PO's work, not its consultations: informed of the build,
    # as before, rather than "CI".
    assert all(not {Letter.CONSULTED, Letter.INFORMED} <= cell for cell in matrix.cells.values())
    assert matrix.letters("build-increment", "pm") == letters("I")
    assert matrix.letters("backlog-ordering", "pm") == letters("AR")


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_each_rule_is_silent_on_the_reference_matrix(rule):
    matrix = replace(reference_matrix(), context=SCRUM, people=staffed())
    assert not fires(matrix, rule.id)


# Classic horizontal analysis.


def test_empty_activity_is_reported_instead_of_missing_a_and_r():
    rules = rules_of(build(row("Nothing")))
    assert "empty-activity" in rules
    assert "no-accountable" not in rules and "no-responsible" not in rules


def test_empty_catalogue_activity_offers_the_documented_owner_as_fix():
    matrix = build(row("Order", "backlog-ordering"))
    (finding,) = findings(matrix, "empty-activity")
    (fix,) = finding.fixes
    assert fix.changes == (CellChange("a0", "po", letters("AR"), letters("")),)
    assert fix.label == "Make Product Owner accountable"
    assert not fires(apply(matrix, fix.changes), "empty-activity")


def test_no_accountable_silent_when_one_role_holds_a():
    assert not fires(build(row("Do it", dev="R", pm="A")), "no-accountable")


def test_multiple_accountable_names_the_roles_and_silent_with_one_a():
    (finding,) = findings(build(row("Do it", pm="A", po="AR")), "multiple-accountable")
    assert "Product Manager and Product Owner" in finding.message
    assert not fires(build(row("Do it", pm="C", po="AR")), "multiple-accountable")


def test_multiple_accountable_on_catalogue_activity_fixes_to_the_documented_owner():
    matrix = build(row("Order", "backlog-ordering", pm="A", po="AR"))
    (finding,) = findings(matrix, "multiple-accountable")
    assert finding.reference == by_key("backlog-ordering")
    assert finding.fixes[0].changes == (CellChange("a0", "pm", letters(""), letters("A")),)
    assert not fires(apply(matrix, finding.fixes[0].changes), "multiple-accountable")


def test_a_fix_says_which_cells_it_changes_and_the_hint_that_a_lone_a_leaves_none():
    # Backlog ordering: the Product Owner is the documented owner and does the work.
    matrix = build(row("Order", "backlog-ordering", po="A", sm="A", dev="C"))
    (finding,) = findings(matrix, "multiple-accountable")
    (fix,) = finding.fixes
    names = {role.key: role.name for role in FOUR}

    assert fix.label == "Make Product Owner accountable"
    assert fix.effect(names) == "Product Owner: A → AR; Scrum Master: A → not involved"
    assert "a role that held only the A is left with none" in finding.suggestion
    assert "can stay" not in finding.suggestion


def test_no_responsible_silent_when_a_cell_holds_a_and_r():
    assert fires(build(row("Do it", pm="A", dev="C")), "no-responsible")
    assert not fires(build(row("Do it", pm="AR", dev="C")), "no-responsible")


def test_no_responsible_silent_under_the_accountable_does_the_work_convention():
    convention = TeamContext(accountable_does_work=True)
    assert not fires(build(row("Do it", pm="A", dev="C"), context=convention), "no-responsible")
    # The convention needs an A to stand for the R.
    assert fires(build(row("Do it", pm="C", dev="I"), context=convention), "no-responsible")


def test_contradictory_letters_offers_to_keep_the_a_and_is_silent_for_a_with_r():
    matrix = TRIGGERS["contradictory-letters"]()
    (finding,) = findings(matrix, "contradictory-letters")
    assert finding.role == "Product Manager" and "consulted" in finding.message
    (fix,) = finding.fixes
    assert fix.changes == (CellChange("a0", "pm", letters("A"), letters("AC")),)
    assert not fires(apply(matrix, fix.changes), "contradictory-letters")
    informed = build(row("Do it", pm="ARI", dev="C"))
    assert "informed" in findings(informed, "contradictory-letters")[0].message
    assert not fires(build(row("Do it", pm="AR", dev="CI")), "contradictory-letters")


def test_crowded_responsible_above_threshold_only():
    assert not fires(build(row("Do it", pm="AR", po="R", sm="R")), "crowded-responsible")
    crowded = build(row("Do it", pm="AR", po="R", sm="R", dev="R"))
    assert fires(crowded, "crowded-responsible")
    assert not fires(crowded, "crowded-responsible", max_responsible=4)


def test_crowded_consulted_above_threshold_only():
    roles = (*FOUR, custom("qa", "QA"))
    four_c = build(row("Do it", pm="AR", po="C", sm="C", dev="C", qa="C"), roles=roles)
    assert not fires(four_c, "crowded-consulted")
    assert fires(four_c, "crowded-consulted", max_consulted=3)
    assert fires(TRIGGERS["crowded-consulted"](), "crowded-consulted")


def test_duplicate_activity_reports_the_later_row_only():
    (finding,) = findings(build(healthy("Deploy"), healthy("deploy")), "duplicate-activity")
    assert finding.activity == "deploy"
    assert not fires(build(healthy("Deploy"), healthy("Release")), "duplicate-activity")


# Classic vertical analysis.


def test_idle_role_for_consulted_or_absent_roles_and_info_for_informed_only_ones():
    matrix = build(row("Do it", dev="AR", po="C", pm="I"))
    assert {f.role for f in findings(matrix, "idle-role")} == {"Product Owner", "Scrum Master"}
    (informed,) = findings(matrix, "informed-only-role")
    assert informed.role == "Product Manager"
    assert "fine if that is the intent" in informed.suggestion
    assert "drop" not in informed.suggestion.lower()


def test_idle_role_silent_when_role_does_some_work_and_for_an_empty_matrix():
    matrix = build(row("A", dev="AR", po="R"), row("B", pm="AR", sm="R"))
    assert not fires(matrix, "idle-role") and not fires(matrix, "informed-only-role")
    assert analyse(build()) == []


def test_accountable_bottleneck_above_share_only():
    matrix = TRIGGERS["accountable-bottleneck"]()
    (finding,) = findings(matrix, "accountable-bottleneck")
    assert finding.role == "Product Manager" and "4 of 6" in finding.message
    assert not fires(matrix, "accountable-bottleneck", max_accountable_share=0.7)
    half = build(*[row(f"T{n}", pm="AR") for n in range(3)], *[healthy(f"B{n}") for n in range(3)])
    assert not fires(half, "accountable-bottleneck")


def test_accountable_bottleneck_leaves_out_the_as_the_sources_give_the_role():
    # Without Scrum the PM owns the PO's documented work as well as its own.
    keys = ["backlog-ordering", "user-stories", "product-vision", "pricing", "product-roadmap"]
    rows = [row(key, key, pm="AR") for key in keys] + [healthy("Build", "build-increment")]
    assert not fires(build(*rows, context=NO_SCRUM), "accountable-bottleneck")
    # Seven more A's the sources do not give it make it a bottleneck again.
    extra = [row(f"Chore {n}", pm="AR") for n in range(7)]
    (finding,) = findings(build(*rows, *extra, context=NO_SCRUM), "accountable-bottleneck")
    assert "12 of 13" in finding.message and "5 of them as the sources expect" in finding.message


def test_share_checks_stay_silent_on_small_matrices():
    small = build(row("One", pm="AR", dev="C"), row("Two", pm="AR", dev="C"))
    assert not fires(small, "accountable-bottleneck")
    assert not fires(small, "role-in-every-activity")


def test_role_in_every_activity_counts_r_a_and_c_but_not_i():
    (finding,) = findings(TRIGGERS["role-in-every-activity"](), "role-in-every-activity")
    assert finding.role == "Product Manager"
    informed = [consulted_pm(n) for n in range(5)] + [row("Solo", pm="I", po="AR")]
    assert not fires(build(*informed), "role-in-every-activity")


# Documented definitions.


def test_unknown_catalogue_key_is_reported_and_known_one_is_not():
    assert fires(build(row("X", "no-such-key", dev="AR")), "unknown-catalogue-key")
    assert not fires(build(row("X", "build-increment", dev="AR")), "unknown-catalogue-key")


def test_owner_mismatch_points_at_the_holder_and_fixes_to_the_documented_owner():
    matrix = TRIGGERS["owner-mismatch"]()
    (finding,) = findings(matrix, "owner-mismatch")
    assert finding.role == "Product Manager"
    assert "Product Owner" in finding.message
    assert finding.reference.key == "backlog-ordering"
    assert set(finding.fixes[0].changes) == {
        CellChange("a0", "po", letters("AR"), letters("C")),
        CellChange("a0", "pm", letters("R"), letters("AR")),
    }
    assert not fires(apply(matrix, finding.fixes[0].changes), "owner-mismatch")


def test_owner_mismatch_silent_when_the_documented_owner_is_accountable():
    assert not fires(build(row("Order", "backlog-ordering", pm="C", po="AR")), "owner-mismatch")


def test_owner_mismatch_says_once_that_the_owner_has_no_part_instead_of_two_warnings():
    matrix = build(row("Order", "backlog-ordering", pm="AR"))
    (finding,) = findings(matrix, "owner-mismatch")
    assert "The Product Owner holds neither A nor R on it." in finding.message
    assert not fires(matrix, "owner-missing")


def test_owner_missing_when_nobody_is_accountable_and_the_owner_does_nothing():
    (finding,) = findings(TRIGGERS["owner-missing"](), "owner-missing")
    assert finding.role == "Product Owner"
    assert finding.fixes
    assert not fires(build(row("Order", "backlog-ordering", pm="C", po="R")), "owner-missing")


def test_sources_disagree_is_said_only_for_a_role_some_source_gives_the_work_to():
    # 001 and 004 give the PM a hand in backlog priorities; nobody gives it to the SM.
    (pm,) = findings(build(row("Order", "backlog-ordering", pm="AR", po="C")), "owner-mismatch")
    assert "The sources disagree here" in pm.suggestion
    assert any(source.seed.startswith("004") for source in pm.sources)
    (sm,) = findings(build(row("Order", "backlog-ordering", sm="AR", po="C")), "owner-mismatch")
    assert "disagree" not in sm.suggestion


def test_developers_breaking_down_their_own_tasks_get_one_info_citing_the_dispute():
    matrix = TRIGGERS["documented-alternative"]()
    found = [f for f in analyse(matrix) if f.activity_key == "a0"]
    assert [f.rule for f in found] == ["documented-alternative"]
    (finding,) = found
    assert finding.severity == Severity.INFO and finding.role == "Developers"
    assert all(source.seed.startswith("000") for source in finding.sources)
    # The same A with a role no source names is a warning that claims no dispute.
    scrum_master = build(row("Tasks", "daily-task-breakdown", sm="AR", dev="C"))
    (warning,) = findings(scrum_master, "owner-mismatch")
    assert "disagree" not in warning.suggestion


def test_a_project_manager_column_holding_the_timeline_follows_a_documented_alternative():
    roles = (*FOUR, custom("proj", "Project Manager"))
    matrix = build(row("Schedule", "development-timeline", pm="C", proj="AR"), roles=roles)
    row_rules = {f.rule for f in analyse(matrix) if f.activity_key == "a0"}
    assert row_rules == {"documented-alternative"}
    (finding,) = findings(matrix, "documented-alternative")
    assert finding.role == "Project Manager"
    assert "FAQs" in finding.sources[0].part
    assert not fires(matrix, "owner-missing")


@pytest.mark.parametrize(
    "name", ["PM", "PjM", "Proj Mgr", "Project Manager (PM)", "Project managers", "Delivery Lead"]
)
def test_a_column_that_names_the_project_manager_follows_the_alternative(name):
    # The file reader keeps a "PM" column beside the Product Manager as a role of its
    # own, the project manager; tables also write the job in these other ways.
    roles = (*FOUR, custom("proj", name))
    matrix = build(
        row("Schedule", "development-timeline", pm="C", proj="AR"),
        row("Budget", "budget-and-resources", pm="C", proj="AR"),
        roles=roles,
    )
    assert [f.rule for f in analyse(matrix) if f.activity_key] == ["documented-alternative"] * 2


def test_a_pm_column_acting_as_the_product_manager_is_not_the_project_manager():
    roles = (custom("pm", "PM", PM), *FOUR[1:], custom("ba", "Bus. Analyst"))
    matrix = build(
        row("Schedule", "development-timeline", pm="AR", po="C"),
        row("Requirements", "product-requirements", ba="AR", pm="C"),
        roles=roles,
    )
    assert not fires(matrix, "owner-mismatch")
    (finding,) = findings(matrix, "documented-alternative")
    assert finding.role == "Bus. Analyst"  # 004's business analysts, however abbreviated.


def test_documented_alternative_only_when_every_accountable_role_follows_it():
    matrix = build(row("Tasks", "daily-task-breakdown", po="C", dev="AR", sm="A"))
    assert not fires(matrix, "documented-alternative")
    (mismatch,) = findings(matrix, "owner-mismatch")
    assert mismatch.severity == Severity.WARNING
    assert "Scrum Master" in mismatch.message
    assert fires(matrix, "multiple-accountable")


def test_documented_alternative_also_when_the_alternative_holds_only_the_r():
    matrix = build(row("Tasks", "daily-task-breakdown", dev="R", po="C"))
    found = rules_of(matrix)
    assert "documented-alternative" in found and "owner-missing" not in found
    assert "no-accountable" in found  # Still nobody answers for it.


def test_scrum_master_accountable_for_schedule_is_project_work_not_an_owner_mismatch():
    matrix = TRIGGERS["scrum-master-project-work"]()
    (finding,) = findings(matrix, "scrum-master-project-work")
    assert finding.severity == Severity.WARNING and finding.role == "Scrum Master"
    assert not fires(matrix, "owner-mismatch")
    assert finding.fixes[0].label == "Make Product Manager accountable"
    assert any("FAQs" in source.part for source in finding.sources)


def test_scrum_master_project_work_on_an_uncatalogued_strategy_row():
    matrix = Matrix(
        activities=(Activity("a0", "Quarterly targets", category="Strategy"),),
        roles=FOUR,
        cells={("a0", "sm"): letters("AR")},
    )
    assert fires(matrix, "scrum-master-project-work")


def test_scrum_master_on_process_work_is_not_project_work():
    matrix = build(row("Retro", "process-improvement", sm="AR", dev="R"))
    assert not fires(matrix, "scrum-master-project-work")
    # Owning backlog work is a plain owner mismatch, not project work.
    backlog = build(row("Order", "backlog-ordering", sm="AR", po="C"))
    assert fires(backlog, "owner-mismatch") and not fires(backlog, "scrum-master-project-work")


@pytest.mark.parametrize("key", ["stakeholder-buy-in", "business-engineering-liaison"])
def test_scrum_master_on_stakeholder_work_is_an_owner_mismatch_not_project_work(key):
    # 001's project manager oversees strategy, schedule, budget and resources; talking
    # with stakeholders is none of them (001 even has the Scrum Master educate them).
    matrix = build(row("Stakeholders", key, sm="AR", pm="C"))
    assert fires(matrix, "owner-mismatch") and not fires(matrix, "scrum-master-project-work")


def test_inverted_split_names_004_and_lists_the_rows():
    (finding,) = findings(TRIGGERS["inverted-pm-po-split"](), "inverted-pm-po-split")
    assert finding.role == "Product Owner"
    assert "Vision" in finding.message and "Stories" in finding.message
    assert "004" in finding.suggestion
    assert any(source.seed.startswith("004") for source in finding.sources)


def test_inverted_split_silent_with_only_one_side_one_person_or_without_scrum():
    one_side = build(row("Vision", "product-vision", po="AR", pm="C"))
    assert not fires(one_side, "inverted-pm-po-split")
    inverted = TRIGGERS["inverted-pm-po-split"]()
    one_person = replace(inverted, people=(person("Ana", "pm", "po"),))
    assert not fires(one_person, "inverted-pm-po-split")
    assert not fires(replace(inverted, context=NO_SCRUM), "inverted-pm-po-split")


def test_documented_checks_skip_activities_neither_keyed_nor_matched_by_name():
    matrix = build(row("Quarterly offsite", pm="AR", dev="C"))
    assert not {"owner-mismatch", "owner-missing"} & rules_of(matrix)


def test_unkeyed_row_matched_by_name_is_checked_as_that_entry():
    matrix = build(row("Write user stories", pm="AR", po="R"))
    (finding,) = findings(matrix, "owner-mismatch")
    assert finding.matched_by_name and finding.reference.key == "user-stories"
    assert "matched by name to “User stories”" in finding.message
    assert [(activity.name, entry.key) for activity, entry in name_matches(matrix)] == [
        ("Write user stories", "user-stories")
    ]


def test_keyed_rows_are_not_matched_by_name():
    matrix = build(row("Write user stories", "user-stories", po="AR"))
    assert name_matches(matrix) == []
    assert not any(f.matched_by_name for f in analyse(matrix))


def test_custom_role_acting_as_po_is_checked_as_the_po():
    roles = (*FOUR, custom("ba", "Business Analyst", kind=PO))
    matrix = build(row("Order", "backlog-ordering", ba="AR", pm="C"), roles=roles)
    assert not fires(matrix, "owner-mismatch") and not fires(matrix, "owner-missing")
    plain = (*FOUR, custom("legal", "Legal"))
    assert fires(build(row("Order", "backlog-ordering", legal="AR"), roles=plain), "owner-mismatch")


def test_two_columns_playing_the_owner_get_one_fix_each_and_are_told_why():
    roles = (*FOUR, custom("ba", "Business Analyst", kind=PO))
    matrix = build(row("Criteria", "acceptance-criteria", ba="R", dev="C"), roles=roles)
    (finding,) = findings(matrix, "no-accountable")
    assert [fix.key for fix in finding.fixes] == ["po", "ba"]
    assert [fix.label for fix in finding.fixes] == [
        "Make Product Owner accountable",
        "Make Business Analyst accountable",
    ]
    assert "2 columns play the Product Owner" in finding.suggestion
    for fix in finding.fixes:
        assert not fires(apply(matrix, fix.changes), "no-accountable")
    assert finding.fix_for("ba") is finding.fixes[1]
    assert finding.fix_for("") is None  # Ambiguous without a choice.


def test_without_scrum_the_pm_may_own_po_work_and_sm_checks_do_not_apply():
    matrix = build(
        row("Order", "backlog-ordering", pm="AR"),
        row("Sprint events", "scrum-facilitation", pm="AR", dev="C"),
        context=NO_SCRUM,
    )
    for rule in ("owner-mismatch", "owner-missing"):
        assert not fires(matrix, rule)
    assert fires(replace(matrix, context=SCRUM), "owner-mismatch")


@pytest.mark.parametrize("context", [STARTUP, SMALL])
def test_owner_checks_between_pm_and_po_held_by_one_person_are_info_when_small(context):
    people = (person("Ana", "pm", "po"),)
    mismatch = build(row("Order", "backlog-ordering", pm="AR", po="C"), people=people)
    (finding,) = findings(replace(mismatch, context=context), "owner-mismatch")
    assert finding.severity == Severity.INFO
    missing = build(row("Vision", "product-vision", po="R", dev="C"), people=people)
    (finding,) = findings(replace(missing, context=context), "owner-missing")
    assert finding.severity == Severity.INFO


def test_owner_checks_stay_warnings_with_two_people_or_in_an_established_team():
    matrix = build(row("Order", "backlog-ordering", pm="AR", po="C"), context=STARTUP)
    two = replace(matrix, people=(person("Ana", "pm"), person("Ben", "po")))
    assert findings(two, "owner-mismatch")[0].severity == Severity.WARNING
    established = replace(matrix, context=SCRUM, people=(person("Ana", "pm", "po"),))
    assert findings(established, "owner-mismatch")[0].severity == Severity.WARNING


def test_pm_po_overlap_is_a_warning_beside_multiple_accountable_for_a_shared_a():
    matrix = TRIGGERS["pm-po-overlap"]()
    (finding,) = findings(matrix, "pm-po-overlap")
    assert finding.severity == Severity.WARNING and finding.role == "Product Manager"
    assert fires(matrix, "multiple-accountable")


def test_pm_po_overlap_is_info_for_a_shared_r_and_says_overlap_is_common():
    matrix = build(row("Order", "backlog-ordering", pm="R", po="AR"))
    (finding,) = findings(matrix, "pm-po-overlap")
    assert finding.severity == Severity.INFO
    assert "often share some of the work" in finding.suggestion
    assert "keep warning" not in finding.suggestion
    assert finding.fixes[0].changes == (CellChange("a0", "pm", letters("C"), letters("R")),)
    assert not fires(apply(matrix, finding.fixes[0].changes), "pm-po-overlap")


def test_pm_po_overlap_silent_when_only_one_of_them_does_the_work():
    assert not fires(build(row("Order", "backlog-ordering", pm="C", po="AR")), "pm-po-overlap")


def test_pm_po_overlap_without_scrum_points_at_the_po_since_the_pm_owns_its_work():
    matrix = build(row("Order", "backlog-ordering", pm="AR", po="R"), context=NO_SCRUM)
    (finding,) = findings(matrix, "pm-po-overlap")
    assert finding.role == "Product Owner" and "Product Manager" in finding.suggestion
    assert finding.fixes[0].changes == (CellChange("a0", "po", letters("C"), letters("R")),)


def test_pm_po_overlap_is_info_when_one_person_holds_both_in_a_startup():
    matrix = build(
        row("Order", pm="A", po="AR"), context=STARTUP, people=(person("Ana", "pm", "po"),)
    )
    (finding,) = findings(matrix, "pm-po-overlap")
    assert finding.severity == Severity.INFO and not finding.fixes


def test_pm_po_overlap_stays_a_warning_in_a_startup_with_two_people():
    people = (person("Ana", "pm"), person("Ben", "po"))
    matrix = build(row("Order", pm="A", po="AR"), context=STARTUP, people=people)
    assert findings(matrix, "pm-po-overlap")[0].severity == Severity.WARNING


def missing_rows(matrix: Matrix) -> str:
    """The one missing-core-activity finding's message ("" when it does not fire)."""
    found = findings(matrix, "missing-core-activity")
    assert len(found) <= 1
    return found[0].message if found else ""


def test_missing_core_activity_is_one_finding_listing_absent_entries_of_roles_the_team_has():
    matrix = build(row("Order", "backlog-ordering", po="AR"), roles=FOUR[1:2])
    (finding,) = findings(matrix, "missing-core-activity")
    assert finding.severity == Severity.INFO and finding.role is None
    assert "Product Owner: " in finding.message and "“User stories”" in finding.message
    assert "Backlog ordering" not in finding.message
    # The team has no Product Manager column.
    assert "Product vision" not in finding.message and "Product Manager" not in finding.message


def test_missing_core_activity_counts_and_groups_by_role():
    matrix = build(row("Order", "backlog-ordering", po="AR"))
    message = missing_rows(matrix)
    reference = reference_matrix(SCRUM)
    absent = len(reference.activities) - 1
    assert message.startswith(f"The matrix has no row for {absent} activities the sources give")
    assert message.index("Product Manager: ") < message.index("Product Owner: ")
    assert "Developers: " in message


def test_missing_core_activity_silent_when_every_documented_row_is_there():
    assert not fires(reference_matrix(SCRUM), "missing-core-activity")


def test_missing_core_activity_silent_when_the_matrix_uses_no_catalogue_keys():
    assert not fires(build(row("Order", po="AR")), "missing-core-activity")


def test_missing_core_activity_counts_rows_matched_by_name_as_present():
    matrix = build(row("Order", "backlog-ordering", po="AR"), row("Write user stories", po="AR"))
    assert "User stories" not in missing_rows(matrix)
    assert "Backlog refinement" in missing_rows(matrix)


def test_missing_core_activity_skips_scrum_master_work_and_sprints_without_scrum():
    matrix = build(row("Order", "backlog-ordering", po="AR"), context=NO_SCRUM)
    message = missing_rows(matrix)
    assert by_key("po-coaching").name not in message and "User stories" in message
    assert by_key("sprint-review").name not in message
    assert by_key("build-increment").name in message
    assert by_key("sprint-review").name in missing_rows(replace(matrix, context=SCRUM))


def test_missing_core_activity_acceptance_holds_while_the_same_rows_are_missing():
    matrix = build(row("Order", "backlog-ordering", po="AR"))
    (finding,) = findings(matrix, "missing-core-activity")
    acceptance = Acceptance(
        rule=finding.rule, subject=finding.subject, letters=finding.letters, reason="On purpose"
    )
    again = replace(matrix, accepted=(acceptance,))
    assert findings(again, "missing-core-activity")[0].accepted == acceptance
    more = build(row("Order", "backlog-ordering", po="AR"), row("Stories", "user-stories", po="AR"))
    (reopened,) = findings(replace(more, accepted=(acceptance,)), "missing-core-activity")
    assert reopened.reopened == acceptance


def test_findings_on_catalogue_rows_cite_titles_and_parts():
    (finding,) = findings(TRIGGERS["owner-mismatch"](), "owner-mismatch")
    assert finding.sources
    assert all(source.title and source.part for source in finding.sources)


# Staffing.


def test_unstaffed_role_when_nobody_holds_a_role_with_work():
    (finding,) = findings(TRIGGERS["unstaffed-role"](), "unstaffed-role")
    assert finding.role == "Developers"
    assert not fires(build(healthy(), people=(person("Dee", "dev"),)), "unstaffed-role")


def test_staffing_rules_do_not_run_when_people_are_unknown():
    matrix = build(healthy(), context=SCRUM)
    assert not {"unstaffed-role", "missing-scrum-role"} & rules_of(matrix)


def test_combined_pm_po_is_a_warning_when_established_and_info_when_small():
    matrix = TRIGGERS["combined-pm-po"]()
    (finding,) = findings(matrix, "combined-pm-po")
    assert finding.severity == Severity.WARNING and finding.person == "Ana"
    for context in (STARTUP, SMALL):
        assert findings(replace(matrix, context=context), "combined-pm-po")[0].severity == (
            Severity.INFO
        )
    assert not fires(build(healthy(), people=staffed()), "combined-pm-po")


def test_combined_pm_po_is_not_raised_without_scrum():
    assert not fires(replace(TRIGGERS["combined-pm-po"](), context=NO_SCRUM), "combined-pm-po")


def test_combined_pm_po_counts_a_custom_role_acting_as_po():
    roles = (*FOUR, custom("ba", "Business Analyst", kind=PO))
    matrix = build(healthy(), roles=roles, people=(person("Ana", "pm", "ba"),))
    assert fires(matrix, "combined-pm-po")


def test_combined_po_sm_silent_for_two_people_and_without_scrum():
    assert fires(TRIGGERS["combined-po-sm"](), "combined-po-sm")
    assert not fires(build(healthy(), people=staffed()), "combined-po-sm")
    no_scrum = replace(TRIGGERS["combined-po-sm"](), context=NO_SCRUM)
    assert not fires(no_scrum, "combined-po-sm")


def test_product_owner_committee_is_a_warning_instead_of_shared_accountability():
    matrix = TRIGGERS["product-owner-committee"]()
    (finding,) = findings(matrix, "product-owner-committee")
    assert finding.severity == Severity.WARNING and "Ana and Ben" in finding.message
    assert not fires(matrix, "shared-accountability")
    assert any(source.seed.startswith("001") for source in finding.sources)
    assert not fires(build(row("Order", po="AR"), people=staffed()), "product-owner-committee")


def test_shared_accountability_names_the_holders_but_not_for_developers():
    (finding,) = findings(TRIGGERS["shared-accountability"](), "shared-accountability")
    assert "Ana and Ben" in finding.message
    developers = (person("Ali", "dev"), person("Jun", "dev"), person("Eli", "dev"))
    assert not fires(build(healthy(), people=developers), "shared-accountability")


def test_scrum_role_without_scrum_only_when_context_says_no_scrum():
    (finding,) = findings(TRIGGERS["scrum-role-without-scrum"](), "scrum-role-without-scrum")
    assert finding.role == "Scrum Master"
    for context in (SCRUM, None):
        assert not fires(build(row("Retro", sm="AR"), context=context), "scrum-role-without-scrum")


def test_missing_scrum_role_names_each_missing_role():
    found = findings(TRIGGERS["missing-scrum-role"](), "missing-scrum-role")
    messages = {f.message for f in found}
    assert len(messages) == 2
    assert any("Product Owner" in message for message in messages)
    assert any("Scrum Master" in message for message in messages)
    assert len({f.identity for f in found}) == 2


def test_missing_scrum_role_silent_when_staffed_without_scrum_or_context():
    assert not fires(build(healthy(), context=SCRUM, people=staffed()), "missing-scrum-role")
    lone_dev = (person("Dee", "dev"),)
    assert not fires(build(healthy(), context=NO_SCRUM, people=lone_dev), "missing-scrum-role")
    assert not fires(build(healthy(), people=lone_dev), "missing-scrum-role")


def test_missing_scrum_role_defers_to_unstaffed_role():
    matrix = build(row("Retro", sm="AR", dev="R"), context=SCRUM, people=staffed()[3:])
    rules = [(f.rule, f.role) for f in analyse(matrix)]
    assert ("unstaffed-role", "Scrum Master") in rules
    assert ("missing-scrum-role", "Scrum Master") not in rules


# Accepted findings.


def accept(finding, **changes) -> Acceptance:
    fields = dict(
        rule=finding.rule,
        activity_key=finding.activity_key,
        role_key=finding.role_key,
        person_key=finding.person_key,
        subject=finding.subject,
        letters=finding.letters,
        reason="Our PM orders the backlog until we hire a PO.",
        by="maya",
    )
    return Acceptance(**(fields | changes))


def test_an_accepted_finding_is_marked_and_leaves_the_open_ones():
    matrix = TRIGGERS["owner-mismatch"]()
    (finding,) = findings(matrix, "owner-mismatch")
    accepted = replace(matrix, accepted=(accept(finding),))
    (marked,) = findings(accepted, "owner-mismatch")
    assert marked.accepted.reason.startswith("Our PM")
    assert marked not in open_findings(analyse(accepted))
    assert len(open_findings(analyse(accepted))) == len(analyse(matrix)) - 1


def test_an_analysis_leaves_no_reference_cycle_behind():
    """Findings point back to their analysis for their letters: the analysis
    must not point back to them, or every page's findings wait for the
    garbage collector, which then walks them all (README, Performance)."""
    gc.collect()
    gc.disable()
    try:
        for build_matrix in TRIGGERS.values():
            found = analyse(build_matrix())
            assert found and all(isinstance(finding.letters, str) for finding in found)
            del found
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_an_acceptance_reopens_when_a_cell_it_concerns_changes():
    matrix = TRIGGERS["owner-mismatch"]()
    (finding,) = findings(matrix, "owner-mismatch")
    acceptance = accept(finding)
    changed = replace(matrix, cells={**matrix.cells, ("a0", "dev"): letters("I")})
    (reopened,) = findings(replace(changed, accepted=(acceptance,)), "owner-mismatch")
    assert reopened.accepted is None and reopened.reopened == acceptance
    # Putting the cell back as it was makes the acceptance hold again.
    (again,) = findings(replace(matrix, accepted=(acceptance,)), "owner-mismatch")
    assert again.accepted == acceptance


def test_an_acceptance_without_letters_holds_whatever_the_letters():
    matrix = TRIGGERS["owner-mismatch"]()
    (finding,) = findings(matrix, "owner-mismatch")
    changed = replace(matrix, cells={**matrix.cells, ("a0", "dev"): letters("I")})
    (marked,) = findings(replace(changed, accepted=(accept(finding, letters=None),)), finding.rule)
    assert marked.accepted is not None


def test_acceptances_are_reviewed_as_holding_reopened_or_resolved():
    matrix = build(
        row("Order", "backlog-ordering", pm="AR", po="C"),
        row("Stories", "user-stories", pm="AR", po="C"),
    )
    first, second = findings(matrix, "owner-mismatch")
    gone = Acceptance(rule="owner-mismatch", activity_key="a9", role_key="pm", reason="x")
    accepted = (accept(first), accept(second, letters="something else"), gone)
    found = analyse(replace(matrix, accepted=accepted))
    states = [state for _, state, _ in review_acceptances(accepted, found)]
    assert states == [AcceptanceState.ACCEPTED, AcceptanceState.REOPENED, AcceptanceState.RESOLVED]


def test_staffing_findings_reopen_when_who_holds_the_roles_changes():
    matrix = TRIGGERS["product-owner-committee"]()
    (finding,) = findings(matrix, "product-owner-committee")
    acceptance = accept(finding)
    bigger = replace(matrix, people=(*matrix.people, person("Cy", "po")))
    (reopened,) = findings(replace(bigger, accepted=(acceptance,)), "product-owner-committee")
    assert reopened.reopened == acceptance


# Output order and speed.


def test_findings_are_sorted_by_severity_then_matrix_order():
    matrix = build(row("First", pm="AR", po="R"), row("Second"), row("Third", dev="R"))
    result = [(f.severity, f.activity) for f in analyse(matrix)]
    assert result[:2] == [(Severity.ERROR, "Second"), (Severity.ERROR, "Third")]
    assert [severity.rank for severity, _ in result] == sorted(s.rank for s, _ in result)


def test_cells_of_unknown_rows_or_columns_are_ignored():
    matrix = build(healthy())
    noisy = replace(matrix, cells={**matrix.cells, ("ghost", "pm"): letters("A")})
    assert analyse(noisy) == analyse(matrix)


def test_engine_catalogue_matcher_file_formats_and_comparison_import_no_django():
    code = (
        "import sys, raci.rules, raci.catalogue, raci.matching, raci.matrix_io, raci.tables, "
        "raci.layouts, raci.exports, raci.compare, raci.live; "
        "sys.exit(any(name.startswith('django') for name in sys.modules))"
    )
    root = Path(__file__).resolve().parents[1]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0
