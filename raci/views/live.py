"""Live awareness: an open matrix page polls for colleagues' changes.

The poll is cheap when nothing changed (one query past the session: 204).
Otherwise the change log since the page's revision says which rows to
refresh in place, with the column headers and the findings panel in the same
answer so that the panel never contradicts the grid; or, when the page
cannot catch up by itself, a notice says who changed what.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.views.decorators.http import require_GET

from raci import live
from raci.models import EditorPreferences, Team
from raci.views.access import team_for_user
from raci.views.matrix import (
    TEMPLATE,
    _findings_markup,
    _grid,
    oob_row,
    recorded_since,
    render_released,
)


def _revision_param(request) -> int | None:
    value = request.GET.get("revision", "")
    return int(value) if value.isdecimal() and len(value) < 20 else None


@login_required
@require_GET
def team_live(request, org_slug, team_slug):
    # One query: the team, if the user is a member of its organization.
    current = (
        Team.objects.filter(
            organization__slug=org_slug,
            organization__memberships__user=request.user,
            slug=team_slug,
        )
        .values_list("revision", flat=True)
        .first()
    )
    if current is None:
        raise Http404("No such team")
    seen = _revision_param(request)
    if seen is None:
        return HttpResponseBadRequest("The revision the page shows could not be read.")
    if current <= seen:
        return HttpResponse(status=204)
    team, membership = team_for_user(request, org_slug, team_slug)
    plan = live.catch_up(
        recorded_since(team, seen, current),
        seen=seen,
        current=current,
        me=request.user.pk,
        editing=request.GET.get("editing") == "1",
    )
    context = {
        "team": team,
        "organization": team.organization,
        "can_edit": membership.can_edit,
        "live_revision": plan.revision,
        "live_notice": plan.notice,
        "live_marked": " ".join(plan.marked),
        "live_rows": [],
    }
    if plan.rows:
        grid, markup = _grid(request, team, membership, revision=current)
        # htmx swaps each row out of band, by its id, where the page has it.
        context["live_rows"] = [
            oob_row(markup, row)
            for activity_id in plan.rows
            if (row := grid.row(activity_id)) is not None
        ]
        context["grid"] = grid
        context["findings_markup"] = _findings_markup(request, team, membership, grid)
        # The panel's Hide/Show toggle says what the user chose.
        context["preferences"] = EditorPreferences.of(request.user)
        context["column_headers"] = markup.column_headers(oob=True)
    return HttpResponse(render_released(request, TEMPLATE + "#live_response", context))
