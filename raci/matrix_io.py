"""Reading and writing matrix files: CSV and JSON over the engine's plain values.

CSV
---
UTF-8 (a byte-order mark and CRLF line ends are fine), one header row.
`Activity` is required; `Key` (a catalogue key) and `Category` are optional;
every other column is a role. Role headers are matched case-insensitively:
Product Manager / PM, Product Owner / PO, Scrum Master / SM, and Developers /
Developer / Dev / Development Team are the canonical roles; any other header
is a custom role. A cell holds letters in any case, with or without
separators ("A/R", "AR", "R, A", "A+R", " c "); blank means not involved.
A CSV file carries no team context and no people. Text that a spreadsheet
would run as a formula (starting with =, +, - or @) is written behind an
apostrophe, which the reader takes off again.

JSON, version 1
---------------
The full-fidelity format: the matrix plus the team context and the people::

    {
      "version": 1,
      "name": "Checkout team",                       // optional
      "context": {                                   // optional; absent = unknown
        "uses_scrum": true,                          // default true
        "stage": "established",                      // "startup", "small" or "established"
        "accountable_does_work": false               // default false: the team's convention
      },
      "roles": [                                     // the columns, in order
        {"name": "Product Owner", "acts_as": "po"},
        {"name": "Business Analyst", "acts_as": "po"},  // a custom role checked as PO
        {"name": "Legal", "acts_as": null},             // a plain custom role
        {"name": "PM"}                                  // no acts_as: read from the name
      ],
      "activities": [                                // the rows, in order
        {
          "name": "Backlog ordering",
          "key": "backlog-ordering",                 // catalogue key, optional
          "category": "backlog",                     // optional
          "letters": {"Product Owner": "AR", "Legal": "I"}   // role name -> letters
        }
      ],
      "people": [                                    // optional; absent = staffing unknown
        {"name": "Ana", "email": "ana@example.com", "title": "Lead", "roles": ["Product Owner"]}
      ],
      "accepted": [                                  // optional: findings the team accepted
        {
          "rule": "owner-mismatch",
          "activity": "Backlog ordering",            // activity name, or null
          "role": "Product Manager",                 // role name, or null
          "person": "Ana",                           // optional: for findings about a person
          "subject": "",                             // optional: tells apart findings of a
                                                     // rule naming none of the three
          "letters": "Backlog ordering / Product Manager: A; ...",
                                                     // the letters when accepted; null or
                                                     // absent: whatever they are
          "reason": "Our PM orders the backlog until we hire a PO.",
          "by": "maya",
          "at": "2026-05-04T09:30:00+00:00"          // ISO 8601, or null
        }
      ]
    }

`acts_as` is one of "pm", "po", "sm", "dev" or null (a plain custom role);
when it is left out, the name decides, with the same aliases as CSV headers.
The writer always spells it out. Role names
are unique (case-insensitively) and are how activities, people and accepted
findings refer to roles. Letters use the same spellings as CSV cells. An
accepted finding holds only while its letters are the same (the engine then
leaves it out of the open findings); `raci lint` reports it apart and does not
fail on it. Unknown top-level keys are ignored; an unknown version is refused.

Both readers raise `MatrixFileError` with a message for the user, naming the
row and column (CSV) or the place in the document (JSON).
"""

import csv
import functools
import io
import json
from datetime import datetime
from pathlib import Path

import fastjsonschema

from raci import layouts, tables
from raci.layouts import Reading, ReadOptions
from raci.rules import RULES_BY_ID, Acceptance, Activity, Matrix, Person, Role, TeamContext
from raci.tables import guard_formula
from raci.vocabulary import (
    CanonicalRole,
    Stage,
    fold,
    letters_to_text,
    parse_letters,
    role_kind_for_header,
)

