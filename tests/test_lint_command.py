"""`manage.py raci lint` and `manage.py raci reference`: output, formats and exit codes."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from raci.matrix_io import read_csv, write_csv, write_json
from raci.rules import reference_matrix
from raci.vocabulary import CanonicalRole
from tests.builders import make_activity, make_person, make_team

SAMPLES = Path(__file__).parent / "samples"
ROOT = Path(__file__).resolve().parents[1]
FINDING_KEYS = {
    "rule",
    "severity",
    "activity",
    "role",
    "person",
    "message",
    "reference",
    "matched_by_name",
    "sources",
    "suggestion",
    "accepted",
    "reopened",
}


def raci(*args) -> tuple[int, str, str]:
    """Run the command; returns its exit code, stdout and stderr."""
    out, err = StringIO(), StringIO()
    try:
        call_command("raci", *map(str, args), stdout=out, stderr=err)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue(), err.getvalue()


def lint_json(*args) -> tuple[int, dict]:
    code, out, _ = raci("lint", *args, "--format", "json")
    return code, json.loads(out)


def rules_in(document: dict) -> set[str]:
    return {finding["rule"] for finding in document["findings"]}


def test_good_file_exits_0_with_a_summary_line():
    code, out, err = raci("lint", SAMPLES / "good.csv")
    assert code == 0 and err == ""
    assert out.rstrip().endswith("0 errors, 0 warnings, 1 info.")
    assert "Errors" not in out and "Warnings" not in out


def test_file_with_errors_exits_1_and_groups_findings_by_severity():
    code, out, _ = raci("lint", SAMPLES / "gaps.csv")
    assert code == 1
    assert out.index("Errors (4)") < out.index("Warnings (3)") < out.index("Info (")
    assert "  Product launch  [multiple-accountable]" in out
    assert "    Suggestion: Keep one A and take it off the others:" in out
    assert "    Documented: Backlog ordering (key backlog-ordering)" in out
    assert out.rstrip().endswith("4 errors, 3 warnings, 2 info.")


def test_text_output_names_the_articles_by_title_and_part():
    _, out, _ = raci("lint", SAMPLES / "gaps.csv")
    assert (
        "    Source: BMC Business of IT blog: Product Owner vs Product Manager, "
        "Product Owner: jobs, skills, salary [000_83f84c264b7569ca.txt]"
    ) in out


def test_json_output_has_the_documented_shape():
    code, document = lint_json(SAMPLES / "gaps.csv")
    assert code == 1
    assert set(document) == {"findings", "accepted", "suggested_keys", "summary", "guesses"}
    assert document["guesses"] == [
        {
            "topic": "role",
            "message": "'PM' read as the Product Manager; in some teams PM is the Project "
            "Manager. Say which it is.",
            "ask": True,
        }
    ]
    assert document["summary"] == {"error": 4, "warning": 3, "info": 2, "accepted": 0}
    assert all(set(finding) == FINDING_KEYS for finding in document["findings"])
    mismatch = next(f for f in document["findings"] if f["rule"] == "owner-mismatch")
    assert (mismatch["activity"], mismatch["role"], mismatch["severity"]) == (
        "Backlog ordering",
        "PM",
        "warning",
    )
    assert mismatch["reference"]["key"] == "backlog-ordering"
    assert mismatch["reference"]["sources"][0]["seed"] == "000_83f84c264b7569ca.txt"
    assert mismatch["sources"][0]["title"].startswith("BMC Business of IT blog")
    assert mismatch["sources"][0]["part"] == "Product Owner: jobs, skills, salary"


def test_json_team_file_runs_the_staffing_rules():
    code, document = lint_json(SAMPLES / "team.json")
    assert code == 0
    combined = next(f for f in document["findings"] if f["rule"] == "combined-pm-po")
    assert combined["person"] == "Maya Patel" and combined["severity"] == "warning"
    assert "unstaffed-role" in rules_in(document)


def test_stage_flag_overrides_the_file_context():
    _, document = lint_json(SAMPLES / "team.json", "--stage", "startup")
    combined = next(f for f in document["findings"] if f["rule"] == "combined-pm-po")
    assert combined["severity"] == "info"


def test_no_scrum_flag_turns_off_scrum_checks(tmp_path):
    path = tmp_path / "kanban.csv"
    path.write_text("Activity,Key,PM,PO,SM\nOrder,backlog-ordering,AR,,\nRetro,,C,,AR\n")
    _, scrum = lint_json(path)
    _, kanban = lint_json(path, "--no-scrum")
    assert "owner-mismatch" in rules_in(scrum) and "owner-mismatch" not in rules_in(kanban)
    assert "scrum-role-without-scrum" in rules_in(kanban)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad_letter.csv", "Row 2, column 'PO': unknown letter 'X' (use R, A, C or I)."),
        ("no_letters.csv", "Row 1: there are no role columns after 'Task'."),
        ("empty.csv", "The file is empty."),
        ("truncated.json", "Not valid JSON"),
        ("missing.csv", "cannot read"),
    ],
)
def test_unreadable_file_exits_2_with_one_line_on_stderr(name, message):
    code, out, err = raci("lint", SAMPLES / name)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1


def test_binary_file_exits_2(tmp_path):
    path = tmp_path / "matrix.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    code, _, err = raci("lint", path)
    assert code == 2 and "This is a PNG image, not a table" in err


def test_file_and_team_are_mutually_exclusive():
    assert raci("lint")[0] == 2
    assert raci("lint", SAMPLES / "good.csv", "--team", "acme/checkout")[0] == 2


def test_reference_csv_is_the_catalogue_and_lints_clean(tmp_path):
    code, out, _ = raci("reference", "--format", "csv")
    assert code == 0 and out == write_csv(reference_matrix())
    path = tmp_path / "reference.csv"
    path.write_text(out)
    code, document = lint_json(path)
    assert code == 0
    assert document["summary"] == {"error": 0, "warning": 0, "info": 0, "accepted": 0}
    assert len(read_csv(out).activities) == len(reference_matrix().activities)


def test_stage_small_is_a_choice_and_lowers_combined_pm_po():
    _, document = lint_json(SAMPLES / "team.json", "--stage", "small")
    combined = next(f for f in document["findings"] if f["rule"] == "combined-pm-po")
    assert combined["severity"] == "info"


def test_convention_flag_silences_no_responsible_and_is_shown(tmp_path):
    path = tmp_path / "convention.csv"
    path.write_text("Activity,PM,Dev\nShip it,A,C\nBuild it,,AR\n")
    code, plain = lint_json(path)
    assert code == 1 and "no-responsible" in rules_in(plain)
    code, out, _ = raci("lint", path, "--accountable-does-work")
    assert code == 0 and "no-responsible" not in out
    assert "Convention: the accountable also does the work unless someone else is R." in out


def test_unkeyed_rows_get_a_suggested_key(tmp_path):
    path = tmp_path / "own_words.csv"
    path.write_text("Activity,PM,PO,Dev\nDraft stories,A,R,C\nCode review,,,AR\n")
    _, out, _ = raci("lint", path)
    assert "Rows without a catalogue key, matched by name (1)" in out
    assert "  Draft stories  suggested key: user-stories (User stories)" in out
    assert "(matched by name to “User stories”)" in out
    _, document = lint_json(path)
    assert document["suggested_keys"] == [
        {"activity": "Draft stories", "key": "user-stories", "entry": "User stories"}
    ]
    mismatch = next(f for f in document["findings"] if f["rule"] == "owner-mismatch")
    assert mismatch["matched_by_name"] is True


def test_a_pm_column_beside_the_product_manager_is_the_project_manager(tmp_path):
    # The reader takes this "PM" for the project manager; holding the schedule and the
    # budget is then what 001's first FAQ answer describes, not two owner warnings.
    path = tmp_path / "two_pms.csv"
    path.write_text(
        "Activity,Product Manager,PM,PO,Developers\n"
        "Project schedule,C,AR,C,C\n"
        "Budget and resources,C,AR,I,I\n"
        "Build features,I,I,C,AR\n"
    )
    code, document = lint_json(path)
    assert code == 0
    alternatives = [f for f in document["findings"] if f["rule"] == "documented-alternative"]
    assert [(f["activity"], f["role"]) for f in alternatives] == [
        ("Project schedule", "PM"),
        ("Budget and resources", "PM"),
    ]
    assert "owner-mismatch" not in rules_in(document)


def test_accepted_findings_are_reported_apart_and_do_not_fail_the_run():
    # Without its "accepted" list the same file has an error (next test).
    code, out, _ = raci("lint", SAMPLES / "accepted.json")
    assert code == 0
    assert "Accepted (2)" in out
    assert "accepted by maya on 2026-05-04: Our PM orders the backlog" in out
    assert out.rstrip().endswith("0 errors, 1 warning, 1 info; 2 accepted.")
    _, document = lint_json(SAMPLES / "accepted.json")
    assert document["summary"]["error"] == 0 and document["summary"]["accepted"] == 2
    assert {f["rule"] for f in document["accepted"]} == {"owner-mismatch", "no-accountable"}
    assert document["accepted"][0]["accepted"]["by"] == "maya"


def test_the_same_file_without_its_acceptances_fails(tmp_path):
    document = json.loads((SAMPLES / "accepted.json").read_text())
    del document["accepted"]
    path = tmp_path / "open.json"
    path.write_text(json.dumps(document))
    assert raci("lint", path)[0] == 1


def test_an_acceptance_whose_letters_changed_is_reopened_and_fails(tmp_path):
    document = json.loads((SAMPLES / "accepted.json").read_text())
    document["activities"][1]["letters"]["Developers"] = "I"  # Release notes changed.
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(document))
    code, out, _ = raci("lint", path)
    assert code == 1
    assert "Reopened: it was accepted by maya on 2026-05-04" in out
    assert "Accepted (1)" in out


def test_reference_json():
    code, out, _ = raci("reference", "--format", "json")
    assert code == 0 and out == write_json(reference_matrix())


def test_real_process_exit_codes_and_no_traceback():
    def run(*args):
        command = [sys.executable, "manage.py", "raci", "lint", *map(str, args)]
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)

    unreadable = run(SAMPLES / "bad_letter.csv")
    assert unreadable.returncode == 2
    assert "Traceback" not in unreadable.stderr and unreadable.stderr.count("\n") == 1
    assert run(SAMPLES / "gaps.csv").returncode == 1
    assert run(SAMPLES / "good.csv").returncode == 0


# --team: a team saved in the database.


@pytest.fixture
def team(organization):
    team = make_team(organization, "Checkout")
    make_activity(
        team,
        "Backlog ordering",
        catalogue_key="backlog-ordering",
        letters={CanonicalRole.PRODUCT_MANAGER: "A", CanonicalRole.PRODUCT_OWNER: "R"},
    )
    make_activity(team, "Build", letters={CanonicalRole.DEVELOPERS: "AR"})
    make_person(organization, "Ana", team=team, roles=[CanonicalRole.PRODUCT_OWNER])
    return team


@pytest.mark.django_db
def test_team_lint_uses_the_team_context_and_people(team):
    code, document = lint_json("--team", f"{team.organization.slug}/{team.slug}")
    assert code == 0
    found = rules_in(document)
    assert {"owner-mismatch", "pm-po-overlap", "unstaffed-role"} <= found
    assert "missing-scrum-role" in found  # A Scrum team with nobody as Scrum Master.


@pytest.mark.django_db
def test_team_lint_text_names_the_team(team):
    code, out, _ = raci("lint", "--team", f"{team.organization.slug}/{team.slug}")
    assert code == 0 and out.startswith(f"{team.organization.slug}/{team.slug}\n")


@pytest.mark.django_db
@pytest.mark.parametrize("team_path", ["acme/nope", "nope/checkout", "no-slash", "/"])
def test_unknown_team_exits_2(team, team_path):
    code, _, err = raci("lint", "--team", team_path)
    assert code == 2 and err.startswith("raci lint: ")
