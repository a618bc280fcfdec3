"""Named versions of a team: saving, listing, comparing and deleting them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from raci import compare, services
from raci.forms import NOW, CompareForm, TeamVersionForm
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
    team, membership = team_for_user(request, org_slug, team_slug)
    form, comparison = _comparison(request, team)
    # The rows that differ, unless all are asked for: a team has dozens.
    everything = request.GET.get("rows") == "all"
    rows = comparison.rows if comparison else ()
    shown = rows if everything else [row for row in rows if row.status != compare.Status.SAME]
    query = request.GET.copy()
    query.pop("rows", None)
    return render(
        request,
        "raci/teamversion_compare.html",
        {
            "team": team,
            "organization": team.organization,
            "form": form,
            "comparison": comparison,
            "rows": shown,
            "hidden_rows": len(rows) - len(shown),
            "everything": everything,
            "query": query.urlencode(),
            "can_edit": membership.can_edit,
            # A version compared with now can be restored from here.
            "restorable": comparison is not None
            and form.cleaned_data["after"] == NOW
            and form.side_version("before"),
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


@login_required
@require_http_methods(["GET", "POST"])
def version_restore(request, org_slug, team_slug, version_id):
    """Restore a version's letters as one change set. The GET shows what would
    change: the comparison of the version with now, which offers the button."""
    team, _membership = team_for_user(request, org_slug, team_slug, edit=True)
    version = get_object_or_404(team.versions, pk=version_id)
    if request.method == "GET":
        url = reverse("raci:version_compare", args=[org_slug, team_slug])
        return redirect(f"{url}?before={version.pk}&after=now")
    try:
        written, left = services.team_version_restore_letters(
            team=team, version=version, by=request.user
        )
    except MatrixFileError as error:
        messages.error(request, f"The version cannot be read: {error}")
        return redirect("raci:versions", org_slug=org_slug, team_slug=team_slug)
    if not written.ok:
        messages.warning(request, written.message)
    elif written.change_set is None:
        messages.info(request, f"The letters are already those of “{version.name}”.")
    else:
        messages.success(request, f"Restored the letters of “{version.name}”, as one change.")
    if written.ok and left:
        messages.info(
            request,
            "Rows and columns are not added or removed by a restore; these differ: "
            + ", ".join(f"“{name}”" for name in left)
            + ".",
        )
    return redirect("raci:matrix", org_slug=org_slug, team_slug=team_slug)
