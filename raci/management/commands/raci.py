"""`manage.py raci`: lint a matrix like code, or print the reference matrix.

    manage.py raci lint FILE [--format text|json] [--no-scrum] [--stage startup|established]
                       [--table N] [--layout rows|columns|inverted|long]
                       [--activity-column NAME] [--role HEADER=pm|po|sm|dev|custom]
                       [--no-sections]
    manage.py raci lint --team ORG_SLUG/TEAM_SLUG [--format text|json]
    manage.py raci reference [--format csv|json]

A file may be CSV, XLSX, XLS, ODS, Markdown, HTML or JSON; what the reader
had to guess (which table, which layout, what "PM" means) is printed before
the findings, and the flags above override it.

`lint` exits with 0 when no finding is an error, 1 when one is, and 2 when the
input cannot be read (the reason goes to stderr on one line).
"""

import json
import sys
from dataclasses import replace

from django.core.management.base import BaseCommand

from raci import rules
from raci.layouts import LAYOUTS, ReadOptions
from raci.matrix_io import (
    MAX_BYTES,
    MatrixFileError,
    read_matrix_file,
    write_csv,
    write_json,
)
from raci.models import Team
from raci.vocabulary import SEVERITY_ORDER, Severity, Stage

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


class Command(BaseCommand):
    help = "Lint a RACI matrix (a CSV or JSON file, or a team) or print the reference matrix."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        lint = actions.add_parser("lint", help="Check a matrix and report findings.")
        lint.add_argument("file", nargs="?", help="A matrix file, .csv or .json.")
        lint.add_argument("--team", metavar="ORG_SLUG/TEAM_SLUG", help="Lint a saved team.")
        lint.add_argument("--format", choices=["text", "json"], default="text")
        lint.add_argument("--no-scrum", action="store_true", help="The team does not use Scrum.")
        lint.add_argument("--stage", choices=[stage.value for stage in Stage])
        add_reading_arguments(lint)
        reference = actions.add_parser("reference", help="Print the documented reference matrix.")
        reference.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args, **options):
        if options["action"] == "reference":
            matrix = rules.reference_matrix()
            writer = write_csv if options["format"] == "csv" else write_json
            self.stdout.write(writer(matrix), ending="")
            return
        try:
            label, matrix, thresholds, guesses = self._load(options)
        except MatrixFileError as error:
            self.stderr.write(f"raci lint: {error}")
            sys.exit(EXIT_UNREADABLE)
        findings = rules.analyse(matrix, thresholds)
        if options["format"] == "json":
            document = findings_document(findings)
            document["guesses"] = [guess_document(guess) for guess in guesses]
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(findings_text(label, findings, guesses))
        if any(finding.severity == Severity.ERROR for finding in findings):
            sys.exit(EXIT_ERRORS)

    def _load(self, options):
        path, team_path = options["file"], options["team"]
        if bool(path) == bool(team_path):
            raise MatrixFileError("give either a FILE or --team ORG_SLUG/TEAM_SLUG.")
        guesses = ()
        if team_path:
            team = _team(team_path)
            label, matrix, thresholds = team_path, team.to_matrix(), team.thresholds()
        else:
            reading = read_file(path, reading_options(options))
            label, matrix, thresholds = path, reading.matrix, rules.Thresholds()
            guesses = reading.guesses
        if options["no_scrum"] or options["stage"]:
            # The flags override what the file or the team says about the context.
            context = matrix.context or rules.TeamContext()
            if options["no_scrum"]:
                context = replace(context, uses_scrum=False)
            if options["stage"]:
                context = replace(context, stage=Stage(options["stage"]))
            matrix = replace(matrix, context=context)
        return label, matrix, thresholds, guesses


def add_reading_arguments(parser) -> None:
    """The flags that override the reader's guesses (lint and import share them)."""
    parser.add_argument("--table", type=int, metavar="N", help="Read the N-th table of the file.")
    parser.add_argument("--layout", choices=list(LAYOUTS), help="How the table is laid out.")
    parser.add_argument(
        "--activity-column", metavar="NAME", help="The column (header or number) of activities."
    )
    parser.add_argument(
        "--role",
        action="append",
        default=[],
        metavar="HEADER=KIND",
        help="What a role header means: pm, po, sm, dev or custom (e.g. --role PM=custom).",
    )
    parser.add_argument(
        "--no-sections",
        action="store_true",
        help="Rows without letters are activities, not section headings.",
    )


