"""The version-1 JSON matrix format: full fidelity, and clear errors."""

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from raci import matrix_io
from raci.matrix_io import MatrixFileError, read_json, read_matrix, write_json
from raci.rules import Acceptance, Activity, Matrix, Person, Role, TeamContext, reference_matrix
from raci.vocabulary import CanonicalRole, Letter, Stage

SAMPLES = Path(__file__).parent / "samples"
PO = CanonicalRole.PRODUCT_OWNER


def document(**overrides) -> dict:
    """A small valid document; keyword arguments replace its top-level keys."""
    base = {
        "version": 1,
        "roles": [{"name": "Product Owner", "acts_as": "po"}, {"name": "Legal", "acts_as": None}],
        "activities": [
            {"name": "Order", "key": "backlog-ordering", "letters": {"Product Owner": "AR"}}
        ],
    }
    return {**base, **overrides}


def read(doc) -> Matrix:
    return read_json(json.dumps(doc))


def error_of(doc) -> str:
    with pytest.raises(MatrixFileError) as error:
        read_json(doc if isinstance(doc, str | bytes) else json.dumps(doc))
    return str(error.value)


def full_matrix() -> Matrix:
    roles = (
        Role(key="11", name="Product Manager", kind=CanonicalRole.PRODUCT_MANAGER),
        Role(key="12", name="Product Owner", kind=PO),
        Role(key="13", name="Business Analyst", kind=PO),
        Role(key="14", name="Legal"),
    )
    activities = (
        Activity(key="1", name="Order", category="backlog", catalogue_key="backlog-ordering"),
        Activity(key="2", name="Contracts", category=""),
    )
    people = (
        Person(key="5", name="Ana", role_keys=frozenset({"11", "12"}), email="ana@x.org"),
        Person(key="6", name="Ruth", role_keys=frozenset({"13"}), title="Analyst"),
        Person(key="7", name="Lee"),
    )
    return Matrix(
        activities=activities,
        roles=roles,
        cells={
            ("1", "12"): frozenset({Letter.ACCOUNTABLE}),
            ("1", "13"): frozenset({Letter.RESPONSIBLE}),
            ("2", "14"): frozenset({Letter.ACCOUNTABLE, Letter.RESPONSIBLE}),
        },
        context=TeamContext(uses_scrum=False, stage=Stage.STARTUP),
        people=people,
        name="Checkout",
    )


def test_full_matrix_round_trips_with_context_people_and_acting_roles():
    original = full_matrix()
    again = read_json(write_json(original))
    assert again.name == "Checkout"
    assert again.context == original.context
    assert [(role.name, role.kind) for role in again.roles] == [
        (role.name, role.kind) for role in original.roles
    ]
    assert [
        [again.letters(activity.key, role.key) for role in again.roles]
        for activity in again.activities
    ] == [
        [original.letters(activity.key, role.key) for role in original.roles]
        for activity in original.activities
    ]
    held = {
        person.name: {role.name for role in again.roles if role.key in person.role_keys}
        for person in again.people
    }
    assert held == {
        "Ana": {"Product Manager", "Product Owner"},
        "Ruth": {"Business Analyst"},
        "Lee": set(),
    }
    assert [(p.email, p.title) for p in again.people] == [
        ("ana@x.org", ""),
        ("", "Analyst"),
        ("", ""),
    ]
    assert write_json(again) == write_json(original)


def test_written_document_has_the_documented_shape():
    written = json.loads(write_json(full_matrix()))
    assert written["version"] == 1
    assert written["context"] == {
        "uses_scrum": False,
        "stage": "startup",
        "accountable_does_work": False,
    }
    assert written["roles"][2] == {"name": "Business Analyst", "acts_as": "po"}
    assert written["activities"][0] == {
        "name": "Order",
        "key": "backlog-ordering",
        "category": "backlog",
        "letters": {"Product Owner": "A", "Business Analyst": "R"},
    }
    assert written["people"][0] == {
        "name": "Ana",
        "email": "ana@x.org",
        "title": "",
        "roles": ["Product Manager", "Product Owner"],
    }


