"""A team's history: undo and redo from the matrix page, the list of change
sets, one cell's changes, and restoring the team as it was."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from raci import history
from raci.forms import HistoryFilterForm
from raci.models import Change, ChangeKind, ChangeSet, TeamRole
from raci.views.access import team_for_user
from raci.views.matrix import _edited, _matrix_url

PAGE_SIZE = 50


def _tell(request, reverted: history.Reverted, *, nothing: str) -> None:
    if not reverted.message:
        messages.info(request, nothing)
    elif reverted.conflicts:
        messages.warning(request, reverted.message)
    else:
        messages.success(request, reverted.message)


def _page(request, items):
    """The page of `items` the request asks for, and the rest of its query
    string (the filters) for the pager's links to carry."""
    query = request.GET.copy()
    query.pop("page", None)
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page")), query.urlencode()


@login_required
@require_POST
def undo(request, org_slug, team_slug):
    team, membership = team_for_user(request, org_slug, team_slug, edit=True)
    reverted = history.undo(team, by=request.user)
    _tell(request, reverted, nothing="Nothing of yours to undo in this team.")
    team.refresh_from_db()
    return _edited(request, team, membership)


@login_required
@require_POST
def redo(request, org_slug, team_slug):
    team, membership = team_for_user(request, org_slug, team_slug, edit=True)
    reverted = history.redo(team, by=request.user)
    _tell(request, reverted, nothing="Nothing to redo: undo something first.")
    team.refresh_from_db()
    return _edited(request, team, membership)


@login_required
@require_GET
def change_list(request, org_slug, team_slug):
    """The team's change sets, newest first, filtered by person, activity and
    role; the same number of queries whatever the page's size."""
    team, membership = team_for_user(request, org_slug, team_slug)
    change_sets = (
        team.change_sets.select_related("user")
        .annotate(undone=Exists(ChangeSet.objects.filter(undoes=OuterRef("pk"))))
        .order_by("-revision")
    )
    form = HistoryFilterForm(request.GET or None, team=team)
    page, query = _page(request, form.filter(change_sets))
    return render(
        request,
        "raci/changeset_list.html",
        {
            "team": team,
            "organization": team.organization,
            "can_edit": membership.can_edit,
            "form": form,
            "page": page,
            "query": query,
        },
    )


@login_required
@require_GET
def cell_history(request, org_slug, team_slug, activity_id, role_id):
    """Who changed one cell, when, from what to what."""
    team, _membership = team_for_user(request, org_slug, team_slug)
    activity = get_object_or_404(team.activities, pk=activity_id)
    column = get_object_or_404(TeamRole.objects.select_related("role"), team=team, role=role_id)
    changes = (
        Change.objects.filter(
            change_set__team=team, kind=ChangeKind.CELL, activity_id=activity_id, role_id=role_id
        )
        .select_related("change_set__user")
        .order_by("-change_set__revision")
    )
    page, query = _page(request, changes)
    return render(
        request,
        "raci/cell_history.html",
        {
            "team": team,
            "organization": team.organization,
            "activity": activity,
            "role": column.role,
            "page": page,
            "query": query,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def restore(request, org_slug, team_slug, revision):
    """GET: what restoring the team as it was after change `revision` would
    change (done and rolled back). POST: do it, as one change set."""
    team, _membership = team_for_user(request, org_slug, team_slug, edit=True)
    target = get_object_or_404(team.change_sets, revision=revision)
    preview = request.method == "GET"
    reverted = history.restore(team, to=target, by=request.user, preview=preview)
    if preview:
        return render(
            request,
            "raci/changeset_restore.html",
            {
                "team": team,
                "organization": team.organization,
                "target": target,
                "reverted": reverted,
            },
        )
    _tell(request, reverted, nothing="The team is as it was then: nothing to restore.")
    return redirect(_matrix_url(team))
