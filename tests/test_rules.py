"""The analysis engine: every rule fires when built to, and stays silent otherwise.

Pure Python: no database. Matrices are built with `row()` and `build()`: a
row names its letters per role key ("pm", "po", "sm", "dev" or a custom key).
"""

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from raci.catalogue import by_key
from raci.rules import (
    RULES,
    RULES_BY_ID,
    Activity,
    CellChange,
    Matrix,
    Person,
    Role,
    TeamContext,
    Thresholds,
    analyse,
    reference_matrix,
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


def letters(text: str) -> frozenset[Letter]:
    return frozenset(Letter(char) for char in text)


def row(name: str, key: str | None = None, **cells: str) -> tuple[str, str | None, dict]:
    return name, key, cells


def build(*rows, roles=FOUR, context=None, people=None) -> Matrix:
    activities = tuple(
        Activity(key=f"a{n}", name=name, catalogue_key=key) for n, (name, key, _) in enumerate(rows)
    )
    cells = {
        (f"a{n}", role_key): letters(text)
        for n, (_, _, row_cells) in enumerate(rows)
        for role_key, text in row_cells.items()
        if text
    }
    return Matrix(activities=activities, roles=roles, cells=cells, context=context, people=people)


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


def apply(matrix: Matrix, changes: tuple[CellChange, ...]) -> Matrix:
    cells = dict(matrix.cells)
    for change in changes:
        cells[(change.activity_key, change.role_key)] = change.letters
    return replace(matrix, cells=cells)


def healthy(name="Build the thing", key=None) -> tuple[str, str | None, dict]:
    return row(name, key, dev="AR", po="C")


def informed_pm(n: int) -> tuple[str, str | None, dict]:
    """Work shared out between PO and Developers, with the PM informed of it."""
    return row(f"Task {n}", pm="I", **({"dev": "AR"} if n % 2 else {"po": "AR"}))


# A matrix built to trigger each rule; the tests below check them one by one too.
TRIGGERS = {
    "empty-activity": lambda: build(row("Nothing")),
    "no-accountable": lambda: build(row("Do it", dev="R")),
    "multiple-accountable": lambda: build(row("Do it", pm="A", po="AR")),
    "no-responsible": lambda: build(row("Do it", pm="A", dev="C")),
    "crowded-responsible": lambda: build(row("Do it", pm="AR", po="R", sm="R", dev="R")),
    "crowded-consulted": lambda: build(
        row("Do it", pm="AR", po="C", sm="C", dev="C", qa="C", ux="C"),
        roles=(*FOUR, custom("qa", "QA"), custom("ux", "UX")),
    ),
    "duplicate-activity": lambda: build(healthy("Deploy"), healthy("deploy")),
    "idle-role": lambda: build(row("Do it", dev="AR", po="C")),
    "accountable-bottleneck": lambda: build(
        *[row(f"Task {n}", pm="AR") for n in range(4)], *[healthy(f"Build {n}") for n in range(2)]
    ),
    "role-in-every-activity": lambda: build(*[informed_pm(n) for n in range(6)]),
    "unknown-catalogue-key": lambda: build(row("Do it", "no-such-key", dev="AR")),
    "owner-mismatch": lambda: build(row("Order", "backlog-ordering", pm="AR", po="C")),
    "owner-missing": lambda: build(row("Order", "backlog-ordering", pm="AR")),
    "pm-po-overlap": lambda: build(row("Order", "backlog-ordering", pm="R", po="AR")),
    "missing-core-activity": lambda: build(row("Order", "backlog-ordering", po="AR")),
    "unstaffed-role": lambda: build(healthy(), people=()),
    "combined-pm-po": lambda: build(healthy(), people=(person("Ana", "pm", "po"),)),
    "combined-po-sm": lambda: build(healthy(), people=(person("Ana", "po", "sm"),)),
    "shared-accountability": lambda: build(
        row("Order", po="AR"), people=(person("Ana", "po"), person("Ben", "po"))
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
def test_rule_is_documented(rule):
    assert rule.id == rule.id.lower() and " " not in rule.id
    assert rule.why and rule.source and rule.group in {"matrix", "documented", "staffing"}


# The catalogue's own reference matrix, fully staffed, is the silent case for every rule.


def test_reference_matrix_has_no_error_and_no_warning():
    assert [f for f in analyse(reference_matrix()) if f.severity != Severity.INFO] == []


def test_reference_matrix_in_a_staffed_scrum_team_has_no_finding_at_all():
    matrix = replace(reference_matrix(), context=SCRUM, people=staffed())
    assert analyse(matrix) == []


# Classic horizontal analysis.


def test_empty_activity_is_reported_instead_of_missing_a_and_r():
    rules = [f.rule for f in analyse(build(row("Nothing")))]
    assert "empty-activity" in rules
    assert "no-accountable" not in rules and "no-responsible" not in rules


def test_empty_catalogue_activity_offers_the_documented_owner_as_fix():
    matrix = build(row("Order", "backlog-ordering"))
    (finding,) = findings(matrix, "empty-activity")
    assert finding.fix == (CellChange("a0", "po", letters("AR")),)
    assert not fires(apply(matrix, finding.fix), "empty-activity")


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
    assert finding.fix == (CellChange("a0", "pm", frozenset()),)
    assert not fires(apply(matrix, finding.fix), "multiple-accountable")


def test_no_responsible_silent_when_a_cell_holds_a_and_r():
    assert fires(build(row("Do it", pm="A", dev="C")), "no-responsible")
    assert not fires(build(row("Do it", pm="AR", dev="C")), "no-responsible")


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


def test_idle_role_for_a_role_with_only_c_and_i():
    idle = {f.role for f in findings(build(row("Do it", dev="AR", po="C", pm="I")), "idle-role")}
    assert idle == {"Product Manager", "Product Owner", "Scrum Master"}


def test_idle_role_silent_when_role_does_some_work_and_for_an_empty_matrix():
    matrix = build(row("A", dev="AR", po="R"), row("B", pm="AR", sm="R"))
    assert not fires(matrix, "idle-role")
    assert analyse(build()) == []


def test_accountable_bottleneck_above_share_only():
    matrix = TRIGGERS["accountable-bottleneck"]()
    (finding,) = findings(matrix, "accountable-bottleneck")
    assert finding.role == "Product Manager" and "4 of 6" in finding.message
    assert not fires(matrix, "accountable-bottleneck", max_accountable_share=0.7)
    half = build(*[row(f"T{n}", pm="AR") for n in range(3)], *[healthy(f"B{n}") for n in range(3)])
    assert not fires(half, "accountable-bottleneck")


def test_share_checks_stay_silent_on_small_matrices():
    small = build(row("One", pm="AR", dev="C"), row("Two", pm="AR", dev="C"))
    assert not fires(small, "accountable-bottleneck")
    assert not fires(small, "role-in-every-activity")


def test_role_in_every_activity_silent_when_one_row_leaves_it_out():
    rows = [informed_pm(n) for n in range(5)] + [row("Solo", dev="AR")]
    assert not fires(build(*rows), "role-in-every-activity")
    (finding,) = findings(TRIGGERS["role-in-every-activity"](), "role-in-every-activity")
    assert finding.role == "Product Manager"


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
    assert set(finding.fix) == {
        CellChange("a0", "po", letters("AR")),
        CellChange("a0", "pm", letters("R")),
    }
    assert not fires(apply(matrix, finding.fix), "owner-mismatch")


def test_owner_mismatch_silent_when_the_documented_owner_is_accountable():
    assert not fires(build(row("Order", "backlog-ordering", pm="C", po="AR")), "owner-mismatch")


def test_owner_missing_when_owner_holds_neither_a_nor_r():
    (finding,) = findings(TRIGGERS["owner-missing"](), "owner-missing")
    assert finding.role == "Product Owner"
    assert not fires(build(row("Order", "backlog-ordering", pm="A", po="R")), "owner-missing")


def test_documented_checks_skip_activities_without_a_catalogue_key():
    matrix = build(row("Backlog ordering", pm="AR", dev="C"))
    assert not fires(matrix, "owner-mismatch") and not fires(matrix, "owner-missing")


def test_custom_role_acting_as_po_is_checked_as_the_po():
    roles = (*FOUR, custom("ba", "Business Analyst", kind=PO))
    matrix = build(row("Order", "backlog-ordering", ba="AR", pm="C"), roles=roles)
    assert not fires(matrix, "owner-mismatch") and not fires(matrix, "owner-missing")
    plain = (*FOUR, custom("ba", "Business Analyst"))
    assert fires(build(row("Order", "backlog-ordering", ba="AR"), roles=plain), "owner-mismatch")


def test_without_scrum_the_pm_may_own_po_work_and_sm_checks_do_not_apply():
    matrix = build(
        row("Order", "backlog-ordering", pm="AR"),
        row("Sprint events", "scrum-facilitation", pm="AR", dev="C"),
        context=NO_SCRUM,
    )
    for rule in ("owner-mismatch", "owner-missing"):
        assert not fires(matrix, rule)
    assert fires(replace(matrix, context=SCRUM), "owner-mismatch")


def test_pm_po_overlap_warns_and_fixes_the_non_owner_to_c():
    matrix = TRIGGERS["pm-po-overlap"]()
    (finding,) = findings(matrix, "pm-po-overlap")
    assert finding.severity == Severity.WARNING and finding.role == "Product Manager"
    assert finding.fix == (CellChange("a0", "pm", letters("C")),)
    assert not fires(apply(matrix, finding.fix), "pm-po-overlap")


def test_pm_po_overlap_silent_when_only_one_of_them_does_the_work():
    assert not fires(build(row("Order", "backlog-ordering", pm="C", po="AR")), "pm-po-overlap")


def test_pm_po_overlap_without_scrum_points_at_the_po_since_the_pm_owns_its_work():
    matrix = build(row("Order", "backlog-ordering", pm="AR", po="R"), context=NO_SCRUM)
    (finding,) = findings(matrix, "pm-po-overlap")
    assert finding.role == "Product Owner" and "Product Manager" in finding.suggestion
    assert finding.fix == (CellChange("a0", "po", letters("C")),)


def test_pm_po_overlap_is_info_when_one_person_holds_both_in_a_startup():
    matrix = build(
        row("Order", pm="R", po="AR"), context=STARTUP, people=(person("Ana", "pm", "po"),)
    )
    (finding,) = findings(matrix, "pm-po-overlap")
    assert finding.severity == Severity.INFO


def test_pm_po_overlap_stays_a_warning_in_a_startup_with_two_people():
    people = (person("Ana", "pm"), person("Ben", "po"))
    matrix = build(row("Order", pm="R", po="AR"), context=STARTUP, people=people)
    assert findings(matrix, "pm-po-overlap")[0].severity == Severity.WARNING


def test_missing_core_activity_lists_absent_entries_of_roles_the_team_has():
    matrix = build(row("Order", "backlog-ordering", po="AR"), roles=FOUR[1:2])
    keys = {f.reference.key for f in findings(matrix, "missing-core-activity")}
    assert "user-stories" in keys and "backlog-ordering" not in keys
    assert "product-vision" not in keys  # The team has no Product Manager column.


def test_missing_core_activity_silent_when_the_matrix_uses_no_catalogue_keys():
    assert not fires(build(row("Order", po="AR")), "missing-core-activity")


def test_missing_core_activity_skips_scrum_master_work_without_scrum():
    matrix = build(row("Order", "backlog-ordering", po="AR"), context=NO_SCRUM)
    keys = {f.reference.key for f in findings(matrix, "missing-core-activity")}
    assert "po-coaching" not in keys and "user-stories" in keys


# Staffing.


def test_unstaffed_role_when_nobody_holds_a_role_with_work():
    (finding,) = findings(TRIGGERS["unstaffed-role"](), "unstaffed-role")
    assert finding.role == "Developers"
    assert not fires(build(healthy(), people=(person("Dee", "dev"),)), "unstaffed-role")


def test_staffing_rules_do_not_run_when_people_are_unknown():
    matrix = build(healthy(), context=SCRUM)
    assert not {"unstaffed-role", "missing-scrum-role"} & {f.rule for f in analyse(matrix)}


def test_combined_pm_po_is_a_warning_when_established_and_info_in_a_startup():
    matrix = TRIGGERS["combined-pm-po"]()
    (finding,) = findings(matrix, "combined-pm-po")
    assert finding.severity == Severity.WARNING and finding.person == "Ana"
    startup = replace(matrix, context=STARTUP)
    assert findings(startup, "combined-pm-po")[0].severity == Severity.INFO
    assert not fires(build(healthy(), people=staffed()), "combined-pm-po")


def test_combined_pm_po_counts_a_custom_role_acting_as_po():
    roles = (*FOUR, custom("ba", "Business Analyst", kind=PO))
    matrix = build(healthy(), roles=roles, people=(person("Ana", "pm", "ba"),))
    assert fires(matrix, "combined-pm-po")


def test_combined_po_sm_silent_for_two_people_and_without_scrum():
    assert fires(TRIGGERS["combined-po-sm"](), "combined-po-sm")
    assert not fires(build(healthy(), people=staffed()), "combined-po-sm")
    no_scrum = replace(TRIGGERS["combined-po-sm"](), context=NO_SCRUM)
    assert not fires(no_scrum, "combined-po-sm")


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
    missing = {f.message for f in findings(TRIGGERS["missing-scrum-role"](), "missing-scrum-role")}
    assert len(missing) == 2
    assert any("Product Owner" in message for message in missing)
    assert any("Scrum Master" in message for message in missing)


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


# Output order and speed.


def test_findings_are_sorted_by_severity_then_matrix_order():
    matrix = build(row("First", pm="AR", po="R"), row("Second"), row("Third", dev="R"))
    result = [(f.severity, f.activity) for f in analyse(matrix)]
    assert result[:3] == [
        (Severity.ERROR, "Second"),
        (Severity.ERROR, "Third"),
        (Severity.WARNING, "First"),
    ]
    assert [severity.rank for severity, _ in result] == sorted(s.rank for s, _ in result)


def test_cells_of_unknown_rows_or_columns_are_ignored():
    matrix = build(healthy())
    noisy = replace(matrix, cells={**matrix.cells, ("ghost", "pm"): letters("A")})
    assert analyse(noisy) == analyse(matrix)


def test_engine_catalogue_and_file_formats_import_no_django():
    code = (
        "import sys, raci.rules, raci.catalogue, raci.matrix_io, raci.tables, raci.layouts, "
        "raci.exports; "
        "sys.exit(any(name.startswith('django') for name in sys.modules))"
    )
    root = Path(__file__).resolve().parents[1]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0