def test_accepted_findings_round_trip_by_name():
    acceptance = Acceptance(
        rule="owner-mismatch",
        activity_key="1",
        role_key="13",
        letters="Order / Product Owner: A; Order / Business Analyst: R",
        reason="Ruth owns ordering while Tom is on leave.",
        by="maya",
        at=datetime(2026, 5, 4, 9, 30, tzinfo=UTC),
    )
    person_level = Acceptance(
        rule="combined-pm-po", person_key="5", letters=None, reason="Startup days."
    )
    original = replace(full_matrix(), accepted=(acceptance, person_level))
    written = json.loads(write_json(original))
    assert written["accepted"][0] == {
        "rule": "owner-mismatch",
        "activity": "Order",
        "role": "Business Analyst",
        "letters": "Order / Product Owner: A; Order / Business Analyst: R",
        "reason": "Ruth owns ordering while Tom is on leave.",
        "by": "maya",
        "at": "2026-05-04T09:30:00+00:00",
    }
    assert written["accepted"][1]["person"] == "Ana"
    again = read_json(write_json(original))
    assert [a.reason for a in again.accepted] == [a.reason for a in original.accepted]
    assert write_json(again) == write_json(original)


def test_a_matrix_without_acceptances_writes_no_accepted_list():
    assert "accepted" not in json.loads(write_json(full_matrix()))
    assert read(document()).accepted == ()


def test_unknown_context_and_staffing_are_left_out_and_read_back_as_unknown():
    written = json.loads(write_json(reference_matrix()))
    assert "context" not in written and "people" not in written
    again = read_json(write_json(reference_matrix()))
    assert again.context is None and again.people is None


def test_empty_people_list_means_a_team_known_to_have_nobody():
    assert read(document(people=[])).people == ()


def test_acts_as_left_out_is_read_from_the_name_and_null_means_plain():
    matrix = read(document(roles=[{"name": "PO"}, {"name": "Product Owner", "acts_as": None}]))
    assert [role.kind for role in matrix.roles] == [PO, None]


def test_context_defaults_and_letter_spellings():
    matrix = read(
        document(context={}, activities=[{"name": "Order", "letters": {"product owner": "r/a"}}])
    )
    assert matrix.context == TeamContext()
    assert matrix.letters("1", "Product Owner") == {Letter.ACCOUNTABLE, Letter.RESPONSIBLE}


def test_sample_team_file_reads_with_people_and_a_business_analyst_acting_as_po():
    matrix = read_matrix((SAMPLES / "team.json").read_bytes(), "team.json")
    assert matrix.context == TeamContext(uses_scrum=True, stage=Stage.ESTABLISHED)
    assert {role.name: role.kind for role in matrix.roles}["Business Analyst"] == PO
    assert len(matrix.people) == 4


def test_bom_is_tolerated():
    assert read_json(json.dumps(document()).encode("utf-8-sig")).roles