def reading_options(options) -> ReadOptions:
    roles = {}
    for item in options.get("role") or []:
        header, _, kind = item.rpartition("=")
        if not header:
            raise MatrixFileError(f"--role expects HEADER=KIND, got '{item}'.")
        roles[" ".join(header.split()).lower()] = kind.strip().lower()
    return ReadOptions(
        table=options.get("table"),
        layout=options.get("layout"),
        activity_column=options.get("activity_column"),
        roles=roles,
        sections=not options.get("no_sections"),
    )


def read_file(path: str, options: ReadOptions | None = None):
    """The reading of a matrix file from disk, refused past the size limit without
    reading further."""
    try:
        with open(path, "rb") as file:
            # One byte over the limit is enough for the reader to refuse the file.
            data = file.read(MAX_BYTES + 1)
    except OSError as error:
        raise MatrixFileError(f"cannot read {path}: {error.strerror or error}.") from None
    try:
        return read_matrix_file(data, path, options)
    except MatrixFileError as error:
        raise MatrixFileError(f"{path}: {error}") from None


def guess_document(guess) -> dict:
    return {"topic": guess.topic, "message": guess.message, "ask": guess.ask}


def _team(team_path: str) -> Team:
    org_slug, _, team_slug = team_path.partition("/")
    if not org_slug or not team_slug:
        raise MatrixFileError(f"--team expects ORG_SLUG/TEAM_SLUG, got '{team_path}'.")
    team = Team.objects.filter(organization__slug=org_slug, slug=team_slug).first()
    if team is None:
        raise MatrixFileError(f"no team '{team_slug}' in an organization '{org_slug}'.")
    return team


def summary(findings: list[rules.Finding]) -> dict[str, int]:
    return {severity.value: n for severity, n in rules.count_by_severity(findings).items()}


def reference_document(entry) -> dict | None:
    if entry is None:
        return None
    return {
        "key": entry.key,
        "name": entry.name,
        "disputed": entry.disputed,
        "dispute_note": entry.dispute_note,
        "sources": [
            {"seed": source.seed, "part": source.part, "paraphrase": source.paraphrase}
            for source in entry.sources
        ],
    }


def findings_document(findings: list[rules.Finding]) -> dict:
    return {
        "findings": [
            {
                "rule": finding.rule,
                "severity": finding.severity.value,
                "activity": finding.activity,
                "role": finding.role,
                "person": finding.person,
                "message": finding.message,
                "reference": reference_document(finding.reference),
                "suggestion": finding.suggestion,
            }
            for finding in findings
        ],
        "summary": summary(findings),
    }


HEADINGS = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.INFO: "Info"}


def _count(count: int, severity: Severity) -> str:
    plural = count != 1 and severity != Severity.INFO
    return f"{count} {severity.value}{'s' if plural else ''}"


def findings_text(label: str, findings: list[rules.Finding], guesses=()) -> str:
    """Findings grouped by severity, like a linter, ending with a summary line; what the
    reader guessed comes first, so that a wrong guess is seen before its findings."""
    lines = [label, ""]
    if guesses:
        lines.append("Read as")
        for guess in guesses:
            lines.append(f"  {'? ' if guess.ask else ''}{guess.message}")
        lines.append("")
    for severity in SEVERITY_ORDER:
        group = [finding for finding in findings if finding.severity == severity]
        if not group:
            continue
        lines.append(f"{HEADINGS[severity]} ({len(group)})")
        for finding in group:
            where = finding.location or "Matrix"
            if severity == Severity.INFO:
                # Info is context, not a defect: one line each keeps the problems in view.
                lines.append(f"  {where}  [{finding.rule}] {finding.message}")
                continue
            lines.append(f"  {where}  [{finding.rule}]")
            lines.append(f"    {finding.message}")
            if finding.suggestion:
                lines.append(f"    Suggestion: {finding.suggestion}")
            if finding.reference:
                seeds = dict.fromkeys(source.seed for source in finding.reference.sources)
                lines.append(f"    Documented ({finding.reference.key}): {', '.join(seeds)}")
        lines.append("")
    counts = summary(findings)
    lines.append(", ".join(_count(counts[severity], severity) for severity in SEVERITY_ORDER) + ".")
    return "\n".join(lines)
