"""Named versions of a team: saving, listing, comparing and deleting them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from raci import compare, services
from raci.forms import CompareForm, TeamVersionForm
from raci.matrix_io import MatrixFileError
from raci.views.access import team_for_user


@login_required
@require_http_methods(["GET", "POST"])
def versions(request, org_slug, team_slug):
    """The team's saved versions, newest first; editors save the team as a new one."""
    team, membership = team_for_user(request, org_slug, team_slug, edit=request.method == "POST")
    form = TeamVersionForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.team_version_save(
                team=team,
                name=form.cleaned_data["name"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except services.NameTakenError as error:
            form.add_error("name", str(error))
        except MatrixFileError as error:
            form.add_error(None, f"This team cannot be kept as a version: {error}")
        else:
            messages.success(request, f"Saved the team as “{version.name}”.")
            return redirect("raci:versions", org_slug=org_slug, team_slug=team_slug)
    saved = list(team.versions.select_related("created_by"))
    return render(
        request,
        "raci/teamversion_list.html",
        {
            "team": team,
            "organization": team.organization,
            "can_edit": membership.can_edit,
            "versions": saved,
            "form": form,
            "compare_form": CompareForm(versions=saved),
        },
        status=400 if form.errors else 200,
    )


def _comparison(request, team):
    """The form naming the two sides, and their comparison when it is valid."""
    form = CompareForm(request.GET, versions=team.versions.all())
    if not form.is_valid():
        return form, None
    before, after = (form.side_version(name) for name in ("before", "after"))
    try:
        sides = [version.side() if version else team.side() for version in (before, after)]
    except MatrixFileError as error:
        # A version kept in a shape this release no longer reads.
        form.add_error(None, f"A saved version cannot be read: {error}")
        return form, None
    return form, compare.compare(*sides)


@login_required
@require_GET
def version_compare(request, org_slug, team_slug):
    """Two versions, or a version and now: rows, columns and cells added, removed
    or changed, and the findings of each side."""
    team, _membership = team_for_user(request, org_slug, team_slug)
    form, comparison = _comparison(request, team)
    return render(
        request,
        "raci/teamversion_compare.html",
        {
            "team": team,
            "organization": team.organization,
            "form": form,
            "comparison": comparison,
            "query": request.GET.urlencode(),
        },
        status=200 if comparison else 400,
    )


@login_required
@require_GET
def version_compare_csv(request, org_slug, team_slug):
    team, _membership = team_for_user(request, org_slug, team_slug)
    _form, comparison = _comparison(request, team)
    if comparison is None:
        messages.error(request, "Choose two different versions to compare.")
        return redirect("raci:versions", org_slug=org_slug, team_slug=team_slug)
    response = HttpResponse(compare.write_csv(comparison), content_type="text/csv; charset=utf-8")
    name = slugify(f"{team.name} {comparison.before.label} vs {comparison.after.label}")
    response["Content-Disposition"] = f'attachment; filename="{name or "comparison"}.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def version_delete(request, org_slug, team_slug, version_id):
    team, _membership = team_for_user(request, org_slug, team_slug, edit=True)
    version = get_object_or_404(team.versions, pk=version_id)
    if request.method == "POST":
        version.delete()
        messages.success(request, f"Deleted the version “{version.name}”.")
        return redirect("raci:versions", org_slug=org_slug, team_slug=team_slug)
    return render(
        request,
        "raci/matrix_confirm.html",
        {
            "team": team,
            "organization": team.organization,
            "question": f"Delete the version “{version.name}”? The team itself does not change.",
            "button": "Delete the version",
        },
    )
