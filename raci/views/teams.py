"""Creating a team, changing its settings, moving it to the trash and back."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from raci import services
from raci.forms import TeamCreateForm, TeamSettingsForm, save_unless_taken
from raci.models import Team
from raci.views.access import membership_for_user, team_for_user


@login_required
def team_create(request, org_slug):
    membership = membership_for_user(request, org_slug, edit=True)
    organization = membership.organization
    form = TeamCreateForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(
                organization=organization,
                name=form.cleaned_data["name"],
                uses_scrum=form.cleaned_data["uses_scrum"],
                stage=form.cleaned_data["stage"],
                start_from=form.cleaned_data["start_from"],
                source_team=form.cleaned_data["source_team"],
            )
        except IntegrityError:
            # A colleague created a team of that name since the form was checked.
            form.add_error("name", "A team with this name already exists.")
        else:
            messages.success(request, f"Created the team {team.name}.")
            return redirect("raci:matrix", org_slug=organization.slug, team_slug=team.slug)
    return render(request, "raci/team_create.html", {"organization": organization, "form": form})


@login_required
def team_settings(request, org_slug, team_slug):
    team, _membership = team_for_user(request, org_slug, team_slug, edit=True)
    # The form writes its input onto the instance even when it is invalid: keep
    # the saved name for the page heading.
    saved_name = team.name
    form = TeamSettingsForm(request.POST or None, instance=team)
    # The slug stays as it was, so that links to the team keep working.
    taken = "This organization already has a team with that name."
    saved = (
        request.method == "POST"
        and form.is_valid()
        and save_unless_taken(form, taken, team=team, by=request.user, action="settings")
    )
    if saved:
        messages.success(request, f"Saved the settings of {team.name}.")
        return redirect("raci:matrix", org_slug=org_slug, team_slug=team.slug)
    return render(
        request, "raci/team_settings.html", {"team": team, "team_name": saved_name, "form": form}
    )


@login_required
def team_delete(request, org_slug, team_slug):
    """A confirmation page; the POST moves the team to the trash, from which an
    owner can restore it for Team.KEPT_IN_TRASH."""
    team, _membership = team_for_user(request, org_slug, team_slug, edit=True)
    if request.method == "POST":
        services.team_trash(team=team, by=request.user)
        messages.success(
            request,
            f"Moved {team.name} to the trash. An owner of {team.organization.name} can "
            f"restore it within {Team.KEPT_IN_TRASH.days} days.",
        )
        return redirect("raci:organization", org_slug=org_slug)
    return render(
        request,
        "raci/team_delete.html",
        {
            "team": team,
            "activity_count": team.activities.count(),
            "holder_count": team.role_holders.count(),
            "kept_days": Team.KEPT_IN_TRASH.days,
        },
    )


def _trashed_team(membership, team_id) -> Team:
    return get_object_or_404(
        Team.with_trashed.filter(organization=membership.organization, deleted_at__isnull=False),
        pk=team_id,
    )


@login_required
@require_GET
def trash(request, org_slug):
    """The organization's trashed teams, for its owners to restore or delete for good."""
    membership = membership_for_user(request, org_slug, manage=True)
    organization = membership.organization
    teams = (
        Team.with_trashed.filter(organization=organization, deleted_at__isnull=False)
        .select_related("deleted_by")
        .order_by("-deleted_at", "-pk")
    )
    return render(
        request,
        "raci/team_trash.html",
        {
            "organization": organization,
            "membership": membership,
            "teams": [(team, team.deleted_at + Team.KEPT_IN_TRASH) for team in teams],
        },
    )


@login_required
@require_POST
def trash_restore(request, org_slug, team_id):
    membership = membership_for_user(request, org_slug, manage=True)
    trashed = _trashed_team(membership, team_id)
    team = services.team_restore(team=trashed)
    if team is None:
        messages.warning(
            request,
            f"{trashed.name} was not restored: a colleague restored or deleted it, or a team "
            "took its name, at the same moment. Here is the trash as it is now.",
        )
        return redirect("raci:trash", org_slug=org_slug)
    if team.name != trashed.name:
        messages.warning(
            request,
            f"Restored {trashed.name} as {team.name}: a team in use has its name now.",
        )
    else:
        messages.success(request, f"Restored {team.name}.")
    return redirect("raci:matrix", org_slug=org_slug, team_slug=team.slug)


@login_required
@require_http_methods(["GET", "POST"])
def trash_delete(request, org_slug, team_id):
    """Deleting a trashed team for good: a confirmation page, then the POST."""
    membership = membership_for_user(request, org_slug, manage=True)
    team = _trashed_team(membership, team_id)
    if request.method == "POST":
        services.team_delete_for_good(team=team)
        messages.success(request, f"Deleted {team.name} for good.")
        return redirect("raci:trash", org_slug=org_slug)
    return render(
        request,
        "raci/team_delete_for_good.html",
        {"organization": membership.organization, "team": team},
    )