MAX_BYTES = tables.MAX_BYTES
MAX_ACTIVITIES = layouts.MAX_ACTIVITIES
MAX_ROLES = layouts.MAX_ROLES
JSON_VERSION = 1
SCHEMA_PATH = Path(__file__).parent / "schemas" / "matrix.schema.json"

ACTIVITY, KEY, CATEGORY = "activity", "key", "category"
RESERVED_HEADERS = (ACTIVITY, KEY, CATEGORY)


class MatrixFileError(ValueError):
    """A matrix file that cannot be read; the message is meant for the user."""


def read_matrix(
    data: str | bytes, filename: str = "", options: ReadOptions | None = None
) -> Matrix:
    """The matrix in a file of any supported format (see `read_matrix_file`)."""
    return read_matrix_file(data, filename, options).matrix


def read_matrix_file(
    data: str | bytes,
    filename: str = "",
    options: ReadOptions | None = None,
    *,
    source: str = "the file",
) -> Reading:
    """The one reader behind `raci lint`, `raci import` and the browser import.

    JSON (ours) is read as the full-fidelity format; anything else (CSV,
    XLSX, XLS, ODS, Markdown, HTML) goes through the table reader, which
    reports its guesses. Raises MatrixFileError with a message for the user,
    which names what was read as `source` ("the pasted table").
    """
    if len(data) > MAX_BYTES:
        raise MatrixFileError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    if _is_json(data, filename):
        text = data if isinstance(data, str) else _decode_json(data)
        return Reading(matrix=read_json(text), file_kind="JSON", keys_in_file=True)
    try:
        document = tables.read_tables(data, filename, source=source)
        return layouts.read_document(document, options)
    except (tables.FileFormatError, layouts.LayoutError) as error:
        raise MatrixFileError(str(error)) from None


def read_csv(data: str | bytes, options: ReadOptions | None = None) -> Matrix:
    """A matrix from CSV text or bytes (any delimiter, our own layout or another)."""
    return read_matrix(data, "matrix.csv", options)


def _is_json(data: str | bytes, filename: str) -> bool:
    name = filename.lower()
    if name.endswith(".json"):
        return True
    if name.endswith((".csv", ".tsv", ".txt", ".md", ".markdown", ".html", ".htm")):
        return False
    head = data[:64].lstrip()
    return head.startswith(b"{" if isinstance(head, bytes) else "{") or head.startswith(
        b"\xef\xbb\xbf{" if isinstance(head, bytes) else "\ufeff{"
    )


def _decode_json(data: bytes) -> str:
    if b"\x00" in data:
        raise MatrixFileError("The file is not text (it contains NUL bytes).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MatrixFileError(
            f"The file is not UTF-8 text (undecodable byte at position {error.start}); "
            "JSON files are UTF-8."
        ) from None


# --- CSV -----------------------------------------------------------------------------------


def _check_csv_names(matrix: Matrix) -> None:
    for role in matrix.roles:
        if fold(role.name) in RESERVED_HEADERS:
            raise MatrixFileError(f"A role named '{role.name}' cannot be written as a CSV column.")


def write_csv(matrix: Matrix, *, excel: bool = False) -> str:
    """The matrix as CSV text (no context or people: use JSON for those).

    `excel` starts the text with a byte-order mark, so that Excel on Windows
    reads it as UTF-8 ("Zoë" stays "Zoë").
    """
    _check_csv_names(matrix)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if excel else "\n")
    writer.writerow(["Activity", "Key", "Category", *(guard_formula(r.name) for r in matrix.roles)])
    for activity in matrix.activities:
        writer.writerow(
            [
                guard_formula(activity.name),
                activity.catalogue_key or "",
                guard_formula(activity.category),
                *(letters_to_text(matrix.letters(activity.key, role.key)) for role in matrix.roles),
            ]
        )
    return ("\ufeff" if excel else "") + out.getvalue()


LONG_HEADER = ["Activity", "Category", "Role", "Person", "Letter"]


