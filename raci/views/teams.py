"""Creating a team, changing its settings, deleting it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.shortcuts import redirect, render

from raci import services
from raci.forms import TeamCreateForm, TeamSettingsForm, save_unless_taken
from raci.models import delete_locked
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
    """A confirmation page; the POST deletes the team with its activities, cells and role
    holders. People and roles belong to the organization and stay."""
    team, _membership = team_for_user(request, org_slug, team_slug, edit=True)
    if request.method == "POST":
        name = team.name
        delete_locked(team, team.activities.all())
        messages.success(request, f"Deleted the team {name}.")
        return redirect("raci:organization", org_slug=org_slug)
    return render(
        request,
        "raci/team_delete.html",
        {
            "team": team,
            "activity_count": team.activities.count(),
            "holder_count": team.role_holders.count(),
        },
    )
