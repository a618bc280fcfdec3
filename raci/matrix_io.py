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
import io
import json
from datetime import datetime

from raci.rules import RULES_BY_ID, Acceptance, Activity, Matrix, Person, Role, TeamContext
from raci.vocabulary import CanonicalRole, Letter, Stage, letters_to_text

MAX_BYTES = 5 * 1024 * 1024
MAX_ACTIVITIES = 5000
MAX_ROLES = 200
JSON_VERSION = 1

ROLE_ALIASES = {
    "product manager": CanonicalRole.PRODUCT_MANAGER,
    "pm": CanonicalRole.PRODUCT_MANAGER,
    "product owner": CanonicalRole.PRODUCT_OWNER,
    "po": CanonicalRole.PRODUCT_OWNER,
    "scrum master": CanonicalRole.SCRUM_MASTER,
    "sm": CanonicalRole.SCRUM_MASTER,
    "developers": CanonicalRole.DEVELOPERS,
    "developer": CanonicalRole.DEVELOPERS,
    "dev": CanonicalRole.DEVELOPERS,
    "development team": CanonicalRole.DEVELOPERS,
}
ACTIVITY, KEY, CATEGORY = "activity", "key", "category"
RESERVED_HEADERS = (ACTIVITY, KEY, CATEGORY)
LETTER_SEPARATORS = "/,+;"
# In RACI order, the way people say it: "use R, A, C or I".
LETTER_HELP = "use " + ", ".join(letter.value for letter in list(Letter)[:-1])
LETTER_HELP += f" or {list(Letter)[-1].value}"


class MatrixFileError(ValueError):
    """A matrix file that cannot be read; the message is meant for the user."""


def role_kind_for_header(header: str) -> CanonicalRole | None:
    """The canonical role a CSV header names, or None for a custom role."""
    return ROLE_ALIASES.get(_fold(header))


def parse_letters(text: str) -> frozenset[Letter]:
    """Letters from a cell in any accepted spelling; ValueError names the first bad one."""
    letters = set()
    for char in text.upper():
        if char.isspace() or char in LETTER_SEPARATORS:
            continue
        try:
            letters.add(Letter(char))
        except ValueError:
            raise ValueError(f"unknown letter '{char}' ({LETTER_HELP})") from None
    return frozenset(letters)


def _fold(text: str) -> str:
    return " ".join(text.split()).lower()


def _decode(data: str | bytes) -> str:
    if len(data) > MAX_BYTES:
        raise MatrixFileError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    if isinstance(data, bytes):
        if data.startswith(b"PK\x03\x04"):
            raise MatrixFileError(
                "This looks like a spreadsheet (.xlsx), not a CSV or JSON file: save it as "
                "CSV UTF-8 first."
            )
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise MatrixFileError(
                f"The file is not UTF-8 text (undecodable byte at position {error.start}); "
                "save it with the UTF-8 encoding."
            ) from None
    if "\x00" in data:
        raise MatrixFileError("The file is not text (it contains NUL bytes).")
    return data.removeprefix("\ufeff")


# --- CSV -----------------------------------------------------------------------------------


def read_csv(data: str | bytes) -> Matrix:
    """A matrix from CSV text or bytes; raises MatrixFileError."""
    text = _decode(data)
    if not text.strip():
        raise MatrixFileError("The file is empty.")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
        columns = _read_header(header)
        activities, cells = [], {}
        for row_number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue  # Spreadsheets leave blank lines; they mean nothing.
            if len(activities) == MAX_ACTIVITIES:
                raise MatrixFileError(f"The file has more than {MAX_ACTIVITIES} activities.")
            activity = _read_row(row_number, row, header, columns, cells)
            activities.append(activity)
    except csv.Error as error:
        raise MatrixFileError(f"Row {reader.line_num}: the CSV is malformed ({error}).") from None
    if not activities:
        raise MatrixFileError("The file has a header row but no activities.")
    roles = tuple(role for role in columns.values() if isinstance(role, Role))
    return Matrix(activities=tuple(activities), roles=roles, cells=cells)


