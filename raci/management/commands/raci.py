"""`manage.py raci`: lint a matrix like code, or print the reference matrix.

    manage.py raci lint FILE [--format text|json] [--no-scrum]
                             [--stage startup|small|established] [--accountable-does-work]
                             [--table N] [--layout rows|columns|inverted|long]
                             [--activity-column NAME] [--role HEADER=KIND]
                             [--no-sections]
    manage.py raci lint --team ORG_SLUG/TEAM_SLUG [--format text|json]
    manage.py raci reference [--format csv|json]
    manage.py raci export ORG_SLUG/TEAM_SLUG --format FORMAT [-o FILE]
    manage.py raci export ORG_SLUG --format xlsx|json [-o FILE]
    manage.py raci import FILE ORG_SLUG/TEAM_SLUG [--create] [--dry-run] [reading flags]
    manage.py raci import BACKUP.json ORG_SLUG [--dry-run]
    manage.py raci purge-trash
    manage.py raci bench [--database-url URL] [--runs N] [--json FILE]
    manage.py raci loadtest [--database-url URL] [--seconds N] [--pause SECONDS]

A file may be CSV, XLSX, XLS, ODS, Markdown, HTML or JSON; what the reader
had to guess (which table, which layout, what "PM" means) is printed before
the findings, and the flags above override it.

`lint` and `import` exit with 0 when no open finding (of the result) is an
error, 1 when one is, and 2 when the input cannot be read or written (the
reason goes to stderr on one line). Findings the team accepted (the JSON
file's "accepted" list, or the team's accepted findings) are reported apart
and never fail the run.
"""

import json
import sys
from dataclasses import replace

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from raci import rules, services
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
        add_reading_arguments(lint)
        reference = actions.add_parser("reference", help="Print the documented reference matrix.")
        reference.add_argument("--format", choices=["csv", "json"], default="csv")
        add_export_parser(actions)
        add_import_parser(actions)
        database_help = (
            "A PostgreSQL database to create for the run and drop afterwards "
            "(default: a temporary SQLite file)."
        )
        actions.add_parser(
            "purge-trash",
            help="Delete for good the teams in the trash for more than 30 days (run daily).",
        )
        bench = actions.add_parser("bench", help="Time the app from outside, under gunicorn.")
        bench.add_argument("--database-url", help=database_help)
        bench.add_argument("--runs", type=int, default=15, help="Interleaved rounds.")
        bench.add_argument("--json", metavar="FILE", help="Also write the table as JSON.")
        load = actions.add_parser("loadtest", help="Sixteen editors at once, with locust.")
        load.add_argument("--database-url", help=database_help)
        load.add_argument("--seconds", type=int, default=60)
        load.add_argument(
            "--pause",
            type=float,
            default=0,
            help="Mean seconds each editor waits between requests (0: none, the saturation test).",
        )

    def handle(self, *args, **options):
        if options["action"] in ("bench", "loadtest"):
            return self._measure(options)
        if options["action"] == "export":
            return handle_export(self, options)
        if options["action"] == "purge-trash":
            purged = services.trash_purge()
            self.stdout.write(f"Deleted {purged} team{'' if purged == 1 else 's'} for good.")
            return
        if options["action"] == "import":
            return handle_import(self, options)
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
        matches = rules.name_matches(matrix)
        if options["format"] == "json":
            document = findings_document(findings, matches)
            document["guesses"] = [guess_document(guess) for guess in guesses]
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(findings_text(label, findings, matches, matrix.context, guesses))
        if any(finding.severity == Severity.ERROR for finding in rules.open_findings(findings)):
            sys.exit(EXIT_ERRORS)

    def _measure(self, options):
        # Imported here: the bench needs gunicorn and requests, lint does not.
        from raci import bench

        try:
            self._run_measure(bench, options)
        except bench.BenchSetupError as error:
            raise CommandError(str(error)) from None

    def _run_measure(self, bench, options):
        if options["action"] == "bench":
            measures = bench.run_bench(
                database_url=options["database_url"], runs=options["runs"], log=self.stderr.write
            )
            self.stdout.write(bench.bench_table(measures))
            if options["json"]:
                with open(options["json"], "w") as file:
                    json.dump([m.as_dict() for m in measures], file, indent=2)
        else:
            result = bench.run_loadtest(
                database_url=options["database_url"],
                seconds=options["seconds"],
                pause=options["pause"],
                log=self.stderr.write,
            )
            self.stdout.write(bench.loadtest_report(result))

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
        help="What a role header means: pm, po, sm, dev, project-manager, business-analyst "
        "or custom (e.g. --role PM=project-manager).",
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
    data = _read_bytes(path)
    try:
        return read_matrix_file(data, path, options)
    except MatrixFileError as error:
        raise MatrixFileError(f"{path}: {error}") from None