def write_long_csv(matrix: Matrix, *, excel: bool = False) -> str:
    """One line per letter per person (a role nobody holds: one line, no person), for
    pivot tables and BI tools. Reads back through the long layout."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if excel else "\n")
    writer.writerow(LONG_HEADER)
    holders: dict[str, list[str]] = {}
    for person in matrix.people or ():
        for role_key in person.role_keys:
            holders.setdefault(role_key, []).append(person.name)
    for activity in matrix.activities:
        for role in matrix.roles:
            for letter in letters_to_text(matrix.letters(activity.key, role.key)):
                for person in holders.get(role.key) or [""]:
                    writer.writerow(
                        [
                            guard_formula(activity.name),
                            guard_formula(activity.category),
                            guard_formula(role.name),
                            guard_formula(person),
                            letter,
                        ]
                    )
    return ("\ufeff" if excel else "") + out.getvalue()


# --- JSON ----------------------------------------------------------------------------------


def write_json(matrix: Matrix) -> str:
    """The matrix as version-1 JSON text, context and people included when known."""
    document: dict = {"version": JSON_VERSION}
    if matrix.name:
        document["name"] = matrix.name
    if matrix.context is not None:
        document["context"] = {
            "uses_scrum": matrix.context.uses_scrum,
            "stage": matrix.context.stage.value,
            "accountable_does_work": matrix.context.accountable_does_work,
        }
    document["roles"] = [
        {"name": role.name, "acts_as": role.kind.value if role.kind else None}
        for role in matrix.roles
    ]
    document["activities"] = [
        _activity_document(matrix, activity) for activity in matrix.activities
    ]
    if matrix.people is not None:
        role_names = {role.key: role.name for role in matrix.roles}
        document["people"] = [
            {
                "name": person.name,
                "email": person.email,
                "title": person.title,
                "roles": [
                    role_names[role.key] for role in matrix.roles if role.key in person.role_keys
                ],
            }
            for person in matrix.people
        ]
    if matrix.accepted:
        document["accepted"] = [
            _acceptance_document(matrix, acceptance) for acceptance in matrix.accepted
        ]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _acceptance_document(matrix: Matrix, acceptance: Acceptance) -> dict:
    activities = {activity.key: activity.name for activity in matrix.activities}
    roles = {role.key: role.name for role in matrix.roles}
    people = {person.key: person.name for person in matrix.people or ()}
    document = {
        "rule": acceptance.rule,
        "activity": activities.get(acceptance.activity_key),
        "role": roles.get(acceptance.role_key),
    }
    if acceptance.person_key:
        document["person"] = people.get(acceptance.person_key)
    if acceptance.subject:
        document["subject"] = acceptance.subject
    return document | {
        "letters": acceptance.letters,
        "reason": acceptance.reason,
        "by": acceptance.by,
        "at": acceptance.at.isoformat() if acceptance.at else None,
    }


def _activity_document(matrix: Matrix, activity: Activity) -> dict:
    letters = {
        role.name: letters_to_text(matrix.letters(activity.key, role.key)) for role in matrix.roles
    }
    return {
        "name": activity.name,
        "key": activity.catalogue_key,
        "category": activity.category,
        "letters": {name: text for name, text in letters.items() if text},
    }


def read_json(data: str | bytes) -> Matrix:
    """A matrix from version-1 JSON text or bytes; raises MatrixFileError."""
    return read_json_document(load_json(data))


def load_json(data: str | bytes):
    """The decoded JSON value of a file; raises MatrixFileError."""
    if len(data) > MAX_BYTES:
        raise MatrixFileError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    text = data if isinstance(data, str) else _decode_json(data)
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise MatrixFileError("The file is empty.")
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        if isinstance(error, RecursionError):
            raise MatrixFileError("Not valid JSON: nested too deeply.") from None
        raise MatrixFileError(
            f"Not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from None


def read_json_document(document) -> Matrix:
    """A matrix from a decoded version-1 document: the published JSON Schema checks its
    shape, then the reader what a schema cannot say (names unique and referred to)."""
    if not isinstance(document, dict):
        raise MatrixFileError("The JSON document must be an object with a 'version'.")
    schema_check(document)
    return _JsonReader().read(document)


@functools.cache
def _validator():
    return fastjsonschema.compile(json.loads(SCHEMA_PATH.read_text()))


def schema_check(document) -> None:
    """Raise MatrixFileError, naming the place, where the document breaks the schema."""
    try:
        _validator()(document)
    except fastjsonschema.JsonSchemaValueException as error:
        raise MatrixFileError(_schema_message(error)) from None


def _schema_message(error) -> str:
    parts, previous = [], ""
    for part in error.path[1:]:
        if isinstance(part, int) or str(part).isdigit():
            parts.append(f"[{part}]")
        elif previous == "letters":
            parts.append(f"['{part}']")
        else:
            parts.append(f".{part}")
        previous = str(part)
    path = "".join(parts).lstrip(".")
    rule, value, found = error.rule, error.rule_definition, json.dumps(error.value)
    if rule == "required":
        missing = next(name for name in value if name not in error.value)
        if missing == "version":
            return f"version: expected {JSON_VERSION}, found null."
        if missing == "name":
            return f"{path}.name: must not be empty."
        return f"{path + '.' if path else ''}{missing}: is missing."
    if path == "version" or rule == "const":
        return (
            f"version: expected {JSON_VERSION}, found {found}; this app reads version "
            f"{JSON_VERSION} files."
        )
    if rule == "type":
        expected = value if isinstance(value, str) else value[0]
        wanted = {
            "object": "expected an object.",
            "array": "expected a list.",
            "boolean": "expected true or false.",
            "string": f"expected text, found {found}.",
        }.get(expected, f"expected {expected}, found {found}.")
        if (path.startswith("activities") and ".letters[" in path) or ".letters['" in path:
            wanted = 'expected text like "AR".'
        return f"{path}: {wanted}"
    if rule in ("pattern", "minLength"):
        return f"{path}: must not be empty."
    if rule == "maxLength":
        return f"{path}: longer than {value} characters."
    if rule == "enum":
        choices = [json.dumps(choice) for choice in value]
        return f"{path}: expected {', '.join(choices[:-1])} or {choices[-1]}, found {found}."
    if rule == "maxItems":
        return f"{path}: more than {value} {path.rsplit('.', 1)[-1]}."
    return f"{path}: {error.message}"


class _JsonReader:
    """Validates a decoded document; every error names the place it was found."""

    def read(self, document) -> Matrix:
        if not isinstance(document, dict):
            raise MatrixFileError("The JSON document must be an object with a 'version'.")
        version = document.get("version")
        if version != JSON_VERSION or isinstance(version, bool):
            raise MatrixFileError(
                f"version: expected {JSON_VERSION}, found {json.dumps(version)}; this app "
                f"reads version {JSON_VERSION} files."
            )
        name = self._string(document, "name", "name")
        context = self._context(document["context"]) if "context" in document else None
        roles = self._roles(self._list(document, "roles"))
        by_name = {fold(role.name): role for role in roles}
        raw_activities = self._list(document, "activities")
        if len(raw_activities) > MAX_ACTIVITIES:
            raise MatrixFileError(f"activities: more than {MAX_ACTIVITIES} activities.")
        activities, cells = [], {}
        for index, raw in enumerate(raw_activities):
            activities.append(self._activity(index, raw, by_name, cells))
        people = None
        if "people" in document:
            people = tuple(
                self._person(index, raw, by_name)
                for index, raw in enumerate(self._list(document, "people"))
            )
        lookups = {
            "activity": _first_by_name(activities),
            "role": {fold(role.name): role.key for role in roles},
            "person": _first_by_name(people or ()),
        }
        accepted = tuple(
            self._acceptance(index, raw, lookups)
            for index, raw in enumerate(self._list(document, "accepted"))
        )
        return Matrix(
            activities=tuple(activities),
            roles=roles,
            cells=cells,
            context=context,
            people=people,
            name=name,
            accepted=accepted,
        )

    def _object(self, value, where: str) -> dict:
        if not isinstance(value, dict):
            raise MatrixFileError(f"{where}: expected an object.")
        return value

    def _list(self, document: dict, key: str, where: str | None = None) -> list:
        value = document.get(key, [])
        if not isinstance(value, list):
            raise MatrixFileError(f"{where or key}: expected a list.")
        return value

    def _string(self, document: dict, key: str, where: str, *, required=False) -> str:
        value = document.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise MatrixFileError(f"{where}: expected text, found {json.dumps(value)}.")
        value = value.strip()
        if required and not value:
            raise MatrixFileError(f"{where}: must not be empty.")
        return value

    def _context(self, raw) -> TeamContext:
        raw = self._object(raw, "context")
        uses_scrum = raw.get("uses_scrum", True)
        if not isinstance(uses_scrum, bool):
            raise MatrixFileError("context.uses_scrum: expected true or false.")
        stage = raw.get("stage", Stage.ESTABLISHED.value)
        if not isinstance(stage, str) or stage not in {stage.value for stage in Stage}:
            choices = ", ".join(f'"{stage.value}"' for stage in Stage)
            raise MatrixFileError(
                f"context.stage: expected one of {choices}, found {json.dumps(stage)}."
            )
        convention = raw.get("accountable_does_work", False)
        if not isinstance(convention, bool):
            raise MatrixFileError("context.accountable_does_work: expected true or false.")
        return TeamContext(
            uses_scrum=uses_scrum, stage=Stage(stage), accountable_does_work=convention
        )

    def _roles(self, raw_roles: list) -> tuple[Role, ...]:
        if len(raw_roles) > MAX_ROLES:
            raise MatrixFileError(f"roles: more than {MAX_ROLES} roles.")
        roles, seen = [], set()
        for index, raw in enumerate(raw_roles):
            where = f"roles[{index}]"
            raw = self._object(raw, where)
            name = self._string(raw, "name", f"{where}.name", required=True)
            if fold(name) in seen:
                raise MatrixFileError(f"{where}.name: a role named '{name}' appears twice.")
            seen.add(fold(name))
            if "acts_as" in raw:
                kind = self._acts_as(raw["acts_as"], f"{where}.acts_as")
            else:
                kind = role_kind_for_header(name)
            roles.append(Role(key=name, name=name, kind=kind))
        return tuple(roles)

    def _acts_as(self, value, where: str) -> CanonicalRole | None:
        if value is None:
            return None
        if not isinstance(value, str) or value not in {kind.value for kind in CanonicalRole}:
            choices = ", ".join(f'"{kind.value}"' for kind in CanonicalRole)
            raise MatrixFileError(
                f"{where}: expected {choices} or null, found {json.dumps(value)}."
            )
        return CanonicalRole(value)

    def _activity(self, index: int, raw, by_name: dict, cells: dict) -> Activity:
        where = f"activities[{index}]"
        raw = self._object(raw, where)
        key = str(index + 1)
        letters = self._object(raw.get("letters", {}), f"{where}.letters")
        for role_name, text in letters.items():
            role = by_name.get(fold(role_name))
            if role is None:
                raise MatrixFileError(f"{where}.letters: '{role_name}' is not one of the roles.")
            if not isinstance(text, str):
                raise MatrixFileError(f"{where}.letters['{role_name}']: expected text like \"AR\".")
            try:
                parsed = parse_letters(text)
            except ValueError as error:
                raise MatrixFileError(f"{where}.letters['{role_name}']: {error}.") from None
            if parsed:
                cells[(key, role.key)] = parsed
        return Activity(
            key=key,
            name=self._string(raw, "name", f"{where}.name", required=True),
            category=self._string(raw, "category", f"{where}.category"),
            catalogue_key=self._string(raw, "key", f"{where}.key").lower() or None,
        )

    def _person(self, index: int, raw, by_name: dict) -> Person:
        where = f"people[{index}]"
        raw = self._object(raw, where)
        role_keys = set()
        for role_name in self._list(raw, "roles", f"{where}.roles"):
            role = by_name.get(fold(role_name)) if isinstance(role_name, str) else None
            if role is None:
                raise MatrixFileError(
                    f"{where}.roles: {json.dumps(role_name)} is not one of the roles."
                )
            role_keys.add(role.key)
        return Person(
            key=str(index + 1),
            name=self._string(raw, "name", f"{where}.name", required=True),
            email=self._string(raw, "email", f"{where}.email"),
            title=self._string(raw, "title", f"{where}.title"),
            role_keys=frozenset(role_keys),
        )

    def _acceptance(self, index: int, raw, lookups: dict) -> Acceptance:
        where = f"accepted[{index}]"
        raw = self._object(raw, where)
        rule = self._string(raw, "rule", f"{where}.rule", required=True)
        if rule not in RULES_BY_ID:
            raise MatrixFileError(f"{where}.rule: '{rule}' is not a rule of this app.")
        keys = {}
        for field, plural in (("activity", "activities"), ("role", "roles"), ("person", "people")):
            name = self._string(raw, field, f"{where}.{field}")
            key = lookups[field].get(fold(name)) if name else None
            if name and key is None:
                raise MatrixFileError(f"{where}.{field}: '{name}' is not one of the {plural}.")
            keys[field] = key
        letters = raw.get("letters")
        if letters is not None and not isinstance(letters, str):
            raise MatrixFileError(f"{where}.letters: expected text or null.")
        at = self._string(raw, "at", f"{where}.at")
        try:
            when = datetime.fromisoformat(at) if at else None
        except ValueError:
            raise MatrixFileError(
                f'{where}.at: expected a date and time like "2026-05-04T09:30:00+00:00".'
            ) from None
        return Acceptance(
            rule=rule,
            activity_key=keys["activity"],
            role_key=keys["role"],
            person_key=keys["person"],
            subject=self._string(raw, "subject", f"{where}.subject"),
            letters=letters,
            reason=self._string(raw, "reason", f"{where}.reason", required=True),
            by=self._string(raw, "by", f"{where}.by"),
            at=when,
        )


def _first_by_name(items) -> dict[str, str]:
    """Folded name -> key, the first item winning when two share a name."""
    keys: dict[str, str] = {}
    for item in items:
        keys.setdefault(fold(item.name), item.key)
    return keys


# --- Organization backup -------------------------------------------------------------------

ORGANIZATION_SCHEMA_PATH = Path(__file__).parent / "schemas" / "organization.schema.json"


def write_organization_json(name: str, matrices: list[Matrix]) -> str:
    """Every team of an organization in one file: a backup that imports back."""
    document = {
        "version": JSON_VERSION,
        "organization": name,
        "teams": [json.loads(write_json(matrix)) for matrix in matrices],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def is_organization_document(document) -> bool:
    return isinstance(document, dict) and "teams" in document and "activities" not in document


def read_organization_document(document) -> list[Matrix]:
    """The teams of an organization backup; an error names the team it is in."""
    try:
        _organization_validator()(document)
    except fastjsonschema.JsonSchemaValueException as error:
        raise MatrixFileError(_schema_message(error)) from None
    matrices = []
    for index, team in enumerate(document["teams"]):
        try:
            matrices.append(read_json_document(team))
        except MatrixFileError as error:
            raise MatrixFileError(f"teams[{index}]: {error}") from None
    return matrices


@functools.cache
def _organization_validator():
    return fastjsonschema.compile(json.loads(ORGANIZATION_SCHEMA_PATH.read_text()))
