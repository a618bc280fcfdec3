"""`manage.py raci`: lint a matrix like code, or print the reference matrix.

    manage.py raci lint FILE [--format text|json] [--no-scrum]
                             [--stage startup|small|established] [--accountable-does-work]
    manage.py raci lint --team ORG_SLUG/TEAM_SLUG [--format text|json]
    manage.py raci reference [--format csv|json]

`lint` exits with 0 when no open finding is an error, 1 when one is, and 2
when the input cannot be read (the reason goes to stderr on one line).
Findings the team accepted (the JSON file's "accepted" list, or the team's
accepted findings) are reported apart and never fail the run.
"""

import json
import sys
from dataclasses import replace

from django.core.management.base import BaseCommand

from raci import rules
from raci.matrix_io import MAX_BYTES, MatrixFileError, read_matrix, write_csv, write_json
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
        lint.add_argument(
            "--stage",
            choices=[stage.value for stage in Stage],
            help="The company's stage or size: one person holding both product roles is "
            "common in a startup or smaller organization.",
        )
        lint.add_argument(
            "--accountable-does-work",
            action="store_true",
            help="The team's convention: the accountable also does the work unless someone "
            "else is R (an A needs no R beside it).",
        )
        reference = actions.add_parser("reference", help="Print the documented reference matrix.")
        reference.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args, **options):
        if options["action"] == "reference":
            matrix = rules.reference_matrix()
            writer = write_csv if options["format"] == "csv" else write_json
            self.stdout.write(writer(matrix), ending="")
            return
        try:
            label, matrix, thresholds = self._load(options)
        except MatrixFileError as error:
            self.stderr.write(f"raci lint: {error}")
            sys.exit(EXIT_UNREADABLE)
        findings = rules.analyse(matrix, thresholds)
        matches = rules.name_matches(matrix)
        if options["format"] == "json":
            document = findings_document(findings, matches)
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(findings_text(label, findings, matches, matrix.context))
        if any(finding.severity == Severity.ERROR for finding in rules.open_findings(findings)):
            sys.exit(EXIT_ERRORS)

    def _load(self, options) -> tuple[str, rules.Matrix, rules.Thresholds]:
        path, team_path = options["file"], options["team"]
        if bool(path) == bool(team_path):
            raise MatrixFileError("give either a FILE or --team ORG_SLUG/TEAM_SLUG.")
        if team_path:
            team = _team(team_path)
            label, matrix, thresholds = team_path, team.to_matrix(), team.thresholds()
        else:
            label, matrix, thresholds = path, _read_file(path), rules.Thresholds()
        if options["no_scrum"] or options["stage"] or options["accountable_does_work"]:
            # The flags override what the file or the team says about the context.
            context = matrix.context or rules.TeamContext()
            if options["no_scrum"]:
                context = replace(context, uses_scrum=False)
            if options["stage"]:
                context = replace(context, stage=Stage(options["stage"]))
            if options["accountable_does_work"]:
                context = replace(context, accountable_does_work=True)
            matrix = replace(matrix, context=context)
        return label, matrix, thresholds


def _read_file(path: str) -> rules.Matrix:
    try:
        with open(path, "rb") as file:
            # One byte over the limit is enough for the reader to refuse the file.
            data = file.read(MAX_BYTES + 1)
    except OSError as error:
        raise MatrixFileError(f"cannot read {path}: {error.strerror or error}.") from None
    try:
        return read_matrix(data, path)
    except MatrixFileError as error:
        raise MatrixFileError(f"{path}: {error}") from None


def _team(team_path: str) -> Team:
    org_slug, _, team_slug = team_path.partition("/")
    if not org_slug or not team_slug:
        raise MatrixFileError(f"--team expects ORG_SLUG/TEAM_SLUG, got '{team_path}'.")
    team = Team.objects.filter(organization__slug=org_slug, slug=team_slug).first()
    if team is None:
        raise MatrixFileError(f"no team '{team_slug}' in an organization '{org_slug}'.")
    return team