def _read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as file:
            # One byte over the limit is enough for the reader to refuse the file.
            return file.read(MAX_BYTES + 1)
    except OSError as error:
        raise MatrixFileError(f"cannot read {path}: {error.strerror or error}.") from None


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


def _accepted_line(acceptance: rules.Acceptance) -> str:
    when = f" on {acceptance.at:%Y-%m-%d}" if acceptance.at else ""
    by = f" by {acceptance.by}" if acceptance.by else ""
    return f"accepted{by}{when}: {acceptance.reason}"


def findings_text(label, findings, matches=(), context=None, guesses=()) -> str:
    """Findings grouped by severity, like a linter, then the accepted ones and the
    suggested catalogue keys, ending with a summary line; what the reader guessed
    comes first, so that a wrong guess is seen before its findings."""
    lines = [label, ""]
    if guesses:
        lines.append("Read as")
        for guess in guesses:
            lines.append(f"  {'? ' if guess.ask else ''}{guess.message}")
        lines.append("")
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
    line = ", ".join(severity.counted(counts[severity]) for severity in SEVERITY_ORDER)
    if accepted:
        line += f"; {len(accepted)} accepted"
    lines.append(line + ".")
    return "\n".join(lines)


# --- export and import ---------------------------------------------------------------------

TEAM_EXPORT_FORMATS = {
    "csv": "csv",
    "excel-csv": "excel.csv",
    "long-csv": "long.csv",
    "xlsx": "xlsx",
    "pdf": "pdf",
    "svg": "svg",
    "md": "md",
    "html": "html",
    "json": "json",
}


def add_export_parser(actions) -> None:
    export = actions.add_parser("export", help="Export a team, or every team of an organization.")
    export.add_argument("target", metavar="ORG_SLUG[/TEAM_SLUG]")
    export.add_argument("--format", required=True, choices=list(TEAM_EXPORT_FORMATS))
    export.add_argument("-o", "--output", metavar="FILE", help="Write here instead of stdout.")


def add_import_parser(actions) -> None:
    imported = actions.add_parser(
        "import", help="Import a matrix file into a team (or a JSON backup into an organization)."
    )
    imported.add_argument("file")
    imported.add_argument("target", metavar="ORG_SLUG[/TEAM_SLUG]")
    imported.add_argument("--create", action="store_true", help="Create the team if missing.")
    imported.add_argument("--dry-run", action="store_true", help="Show the preview, write nothing.")
    add_reading_arguments(imported)


