"""Reviewing findings: accept one with a reason, reopen it, link a row matched
by name to its catalogue entry, and the list of a team's accepted findings.

The writes answer like the other editor edits: the re-rendered editor for
htmx, a redirect back (POST/redirect/GET) without JavaScript.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from raci import catalogue, rules
from raci.forms import ActivityLinkForm, FindingAcceptForm, ReopenForm
from raci.views.access import team_for_user
from raci.views.matrix import _edited, _gone, _in_team


def _accepted_url(team):
    return reverse("raci:accepted_findings", args=[team.organization.slug, team.slug])


@login_required
@require_POST
def finding_accept(request, org_slug, team_slug):
    team, membership = team_for_user(request, org_slug, team_slug, edit=True)
    form = FindingAcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", [])) or "That was unreadable.")
    elif team.accept_finding(
        **{name: form.cleaned_data[name] for name in ("rule", "activity", "role", "person")},
        subject=form.cleaned_data["subject"],
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
            "That finding is no longer there or its letters changed meanwhile: nothing was "
            "accepted.",
        )
    return _edited(request, team, membership, "findings")


@login_required
@require_POST
def finding_reopen(request, org_slug, team_slug, acceptance_id):
    team, membership = team_for_user(request, org_slug, team_slug, edit=True)
    acceptance = get_object_or_404(team.accepted_findings, pk=acceptance_id)
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
        activity.catalogue_key = entry.key
        activity.save(update_fields=["catalogue_key"])
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