def summary(findings: list[rules.Finding]) -> dict[str, int]:
    """Open findings by severity, and how many were accepted."""
    open_ones = rules.open_findings(findings)
    counts = {severity.value: n for severity, n in rules.count_by_severity(open_ones).items()}
    return counts | {"accepted": len(findings) - len(open_ones)}


def source_document(source) -> dict:
    return {
        "seed": source.seed,
        "title": source.title,
        "part": source.part,
        "paraphrase": source.paraphrase,
    }


def reference_document(entry) -> dict | None:
    if entry is None:
        return None
    return {
        "key": entry.key,
        "name": entry.name,
        "disputed": entry.disputed,
        "dispute_note": entry.dispute_note,
        "sources": [source_document(source) for source in entry.sources],
    }


def acceptance_document(acceptance: rules.Acceptance | None) -> dict | None:
    if acceptance is None:
        return None
    return {
        "reason": acceptance.reason,
        "by": acceptance.by,
        "at": acceptance.at.isoformat() if acceptance.at else None,
    }


def finding_document(finding: rules.Finding) -> dict:
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "activity": finding.activity,
        "role": finding.role,
        "person": finding.person,
        "message": finding.message,
        "reference": reference_document(finding.reference),
        "matched_by_name": finding.matched_by_name,
        "sources": [source_document(source) for source in finding.sources],
        "suggestion": finding.suggestion,
        "accepted": acceptance_document(finding.accepted),
        "reopened": acceptance_document(finding.reopened),
    }


def findings_document(findings: list[rules.Finding], matches=()) -> dict:
    """Open findings, accepted ones apart, suggested keys for unkeyed rows, and counts."""
    return {
        "findings": [finding_document(f) for f in findings if f.accepted is None],
        "accepted": [finding_document(f) for f in findings if f.accepted is not None],
        "suggested_keys": [
            {"activity": activity.name, "key": entry.key, "entry": entry.name}
            for activity, entry in matches
        ],
        "summary": summary(findings),
    }


HEADINGS = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.INFO: "Info"}


def _count(count: int, severity: Severity) -> str:
    plural = count != 1 and severity != Severity.INFO
    return f"{count} {severity.value}{'s' if plural else ''}"


def _accepted_line(acceptance: rules.Acceptance) -> str:
    when = f" on {acceptance.at:%Y-%m-%d}" if acceptance.at else ""
    by = f" by {acceptance.by}" if acceptance.by else ""
    return f"accepted{by}{when}: {acceptance.reason}"


def findings_text(label, findings, matches=(), context=None) -> str:
    """Findings grouped by severity, like a linter, then the accepted ones and the
    suggested catalogue keys, ending with a summary line."""
    lines = [label, ""]
    if context is not None and context.accountable_does_work:
        lines += ["Convention: the accountable also does the work unless someone else is R.", ""]
    open_ones = rules.open_findings(findings)
    for severity in SEVERITY_ORDER:
        group = [finding for finding in open_ones if finding.severity == severity]
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
            if finding.reopened:
                lines.append(
                    f"    Reopened: it was {_accepted_line(finding.reopened)}; its letters "
                    "changed since."
                )
            if finding.reference:
                key = finding.reference.key
                lines.append(f"    Documented: {finding.reference.name} (key {key})")
            for source in finding.sources:
                lines.append(f"    Source: {source.title}, {source.part} [{source.seed}]")
        lines.append("")
    accepted = [finding for finding in findings if finding.accepted]
    if accepted:
        lines.append(f"Accepted ({len(accepted)})")
        for finding in accepted:
            where = finding.location or "Matrix"
            lines.append(f"  {where}  [{finding.rule}] {finding.message}")
            lines.append(f"    {_accepted_line(finding.accepted)}")
        lines.append("")
    if matches:
        lines.append(f"Rows without a catalogue key, matched by name ({len(matches)})")
        for activity, entry in matches:
            lines.append(f"  {activity.name}  suggested key: {entry.key} ({entry.name})")
        lines.append("")
    counts = summary(findings)
    line = ", ".join(_count(counts[severity], severity) for severity in SEVERITY_ORDER)
    if accepted:
        line += f"; {len(accepted)} accepted"
    lines.append(line + ".")
    return "\n".join(lines)