def handle_export(command, options) -> None:
    from raci.models import Organization
    from raci.views.exports import (
        ORGANIZATION_FORMATS,
        chart_for,
        organization_export_content,
        team_export_content,
    )

    target, file_format = options["target"], TEAM_EXPORT_FORMATS[options["format"]]
    try:
        if "/" in target:
            team = _team(target)
            content = team_export_content(
                chart_for(team.snapshot(), exported_by="raci export"), file_format
            )
        else:
            organization = Organization.objects.filter(slug=target).first()
            if organization is None:
                raise MatrixFileError(f"no organization '{target}'.")
            if file_format not in ORGANIZATION_FORMATS:
                raise MatrixFileError("an organization exports as xlsx or json.")
            content = organization_export_content(
                organization, file_format, exported_by="raci export"
            )
    except MatrixFileError as error:
        command.stderr.write(f"raci export: {error}")
        sys.exit(EXIT_UNREADABLE)
    _write_output(command, content, options["output"])


def _write_output(command, content, path) -> None:
    data = content.encode() if isinstance(content, str) else content
    if path:
        try:
            with open(path, "wb") as file:
                file.write(data)
        except OSError as error:
            command.stderr.write(f"raci export: cannot write {path}: {error.strerror or error}.")
            sys.exit(EXIT_UNREADABLE)
    elif isinstance(content, str):
        command.stdout.write(content, ending="")
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def handle_import(command, options) -> None:
    from raci import imports
    from raci.models import Organization

    target, path = options["target"], options["file"]
    try:
        if "/" not in target:
            organization = Organization.objects.filter(slug=target).first()
            if organization is None:
                raise MatrixFileError(f"no organization '{target}'.")
            plans = _backup_plans(organization, path)
        else:
            org_slug, _, team_slug = target.partition("/")
            organization = Organization.objects.filter(slug=org_slug).first()
            if organization is None:
                raise MatrixFileError(f"no organization '{org_slug}'.")
            team = organization.teams.filter(slug=team_slug).first()
            if team is None and not options["create"]:
                raise MatrixFileError(
                    f"no team '{team_slug}' in '{org_slug}' (add --create to create it)."
                )
            read_as = reading_options(options)
            reading = read_file(path, read_as)
            name = reading.matrix.name or team_slug.replace("-", " ").capitalize()
            plan = imports.import_plan(
                organization=organization,
                team=team,
                matrix=reading.matrix,
                team_name=name,
                keys_in_file=reading.keys_in_file,
                # A --role flag is the user's word, as a chooser moved in the preview.
                chosen_roles=reading.roles_under(read_as.roles),
            )
            plans = [(plan, reading.guesses)]
        errors = False
        for plan, guesses in plans:
            command.stdout.write("\n".join(plan.summary_lines()))
            command.stdout.write(
                findings_text(
                    f"Findings of “{plan.team_name}” after the import",
                    plan.findings,
                    guesses=guesses,
                )
            )
            errors = errors or any(f.severity == Severity.ERROR for f in plan.findings)
        if options["dry_run"]:
            command.stdout.write("Dry run: nothing was written.")
        else:
            with transaction.atomic():
                for plan, _guesses in plans:
                    team = imports.import_apply(plan=plan, organization=organization)
                    command.stdout.write(f"Imported into {organization.slug}/{team.slug}.")
    except (MatrixFileError, imports.ImportRefused) as error:
        command.stderr.write(f"raci import: {error}")
        sys.exit(EXIT_UNREADABLE)
    if errors:
        sys.exit(EXIT_ERRORS)


def _backup_plans(organization, path):
    """Plans for every team of an organization backup: over the team of the same name, or a
    new team."""
    from raci import imports
    from raci.matrix_io import is_organization_document, load_json, read_organization_document

    document = load_json(_read_bytes(path))
    if not is_organization_document(document):
        raise MatrixFileError(
            f"{path} is not an organization backup: give ORG_SLUG/TEAM_SLUG to import one team."
        )
    plans = []
    for matrix in read_organization_document(document):
        team = organization.teams.filter(name__iexact=matrix.name).first() if matrix.name else None
        plans.append(
            (
                imports.import_plan(
                    organization=organization,
                    team=team,
                    matrix=matrix,
                    team_name=matrix.name,
                    keys_in_file=True,
                ),
                (),
            )
        )
    return plans
