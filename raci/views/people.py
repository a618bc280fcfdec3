"""People of a team and the roles they hold; the organization's roles."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST

from raci import services
from raci.forms import PersonForm, PersonPickForm, RoleForm, conflict_shown, save_unless_taken
from raci.models import Assignment, Person, RoleHolder, StaleEdit
from raci.views.access import membership_for_user, team_for_user


def _people_with_roles(team):
    """The team's people, by name, each with the roles they hold in it."""
    people = {}
    for holder in RoleHolder.objects.filter(team=team).select_related("person", "role"):
        people.setdefault(holder.person, []).append(holder.role)
    return sorted(people.items(), key=lambda item: item[0].name.lower())


@login_required
def team_people(request, org_slug, team_slug):
    """Lists the team's people; editors add a new person or one the organization knows."""
    team, membership = team_for_user(request, org_slug, team_slug, edit=request.method == "POST")
    adding = request.POST.get("add") if request.method == "POST" else None
    new_form = PersonForm(request.POST if adding == "new" else None, team=team, prefix="new")
    pick_form = PersonPickForm(
        request.POST if adding == "existing" else None, team=team, prefix="existing"
    )
    form = {"new": new_form, "existing": pick_form}.get(adding)
    if request.method == "POST" and form is None:
        messages.error(request, "Choose whether to add a new or an existing person.")
    elif form is not None and form.is_valid():
        person = form.cleaned_data["person"] if form is pick_form else form.instance
        if _person_saved(form, team=team, person=person, by=request.user):
            messages.success(request, f"Added {person.name} to {team.name}.")
            return redirect("raci:team_people", org_slug=org_slug, team_slug=team_slug)
    return render(
        request,
        "raci/person_list.html",
        {
            "team": team,
            "membership": membership,
            "people": _people_with_roles(team),
            "new_form": new_form,
            "pick_form": pick_form,
            # Offer the existing-person form only when there is someone to pick,
            # but always show it with its errors after a failed submission.
            "show_pick_form": pick_form.is_bound or pick_form.fields["person"].queryset.exists(),
        },
    )


def _person_saved(form, *, team, person, by) -> bool:
    """Save the person and their roles; False, with the form saying why, when a
    colleague gave someone the same email at the same moment, or saved the
    person since the form was opened."""
    claim = getattr(form, "claim_version", None)
    try:
        services.team_person_save(
            team=team, person=person, roles=form.cleaned_data["roles"], by=by, claim=claim
        )
    except IntegrityError:
        if not conflict_shown(form):
            raise
        return False
    except StaleEdit:
        form.refuse_stale()
        return False
    return True


def _person_in_team(team, person_id):
    """A person of the team's organization who holds a role in this team, or 404."""
    return get_object_or_404(
        Person.objects.filter(organization=team.organization, held_roles__team=team).distinct(),
        pk=person_id,
    )


@login_required
def person_update(request, org_slug, team_slug, person_id):
    team, _membership = team_for_user(request, org_slug, team_slug, edit=True)
    person = _person_in_team(team, person_id)
    saved_name = person.name
    form = PersonForm(request.POST or None, instance=person, team=team)
    if (
        request.method == "POST"
        and form.is_valid()
        and _person_saved(form, team=team, person=person, by=request.user)
    ):
        messages.success(request, f"Saved {person.name}.")
        return redirect("raci:team_people", org_slug=org_slug, team_slug=team_slug)
    return render(
        request,
        "raci/person_update.html",
        {"team": team, "person": person, "person_name": saved_name, "form": form},
    )


@login_required
@require_POST
def person_remove(request, org_slug, team_slug, person_id):
    """Takes the person off this team; they stay in the organization and its other teams."""
    team, _membership = team_for_user(request, org_slug, team_slug, edit=True)
    person = _person_in_team(team, person_id)
    services.team_person_remove(team=team, person=person, by=request.user)
    messages.success(request, f"Removed {person.name} from {team.name}.")
    return redirect("raci:team_people", org_slug=org_slug, team_slug=team_slug)


@login_required
def roles(request, org_slug):
    """The organization's roles; editors add custom ones."""
    membership = membership_for_user(request, org_slug, edit=request.method == "POST")
    organization = membership.organization
    form = RoleForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        role = save_unless_taken(form, "This organization already has a role with that name.")
        if role:
            messages.success(request, f"Added the role {role.name}.")
            return redirect("raci:roles", org_slug=org_slug)
    return render(
        request,
        "raci/role_list.html",
        {
            "organization": organization,
            "membership": membership,
            "roles": organization.roles.annotate(team_count=Count("team_roles")),
            "form": form,
        },
    )


@login_required
def role_delete(request, org_slug, role_id):
    """A confirmation page saying what goes with the role; the POST deletes it."""
    membership = membership_for_user(request, org_slug, edit=True)
    role = get_object_or_404(membership.organization.roles, pk=role_id)
    if role.is_canonical:
        messages.error(request, f"{role.name} is a documented role: every organization keeps it.")
        return redirect("raci:roles", org_slug=org_slug)
    cells = Assignment.objects.filter(role=role).exclude(letters="")
    if request.method == "POST":
        cell_count = cells.count()
        services.role_delete(role=role, by=request.user)
        messages.success(
            request,
            f"Deleted the role {role.name}, its columns and the {cell_count} "
            f"cell{pluralize(cell_count)} that held its letters.",
        )
        return redirect("raci:roles", org_slug=org_slug)
    return render(
        request,
        "raci/role_delete.html",
        {
            "organization": membership.organization,
            "role": role,
            "cell_count": cells.count(),
            "teams": membership.organization.teams.filter(
                Q(team_roles__role=role) | Q(role_holders__role=role)
            ).distinct(),
            "holder_count": role.holders.count(),
        },
    )