def _read_header(header: list[str]) -> dict[int, str | Role]:
    """Map each column position to "activity", "key", "category" or a Role."""
    columns: dict[int, str | Role] = {}
    seen: dict[str, str] = {}  # folded header or canonical kind -> header as written
    for position, raw in enumerate(header):
        name = _unguard(raw.strip())
        if not name:
            continue  # A nameless column must stay empty; the rows check that.
        folded = _fold(name)
        kind = ROLE_ALIASES.get(folded)
        identity = kind.value if kind else folded
        if identity in seen:
            what = f"are both the {kind.label}" if kind else "have the same name"
            raise MatrixFileError(
                f"Row 1: columns '{seen[identity]}' and '{name}' {what}; keep one."
            )
        seen[identity] = name
        if folded in RESERVED_HEADERS:
            columns[position] = folded
        else:
            columns[position] = Role(key=name, name=name, kind=kind)
    if ACTIVITY not in columns.values():
        hint = ""
        if len(header) == 1 and ";" in header[0]:
            hint = " The file seems to use ';' between columns: save it with commas."
        raise MatrixFileError("Row 1: there is no 'Activity' column." + hint)
    role_count = sum(isinstance(column, Role) for column in columns.values())
    if role_count == 0:
        raise MatrixFileError("Row 1: there are no role columns after 'Activity'.")
    if role_count > MAX_ROLES:
        raise MatrixFileError(f"Row 1: there are more than {MAX_ROLES} role columns.")
    return columns


def _read_row(row_number, row, header, columns, cells) -> Activity:
    values = {ACTIVITY: "", KEY: "", CATEGORY: ""}
    activity_key = str(row_number)
    for position, raw in enumerate(row):
        value = raw.strip()
        column = columns.get(position)
        if column is None:
            if value:
                label = (
                    f"column {position + 1}"
                    if position >= len(header)
                    else f"column {position + 1} (no header)"
                )
                raise MatrixFileError(
                    f"Row {row_number}, {label}: '{value}' is in a column without a header."
                )
        elif isinstance(column, Role):
            try:
                letters = parse_letters(value)
            except ValueError as error:
                raise MatrixFileError(
                    f"Row {row_number}, column '{column.name}': {error}."
                ) from None
            if letters:
                cells[(activity_key, column.key)] = letters
        else:
            values[column] = _unguard(value)
    if not values[ACTIVITY]:
        raise MatrixFileError(f"Row {row_number}, column 'Activity': the activity has no name.")
    return Activity(
        key=activity_key,
        name=values[ACTIVITY],
        category=values[CATEGORY],
        catalogue_key=values[KEY].lower() or None,
    )


# A spreadsheet runs a cell that starts with one of these as a formula, so a
# name such as "=HYPERLINK(...)" would turn an export into an attack. Such
# text is written behind an apostrophe, which spreadsheets hide and the reader
# takes off again.
FORMULA_STARTS = ("=", "+", "-", "@")


def _needs_guard(text: str) -> bool:
    return text.startswith(FORMULA_STARTS) or (text.startswith("'") and _needs_guard(text[1:]))


def _guard(text: str) -> str:
    return "'" + text if _needs_guard(text) else text


def _unguard(text: str) -> str:
    return text[1:] if text.startswith("'") and _needs_guard(text[1:]) else text


def write_csv(matrix: Matrix) -> str:
    """The matrix as CSV text (no context or people: use JSON for those)."""
    names = [role.name for role in matrix.roles]
    for name in names:
        if _fold(name) in RESERVED_HEADERS:
            raise MatrixFileError(f"A role named '{name}' cannot be written as a CSV column.")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Activity", "Key", "Category", *map(_guard, names)])
    for activity in matrix.activities:
        writer.writerow(
            [
                _guard(activity.name),
                activity.catalogue_key or "",
                _guard(activity.category),
                *(letters_to_text(matrix.letters(activity.key, role.key)) for role in matrix.roles),
            ]
        )
    return out.getvalue()


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
    text = _decode(data)
    if not text.strip():
        raise MatrixFileError("The file is empty.")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise MatrixFileError(
            f"Not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from None
    return _JsonReader().read(document)


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
        by_name = {_fold(role.name): role for role in roles}
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
            "role": {_fold(role.name): role.key for role in roles},
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
            if _fold(name) in seen:
                raise MatrixFileError(f"{where}.name: a role named '{name}' appears twice.")
            seen.add(_fold(name))
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
            role = by_name.get(_fold(role_name))
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
            role = by_name.get(_fold(role_name)) if isinstance(role_name, str) else None
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
            key = lookups[field].get(_fold(name)) if name else None
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
        keys.setdefault(_fold(item.name), item.key)
    return keys


def read_matrix(data: str | bytes, filename: str = "") -> Matrix:
    """Read CSV or JSON, chosen by the file name, or by the content when the name says nothing."""
    text = _decode(data)
    name = filename.lower()
    if name.endswith(".json") or (not name.endswith(".csv") and text.lstrip().startswith("{")):
        return read_json(text)
    return read_csv(text)