def test_read_matrix_picks_the_format_by_name_then_by_content():
    text = json.dumps(document())
    assert read_matrix(text, "team.json").roles[0].kind == PO
    assert read_matrix("  " + text, "").roles[0].kind == PO
    assert read_matrix("Activity,PO\nOrder,AR\n", "").roles[0].kind == PO
    with pytest.raises(MatrixFileError, match="No RACI matrix found"):
        read_matrix(text, "matrix.csv")


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("", "The file is empty."),
        ("{", "Not valid JSON: Expecting property name enclosed in double quotes at line 1"),
        ("[1, 2]", "must be an object with a 'version'"),
        ({"roles": []}, "version: expected 1, found null"),
        (document(version=2), "version: expected 1, found 2"),
        (document(version=True), "version: expected 1, found true"),
        (document(roles={"name": "PO"}), "roles: expected a list."),
        (document(roles=["PO"]), "roles[0]: expected an object."),
        (document(roles=[{"name": " "}]), "roles[0].name: must not be empty."),
        (document(roles=[{"name": 7}]), "roles[0].name: expected text, found 7."),
        (document(roles=[{"name": "PO"}, {"name": "po"}]), "roles[1].name: a role named 'po'"),
        (document(roles=[{"name": "X", "acts_as": "boss"}]), 'roles[0].acts_as: expected "pm"'),
        (document(activities=[{"letters": {}}]), "activities[0].name: must not be empty."),
        (document(activities=[{"name": "X", "letters": []}]), "activities[0].letters: expected"),
        (
            document(activities=[{"name": "X", "letters": {"QA": "R"}}]),
            "activities[0].letters: 'QA' is not one of the roles.",
        ),
        (
            document(activities=[{"name": "X", "letters": {"Legal": "RX"}}]),
            "activities[0].letters['Legal']: unknown letter 'X' (use R, A, C or I).",
        ),
        (
            document(activities=[{"name": "X", "letters": {"Legal": 1}}]),
            "activities[0].letters['Legal']: expected text",
        ),
        (document(context=[]), "context: expected an object."),
        (document(context={"uses_scrum": "no"}), "context.uses_scrum: expected true or false."),
        (
            document(context={"stage": "scaleup"}),
            'context.stage: expected "startup", "small" or "established"',
        ),
        (
            document(context={"stage": ["startup"]}),
            'context.stage: expected "startup", "small" or "established"',
        ),
        (
            document(context={"accountable_does_work": "yes"}),
            "context.accountable_does_work: expected true or false.",
        ),
        (document(accepted={}), "accepted: expected a list."),
        (document(accepted=[{"reason": "x"}]), "accepted[0].rule: is missing."),
        (
            document(accepted=[{"rule": "no-such-rule", "reason": "x"}]),
            "accepted[0].rule: 'no-such-rule' is not a rule of this app.",
        ),
        (
            document(accepted=[{"rule": "owner-mismatch", "activity": "Nope", "reason": "x"}]),
            "accepted[0].activity: 'Nope' is not one of the activities.",
        ),
        (
            document(accepted=[{"rule": "owner-mismatch", "role": "Boss", "reason": "x"}]),
            "accepted[0].role: 'Boss' is not one of the roles.",
        ),
        (
            document(accepted=[{"rule": "owner-mismatch", "reason": " "}]),
            "accepted[0].reason: must not be empty.",
        ),
        (
            document(accepted=[{"rule": "owner-mismatch", "reason": "x", "letters": 3}]),
            "accepted[0].letters: expected text, found 3.",
        ),
        (
            document(accepted=[{"rule": "owner-mismatch", "reason": "x", "at": "yesterday"}]),
            "accepted[0].at: expected a date and time",
        ),
        (document(roles=[{"name": "X", "acts_as": {"po": 1}}]), 'roles[0].acts_as: expected "pm"'),
        (document(people=[{"name": "Ana", "roles": ["Boss"]}]), 'people[0].roles: "Boss" is not'),
        (document(people=[{"name": "Ana", "roles": "PO"}]), "people[0].roles: expected a list."),
        (document(people=[{"roles": []}]), "people[0].name: must not be empty."),
        (document(activities=[{"name": f"A{n}"} for n in range(5001)]), "more than 5000"),
        (document(roles=[{"name": f"R{n}"} for n in range(201)]), "roles: more than 200 roles."),
    ],
)
def test_invalid_documents_are_clear_errors(doc, message):
    assert message in error_of(doc)


def test_the_published_schemas_are_valid_and_every_export_follows_them():
    """Checked with jsonschema, an implementation independent of the reader's."""
    from jsonschema import Draft7Validator

    schema = json.loads(matrix_io.SCHEMA_PATH.read_text())
    Draft7Validator.check_schema(schema)
    validator = Draft7Validator(schema)
    full = read_json(SAMPLES.joinpath("team.json").read_text())
    assert list(validator.iter_errors(json.loads(write_json(full)))) == []
    organization = json.loads(matrix_io.ORGANIZATION_SCHEMA_PATH.read_text())
    Draft7Validator.check_schema(organization)
    backup = json.loads(matrix_io.write_organization_json("Acme", [full, full]))
    assert list(Draft7Validator(organization).iter_errors(backup)) == []
    for team in backup["teams"]:
        assert validator.is_valid(team)


@pytest.mark.parametrize(
    "doc",
    [
        {"version": 2},
        {"version": 1, "roles": [{"name": " "}]},
        {"version": 1, "activities": [{"name": "X", "letters": {"PO": 1}}]},
        {"version": 1, "roles": [{"name": "X", "acts_as": "boss"}]},
    ],
)
def test_the_schema_and_the_reader_refuse_the_same_documents(doc):
    from jsonschema import Draft7Validator

    assert not Draft7Validator(json.loads(matrix_io.SCHEMA_PATH.read_text())).is_valid(doc)
    with pytest.raises(MatrixFileError):
        read_json(json.dumps(doc))
