"""Comparing two matrices (raci/compare.py): rows, columns and cells added,
removed or changed, matched by name; the findings of each side; the CSV.
Pure code: no database."""

import csv
import io

from raci import compare
from raci.compare import Status
from raci.rules import Activity, Matrix, Role, Thresholds
from raci.vocabulary import parse_letters


def matrix(rows: dict[str, dict[str, str]], roles=("Product Owner", "Developers")) -> Matrix:
    """A matrix from {activity: {role: letters}}; keys differ from names on purpose."""
    role_list = tuple(Role(key=f"r{i}", name=name) for i, name in enumerate(roles))
    keys = {role.name: role.key for role in role_list}
    activities = tuple(Activity(key=f"a{i}", name=name) for i, name in enumerate(rows))
    cells = {
        (activity.key, keys[role]): parse_letters(text)
        for activity, letters in zip(activities, rows.values(), strict=True)
        for role, text in letters.items()
        if text
    }
    return Matrix(activities=activities, roles=role_list, cells=cells)


def compared(before: Matrix, after: Matrix) -> compare.Comparison:
    return compare.compare(
        compare.Side("Q3", before, Thresholds()), compare.Side("Now", after, Thresholds())
    )


def cell_statuses(comparison) -> dict[tuple[str, str], tuple[Status, str, str]]:
    return {
        (cell.activity, cell.role): (cell.status, cell.before, cell.after)
        for cell in comparison.changed_cells
    }


def test_identical_matrices_have_no_differences():
    same = matrix({"Order the backlog": {"Product Owner": "AR"}})
    comparison = compared(same, same)
    assert comparison.unchanged
    assert comparison.changed_cells == []


def test_cells_added_removed_and_changed_are_told_apart():
    before = matrix(
        {"Order": {"Product Owner": "AR", "Developers": "C"}, "Build": {"Developers": "R"}}
    )
    after = matrix(
        {
            "Order": {"Product Owner": "A", "Developers": ""},
            "Build": {"Developers": "R", "Product Owner": "I"},
        }
    )

    assert cell_statuses(compared(before, after)) == {
        ("Order", "Product Owner"): (Status.CHANGED, "AR", "A"),
        ("Order", "Developers"): (Status.REMOVED, "C", ""),
        ("Build", "Product Owner"): (Status.ADDED, "", "I"),
    }


def test_rows_are_matched_by_name_whatever_their_case_and_spacing():
    before = matrix({"Order the  backlog": {"Product Owner": "AR"}})
    after = matrix({"order the backlog": {"Product Owner": "AR"}})
    assert compared(before, after).unchanged


def test_a_removed_row_keeps_its_place_and_its_letters_show_as_removed():
    before = matrix({"Plan": {"Developers": "R"}, "Review": {"Developers": "A"}, "Ship": {}})
    after = matrix({"Plan": {"Developers": "R"}, "Ship": {}, "Retro": {"Developers": "R"}})

    comparison = compared(before, after)

    assert [(row.activity.name, row.status) for row in comparison.rows] == [
        ("Plan", Status.SAME),
        ("Review", Status.REMOVED),
        ("Ship", Status.SAME),
        ("Retro", Status.ADDED),
    ]
    assert cell_statuses(comparison) == {
        ("Review", "Developers"): (Status.REMOVED, "A", ""),
        ("Retro", "Developers"): (Status.ADDED, "", "R"),
    }
    assert comparison.counts["rows_added"] == comparison.counts["rows_removed"] == 1


def test_columns_added_and_removed_by_name():
    before = matrix(
        {"Order": {"Product Owner": "AR", "Legal": "C"}}, roles=("Product Owner", "Legal")
    )
    after = matrix(
        {"Order": {"Product Owner": "AR", "Design": "I"}}, roles=("Product Owner", "Design")
    )

    comparison = compared(before, after)

    assert [(column.name, column.status) for column in comparison.columns] == [
        ("Product Owner", Status.SAME),
        ("Legal", Status.REMOVED),
        ("Design", Status.ADDED),
    ]


def test_a_row_with_a_changed_cell_is_changed():
    before = matrix({"Order": {"Product Owner": "AR"}, "Build": {"Developers": "AR"}})
    after = matrix({"Order": {"Product Owner": "R"}, "Build": {"Developers": "AR"}})
    statuses = [row.status for row in compared(before, after).rows]
    assert statuses == [Status.CHANGED, Status.SAME]


def test_each_side_has_its_findings_and_what_changed_between_them_is_marked():
    before = matrix({"Order": {"Product Owner": "AR"}})
    after = matrix({"Order": {"Product Owner": "R"}})

    comparison = compared(before, after)

    before_rules = {item.finding.rule: item.status for item in comparison.before_findings}
    after_rules = {item.finding.rule: item.status for item in comparison.after_findings}
    assert "no-accountable" not in before_rules
    assert after_rules["no-accountable"] == Status.ADDED


def test_the_csv_reads_back_with_every_difference():
    before = matrix({"Order": {"Product Owner": "AR"}, "=cmd()": {"Developers": "R"}})
    after = matrix({"Order": {"Product Owner": "A"}, "Retro": {"Developers": "R"}})

    text = compare.write_csv(compared(before, after))

    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == list(compare.CSV_HEADER)
    assert ["before", "version", "", "", "Q3", ""] in lines
    assert ["removed", "activity", "'=cmd()", "", "", ""] in lines
    assert ["added", "activity", "Retro", "", "", ""] in lines
    assert ["changed", "cell", "Order", "Product Owner", "AR", "A"] in lines
    assert ["added", "cell", "Retro", "Developers", "", "R"] in lines
