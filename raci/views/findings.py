"""Reviewing findings: accept one with a reason, reopen it, link a row matched
by name to its catalogue entry, and the list of a team's accepted findings.

The writes answer like the other editor edits: the re-rendered editor for
htmx, a redirect back (POST/redirect/GET) without JavaScript.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from raci import catalogue, history, rules
from raci.forms import ActivityLinkForm, FindingAcceptForm, FindingForm, ReopenForm
from raci.models import find_finding
from raci.views.access import team_for_user
from raci.views.matrix import (
    TEMPLATE,
    _context,
    _edited,
    _gone,
    _in_team,
    _matrix_url,
    render_editor,
)


def _accepted_url(team):
    return reverse("raci:accepted_findings", args=[team.organization.slug, team.slug])


IDENTITY = ("rule", "activity", "role", "person", "subject")


@login_required
@require_http_methods(["GET", "POST"])
def finding_accept(request, org_slug, team_slug):
    """GET: the reason form for one finding (in the findings panel through htmx,
    or on a page of its own). POST: accept it, if it is still there with the
    letters the user saw."""
    team, membership = team_for_user(request, org_slug, team_slug, edit=True)
    data = request.POST if request.method == "POST" else request.GET
    named = FindingForm(data)
    finding = named.is_valid() and find_finding(
        team.analyse(), **{name: named.cleaned_data[name] for name in IDENTITY}
    )
    if not finding or finding.accepted:
        messages.warning(
            request, "That finding is no longer there or is accepted already: nothing changed."
        )
        return _back_to_the_editor(request, team, membership)
    if request.method == "GET":
        form = FindingAcceptForm(initial=named.cleaned_data | {"letters": finding.letters_digest})
        return _accept_form(request, team, finding, form)
    form = FindingAcceptForm(request.POST)
    if not form.is_valid():
        if not request.htmx:
            return _accept_form(request, team, finding, form, status=400)
        messages.error(request, " ".join(form.errors.get("reason", ["That was unreadable."])))
    elif team.accept_finding(
        **{name: form.cleaned_data[name] for name in IDENTITY},
        letters_digest=form.cleaned_data["letters"],
        reason=form.cleaned_data["reason"],
        user=request.user,
    ):
        messages.success(
            request,
            "Accepted: the finding no longer counts in the totals. It reopens by itself when "
            "a letter it concerns changes.",
        )
    else:
        messages.warning(
            request,
            "That finding's letters changed meanwhile: nothing was accepted. Here it is as it "
            "is now.",
        )
    return _edited(request, team, membership, "findings")


def _accept_form(request, team, finding, form, status=200):
    context = {
        "team": team,
        "organization": team.organization,
        "finding": finding,
        "form": form,
        "inline": bool(request.htmx),
    }
    template = "raci/finding_accept.html" + ("#accept_form" if request.htmx else "")
    return render(request, template, context, status=status)


def _back_to_the_editor(request, team, membership):
    """The editor as it is now, with the message: in place of the whole workspace
    for htmx (whatever the request targeted), or after a redirect."""
    if not request.htmx:
        return redirect(_matrix_url(team, "findings"))
    response = render_editor(request, TEMPLATE + "#workspace", _context(request, team, membership))
    return reswap(retarget(response, "#workspace"), "outerHTML")


@login_required
@require_POST
def finding_reopen(request, org_slug, team_slug, acceptance_id):
    team, membership = team_for_user(request, org_slug, team_slug, edit=True)
    acceptance = get_object_or_404(
        team.accepted_findings.select_related("activity"), pk=acceptance_id
    )
    where = f" on “{acceptance.activity.name}”" if acceptance.activity else ""
    with history.recording(
        team,
        by=request.user,
        action="reopen",
        summary=f"Reopened a finding{where}",
        parts=("acceptances",),
    ):
        acceptance.delete()
    messages.success(request, "Reopened: the finding counts again.")
    form = ReopenForm(request.POST)
    if form.is_valid() and form.cleaned_data["back_to"] == "accepted":
        return redirect(_accepted_url(team))
    return _edited(request, team, membership, "findings")


@login_required
@require_POST
def activity_link(request, org_slug, team_slug, activity_id):
    """Give an activity matched by name the catalogue key of its entry."""
    team, membership = team_for_user(request, org_slug, team_slug, edit=True)
    activity = _in_team(request, team.activities, activity_id)
    if activity is None:
        return _gone(request, team, membership)
    form = ActivityLinkForm(request.POST)
    if form.is_valid():
        entry = catalogue.by_key(form.cleaned_data["key"])
        with history.recording(
            team,
            by=request.user,
            action="activity-link",
            summary=f"Linked “{activity.name}” to “{entry.name}”",
            parts=("activities",),
        ):
            # A new version: an edit form opened before the link would undo it.
            type(activity).objects.filter(pk=activity.pk).update(
                catalogue_key=entry.key, version=F("version") + 1
            )
        messages.success(
            request, f"Linked “{activity.name}” to the catalogue entry “{entry.name}”."
        )
    else:
        messages.error(request, "Choose an entry of the catalogue; nothing was changed.")
    return _edited(request, team, membership, f"row-{activity.pk}")


@login_required
@require_GET
def accepted_findings(request, org_slug, team_slug):
    """Every acceptance of the team: whether it still holds, who made it, when and why."""
    team, membership = team_for_user(request, org_slug, team_slug)
    snapshot = team.snapshot()
    matrix = snapshot.to_matrix()
    findings = snapshot.analyse(matrix)
    records = {
        str(record.pk): record
        for record in team.accepted_findings.select_related("activity", "role")
    }
    reviewed = [
        {
            "acceptance": acceptance,
            "state": state,
            "finding": finding,
            "record": records[acceptance.key],
        }
        for acceptance, state, finding in rules.review_acceptances(matrix.accepted, findings)
        # One a colleague reopened since the snapshot is gone.
        if acceptance.key in records
    ]
    return render(
        request,
        "raci/acceptedfinding_list.html",
        {
            "team": team,
            "organization": team.organization,
            "can_edit": membership.can_edit,
            "reviewed": reviewed,
            "states": rules.AcceptanceState,
        },
    )
