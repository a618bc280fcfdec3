"""Downloads of a team's chart in every format, the print view the PDF is made
from, and the organization's export (every team in one file)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from raci import exports, matrix_io, rules
from raci.models import Team, TeamSnapshot
from raci.views.access import membership_for_user, team_for_user

# format -> (file name suffix, content type); the writers are in `team_export_content`.
TEAM_FORMATS = {
    "csv": ("raci.csv", "text/csv; charset=utf-8"),
    "excel.csv": ("raci-excel.csv", "text/csv; charset=utf-8"),
    "long.csv": ("raci-long.csv", "text/csv; charset=utf-8"),
    "xlsx": ("raci.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": ("raci.pdf", "application/pdf"),
    "svg": ("raci.svg", "image/svg+xml"),
    "md": ("raci.md", "text/markdown; charset=utf-8"),
    "html": ("raci.html", "text/html; charset=utf-8"),
    "json": ("raci.json", "application/json"),
}
ORGANIZATION_FORMATS = {
    "xlsx": TEAM_FORMATS["xlsx"],
    "json": TEAM_FORMATS["json"],
}


def chart_for(snapshot: TeamSnapshot, *, exported_by: str = "") -> exports.Chart:
    """A team as every export shows it: the matrix, its findings and who exported it."""
    matrix = snapshot.to_matrix()
    return exports.Chart(
        matrix=matrix,
        findings=snapshot.analyse(matrix),
        team=snapshot.team.name,
        organization=snapshot.team.organization.name,
        exported_by=exported_by,
        exported_at=timezone.now(),
        version=settings.APP_VERSION,
        reference=rules.reference_matrix(),
    )


def print_html(chart: exports.Chart, *, for_pdf: bool) -> str:
    return render_to_string(
        "raci/matrix_print.html",
        {
            "chart": chart,
            "pages": exports.print_pages(chart.matrix),
            "counts": exports.counts_text(exports.severity_counts(chart.findings)),
            "open_findings": exports.printed_findings(chart.findings),
            "accepted": exports.accepted_findings(chart.findings),
            "legend": [
                (letter, exports.LETTER_MEANINGS[letter]) for letter in exports.LETTER_ORDER
            ],
            "for_pdf": for_pdf,
            "pdf_available": not for_pdf and not exports.pdf_too_large(chart.matrix),
        },
    )


def team_export_content(chart: exports.Chart, file_format: str) -> bytes | str:
    """The bytes or text of one export; raises MatrixFileError when the team cannot be
    written in that format."""
    matrix = chart.matrix
    if file_format == "csv":
        return matrix_io.write_csv(matrix)
    if file_format == "excel.csv":
        return matrix_io.write_csv(matrix, excel=True)
    if file_format == "long.csv":
        return matrix_io.write_long_csv(matrix, excel=True)
    if file_format == "xlsx":
        return exports.write_xlsx(chart)
    if file_format == "pdf":
        stylesheet = finders.find("raci/print.css")
        return exports.pdf_from_html(print_html(chart, for_pdf=True), stylesheet=stylesheet)
    if file_format == "svg":
        return exports.write_svg(chart)
    if file_format == "md":
        return exports.write_markdown(matrix, title=chart.team)
    if file_format == "html":
        return exports.write_html_table(matrix, title=chart.team)
    if file_format == "json":
        return matrix_io.write_json(matrix)
    raise ValueError(file_format)


def organization_export_content(organization, file_format: str, *, exported_by="") -> bytes | str:
    teams = list(Team.objects.filter(organization=organization).select_related("organization"))
    snapshots = TeamSnapshot.load(teams)
    if file_format == "xlsx":
        charts = [chart_for(snapshots[team.pk], exported_by=exported_by) for team in teams]
        return exports.write_organization_xlsx(organization.name, charts)
    return matrix_io.write_organization_json(
        organization.name, [snapshots[team.pk].to_matrix() for team in teams]
    )


def _download(content, suffix: str, content_type: str, slug: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{slug}-{suffix}"'
    return response


@login_required
@require_GET
def team_export(request, org_slug, team_slug, file_format):
    team, _membership = team_for_user(request, org_slug, team_slug)
    if file_format not in TEAM_FORMATS:
        raise Http404("Unknown export format")
    chart = chart_for(team.snapshot(), exported_by=request.user.get_username())
    if file_format == "pdf" and exports.pdf_too_large(chart.matrix):
        # Rendering it would hold this worker for many seconds, or past its timeout.
        context = {
            "team": team,
            "organization": team.organization,
            "activities": len(chart.matrix.activities),
            "roles": len(chart.matrix.roles),
        }
        return render(request, "raci/matrix_pdf_too_large.html", context)
    try:
        content = team_export_content(chart, file_format)
    except matrix_io.MatrixFileError as error:
        # A role named like a fixed CSV column (from before names were checked).
        messages.error(request, f"This team cannot be exported as {file_format.upper()}: {error}")
        return redirect("raci:matrix", org_slug, team_slug)
    suffix, content_type = TEAM_FORMATS[file_format]
    if request.GET.get("inline") == "1" and file_format in ("md", "svg"):
        # The "copy as Markdown" button reads the text instead of downloading a file.
        return HttpResponse(content, content_type=content_type)
    return _download(content, suffix, content_type, team.slug)


@login_required
@require_GET
def team_print(request, org_slug, team_slug):
    team, _membership = team_for_user(request, org_slug, team_slug)
    chart = chart_for(team.snapshot(), exported_by=request.user.get_username())
    return HttpResponse(print_html(chart, for_pdf=False))


@login_required
@require_GET
def organization_export(request, org_slug, file_format):
    membership = membership_for_user(request, org_slug)
    if file_format not in ORGANIZATION_FORMATS:
        raise Http404("Unknown export format")
    organization = membership.organization
    content = organization_export_content(
        organization, file_format, exported_by=request.user.get_username()
    )
    suffix, content_type = ORGANIZATION_FORMATS[file_format]
    return _download(content, suffix.replace("raci", "teams"), content_type, organization.slug)
