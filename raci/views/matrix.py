"""The matrix editor: one page, whose pieces htmx swaps after each edit.

Every write is a real form POST. From htmx it answers with the partial that
changed (plus the findings panel out of band); without JavaScript it
redirects back to the page (POST/redirect/GET).
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.context import make_context
from django.template.loader import get_template
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh, reswap, retarget, trigger_client_event

from raci import blocks, history, live, rules, services
from raci.exports import LETTER_MEANINGS
from raci.findings_panel import FindingsMarkup
from raci.forms import (
    ActivityForm,
    ActivityInsertForm,
    ActivityMoveForm,
    ActivityPlaceForm,
    ActivityRenameForm,
    CategoryCollapseForm,
    CellForm,
    CellsWriteForm,
    ColumnAddForm,
    FixForm,
    save_unless_taken,
)
from raci.grid import GridMarkup, build_grid, cell_id, column_id, row_id, team_grid
from raci.models import (
    CATEGORY_CHOICES,
    Assignment,
    Change,
    ChangeSet,
    EditorPreferences,
    FindingTotals,
    Team,
    delete_locked,
    keep_finding_totals,
)
from raci.views.access import team_for_user
from raci.vocabulary import LETTER_ORDER

TEMPLATE = "raci/matrix.html"
# Beyond this many change sets to read, an open page is told to refresh.
MAX_CHANGE_SETS = 100


# The grid's rows go into the written editor in one step, where the template
# shows this: passed through the template, a 300 x 12 grid's 700 KB were
# copied again at each level of its nesting, which cost more than writing
# them. Escaped text can never spell it.
ROWS_SLOT = mark_safe("<!--grid-rows-->")


def render_released(request, template_name: str, context: dict) -> str:
    """render_to_string(), letting go of the template context at once.

    A Django template context refers to itself (each dict pushed on it keeps
    the context), so what it holds (the grid, its findings) outlives the
    request until the garbage collector's next pass, which then walks all
    of it. Emptying its stack breaks the loop.
    """
    template = get_template(template_name)
    engine = template.backend.engine
    template_context = make_context(context, request, autoescape=engine.autoescape)
    try:
        return template.template.render(template_context)
    finally:
        template_context.dicts.clear()


def render_editor(request, template: str, context: dict) -> HttpResponse:
    """render() for the editor's page and its workspace (see ROWS_SLOT)."""
    rows = context["grid_rows"]
    html = render_released(request, template, {**context, "grid_rows": ROWS_SLOT})
    before, slot, after = html.partition(ROWS_SLOT)
    if not slot:  # no grid to show (no columns or no activities yet)
        return HttpResponse(html)
    # Encoded apart: the rows are mostly plain ASCII, which encodes as a copy.
    return HttpResponse(b"".join((before.encode(), rows.encode(), after.encode())))


def _matrix_url(team, anchor=""):
    url = reverse("raci:matrix", args=[team.organization.slug, team.slug])
    return f"{url}#{anchor}" if anchor else url


def _grid(request, team, membership, *, added="", revision=None, **grid_options):
    """The team's grid and its markup.

    On the way, the findings counts of the organization page are kept for
    `revision` (the team's revision read before the matrix was), by default
    the one the team was loaded at if its counts are not for it yet.
    """
    if grid_options.get("stale_cell") or grid_options.get("only_row") is not None:
        grid = build_grid(team.snapshot(), **grid_options)
    else:
        grid = team_grid(
            team, revision=revision, all_findings=bool(grid_options.get("all_findings"))
        )
    if revision is None and team.findings_revision != team.revision:
        revision = team.revision
    if revision is not None:
        totals = FindingTotals(
            open=rules.count_by_severity(grid.findings), accepted=len(grid.accepted)
        )
        keep_finding_totals({(team.pk, revision): totals})
    markup = GridMarkup(grid, can_edit=membership.can_edit, added=added)
    return grid, markup


def _findings_markup(request, team, membership, grid):
    return FindingsMarkup(grid, request=request, team=team, can_edit=membership.can_edit)


def _context(request, team, membership, *, all_findings=False, added="", **extra):
    if request.method == "POST":
        # After a write: the revision the page now shows, read before the
        # matrix, for its live poll (team.revision is the one before the write).
        team.revision = Team.objects.values_list("revision", flat=True).get(pk=team.pk)
    grid, markup = _grid(request, team, membership, all_findings=all_findings, added=added)
    preferences = EditorPreferences.of(request.user)
    return {
        "live_revision": team.revision,
        "team": team,
        "organization": team.organization,
        "can_edit": membership.can_edit,
        "grid": grid,
        "findings_markup": _findings_markup(request, team, membership, grid),
        "column_headers": markup.column_headers(),
        "grid_rows": markup.groups(everything=all_rows(request)),
        # A form sent back with its errors (see activity_add); else the blank
        # one, built only when the page's cached copy of it is missing.
        "activity_form": None,
        "blank_activity_form": SimpleLazyObject(lambda: ActivityForm(team=team)),
        "column_form": ColumnAddForm(team=team, columns=[c.role_id for c in grid.columns]),
        "letters": LETTER_ORDER,
        "categories": [*CATEGORY_CHOICES, ("", "Other")],
        "legend": [(letter, LETTER_MEANINGS[letter]) for letter in LETTER_ORDER],
        "preferences": preferences,
        "collapsed": " ".join(f"group-{key}" for key in preferences.collapsed_in(team)),
        **extra,
    }


def _in_team(request, queryset, pk):
    """The activity or column an edit names, or None when a colleague removed it
    meanwhile and the edit came from htmx (a plain request gets the 404 page)."""
    found = queryset.filter(pk=pk).first()
    if found is None and not request.htmx:
        raise Http404("Not in this matrix")
    return found


def _gone(request, team, membership):
    """Answer an htmx edit of something removed meanwhile with the current editor
    and a word of explanation, instead of an error page."""
    messages.warning(
        request,
        "That activity or role is no longer in this matrix: a colleague may have removed it. "
        "Nothing was changed; here is the matrix as it is now.",
    )
    response = render_editor(request, TEMPLATE + "#workspace", _context(request, team, membership))
    return reswap(retarget(response, "#workspace"), "outerHTML")


def _confirm(request, team, *, question, button):
    """Without JavaScript a destructive edit is confirmed on a page of its own."""
    return render(
        request,
        "raci/matrix_confirm.html",
        {"team": team, "organization": team.organization, "question": question, "button": button},
    )


def _edited(request, team, membership, anchor="", **extra):
    """After a structural edit: the grid and the findings panel re-rendered for
    htmx, or back to the page (at `anchor`) for a plain POST."""
    if request.htmx:
        context = _context(request, team, membership, **extra)
        return render_editor(request, TEMPLATE + "#workspace", context)
    return redirect(_matrix_url(team, anchor))


def all_rows(request) -> bool:
    """Without JavaScript the rows after a large team's first screen come by a link."""
    return request.GET.get("rows") == "all"


@login_required
@require_GET
def matrix(request, org_slug, team_slug):
    team, membership = team_for_user(request, org_slug, team_slug)
    all_findings = request.GET.get("findings") == "all"
    context = _context(request, team, membership, all_findings=all_findings)
    return render_editor(request, TEMPLATE, context)


@login_required
@require_GET
def matrix_rows(request, org_slug, team_slug):
    """The rows after a large team's first screen, fetched by htmx as soon as
    the page is there."""
    team, membership = team_for_user(request, org_slug, team_slug)
    try:
        # Without `after`: every row.
        after = int(request.GET["after"]) if "after" in request.GET else None
    except ValueError:
        raise Http404("No such row") from None
    # Only an id goes back into the page: no text of the request's choosing.
    added = request.GET.get("added", "")
    added = added if re.fullmatch(r"(row|col)-\d+", added) else ""
    _, markup = _grid(request, team, membership, added=added)
    rows = markup.groups(after=after, everything=True)
    if rows is None:
        # The row the page ended with was removed meanwhile: show the matrix as it is.
        return HttpResponseClientRefresh()
    return HttpResponse(rows)


@login_required
@require_http_methods(["GET", "POST"])
def cell(request, org_slug, team_slug, activity_id, role_id):
    team, membership = team_for_user(request, org_slug, team_slug, edit=True)
    if request.method == "GET":
        return _cell_page(request, team, activity_id, role_id)
    form = CellForm(request.POST)
    edit = stale = None
    if form.is_valid():
        edit = team.edit_cell(
            activity_id=activity_id,
            role_id=role_id,
            letters=form.cleaned_data["letters"],
            version=form.cleaned_data["version"],
            by=request.user,
        )
        stale = edit is not None and not edit.saved
    # Gone, whether the edit found it so or the edit was unreadable.
    if edit is None and (form.is_valid() or not team.has_cell(activity_id, role_id)):
        if not request.htmx:
            raise Http404("Not in this matrix")
        return _gone(request, team, membership)
    if not form.is_valid():
        messages.error(request, "That edit could not be read; nothing was changed.")
    elif stale:
        messages.warning(
            request,
            f"Someone changed “{edit.activity_name}” for {edit.role_name} while you were "
            "editing; your edit was not saved. The current value is shown.",
        )
    if not request.htmx:
        return redirect(_matrix_url(team, cell_id(activity_id, role_id)))
    return _cell_answer(
        request, team, membership, (activity_id, role_id), stale, form, edit and edit.revision
    )


def _cell_page(request, team, activity_id, role_id):
    """Without JavaScript a cell is edited on a small page of its own."""
    activity = get_object_or_404(team.activities, pk=activity_id)
    role = get_object_or_404(team.roles, pk=role_id)
    current = Assignment.objects.filter(activity=activity, role=role).first()
    form = CellForm(
        initial={
            "letters": list(current.letters) if current else [],
            "version": current.version if current else 0,
        }
    )
    return render(
        request,
        "raci/assignment_form.html",
        {
            "team": team,
            "organization": team.organization,
            "activity": activity,
            "role": role,
            "form": form,
        },
    )


def _cell_answer(request, team, membership, cell, stale, form, edit_revision):
    """The edited row; the column headers and the findings panel too when they
    no longer match what the page shows (by the digest it sent).

    The findings are the whole team's: when colleagues changed other rows
    since the revision the page shows (`seen`), their rows come along, and
    the page's live poll moves on to this edit's revision; when they cannot
    (a column added meanwhile), the whole editor is shown as it is now.
    """
    seen = form.cleaned_data.get("seen") if form.is_valid() and not stale else None
    others = frozenset()
    previous = (edit_revision or 0) - 1
    if seen is not None and seen < previous:
        # Colleagues wrote between the page's revision and this edit.
        others = live.rows_changed_by_others(
            recorded_since(team, seen, previous), seen=seen, current=previous, me=request.user.pk
        )
        if others is None:
            messages.info(
                request, "A colleague changed the team meanwhile: here it is as it is now."
            )
            response = render_editor(
                request, TEMPLATE + "#workspace", _context(request, team, membership)
            )
            return reswap(retarget(response, "#workspace"), "outerHTML")
        others -= {cell[0]}
    if stale:
        grid, markup = _grid(
            request, team, membership, stale_cell=cell, only_row=None if others else cell[0]
        )
    else:
        # The whole grid, kept for this process's next page of the team.
        grid, markup = _grid(request, team, membership, revision=edit_revision)
    row = grid.row(cell[0])
    if row is None:  # removed right after this edit
        return _gone(request, team, membership)
    shown = form.cleaned_data.get("digest") if form.is_valid() else ""
    live_rows = [oob_row(markup, other) for a in others if (other := grid.row(a)) is not None]
    context = {
        "team": team,
        "organization": team.organization,
        "can_edit": membership.can_edit,
        "grid": grid,
        "findings_markup": _findings_markup(request, team, membership, grid),
        "row": markup.row(row),
        "findings_changed": shown != grid.digest or bool(live_rows),
        # Read only when the findings panel is sent (a query most edits spare).
        "preferences": SimpleLazyObject(lambda: EditorPreferences.of(request.user)),
        "column_headers": markup.column_headers(oob=True),
        "live_rows": live_rows,
        "live_revision": edit_revision if seen is not None else None,
    }
    return HttpResponse(render_released(request, TEMPLATE + "#cell_response", context))


def oob_row(markup: GridMarkup, row) -> SafeString:
    """A row to swap out of band, by its id, where the page has it."""
    return SafeString(markup.row(row).replace("<tr ", '<tr hx-swap-oob="true" ', 1))


def recorded_since(team, seen: int, current: int) -> list[live.Recorded]:
    """The change sets since `seen`, with their changes, in two queries; none
    when there are too many to be worth reading (the page is told to refresh)."""
    if current - seen > MAX_CHANGE_SETS:
        return []
    change_sets = list(
        ChangeSet.objects.filter(team=team, revision__gt=seen, revision__lte=current)
        .select_related("user")
        .order_by("revision")
    )
    changes = {}
    for change_set_id, kind, activity_id, role_id in Change.objects.filter(
        change_set__in=change_sets
    ).values_list("change_set_id", "kind", "activity_id", "role_id"):
        changes.setdefault(change_set_id, []).append((kind, activity_id, role_id))
    return [
        live.Recorded(
            revision=cs.revision,
            user_id=cs.user_id,
            user_name=(cs.user.get_short_name() or cs.user.get_username()) if cs.user else "",
            changes=tuple(changes.get(cs.pk, ())),
        )
        for cs in change_sets
    ]


@login_required
@require_POST
def category_collapse(request, org_slug, team_slug):
    """Keeps a category of this team's grid collapsed, or open again, for the
    user; anyone who may read the matrix may fold it."""
    team, _membership = team_for_user(request, org_slug, team_slug)
    form = CategoryCollapseForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("That category could not be read; nothing was changed.")
    EditorPreferences.collapse(user=request.user, team=team, **form.cleaned_data)
    if request.htmx:
        return HttpResponse(status=204)
    return redirect(_matrix_url(team))


@login_required
@require_POST
def cells_write(request, org_slug, team_slug):
    """A paste, a fill or a clear: a block of cells checked whole on the
    server (raci/blocks.py) and written as one change set, all or nothing,
    each cell compared with the version the page showed."""
    team, membership = team_for_user(request, org_slug, team_slug, edit=True)
    form = CellsWriteForm(request.POST)
    written = None
    touched = set()
    names_left_out = False
    if not form.is_valid():
        messages.error(request, "That paste could not be read; nothing was changed.")
    else:
        grid = build_grid(team.snapshot())
        rows = [blocks.Axis(row.activity.pk, row.activity.name) for row in grid.rows]
        at = (form.cleaned_data["activity"], form.cleaned_data["role"])
        try:
            block, names_left_out = blocks.without_names(
                blocks.read_block(form.cleaned_data["text"]), rows=rows, at=at
            )
            cells = blocks.place_block(
                block,
                rows=rows,
                columns=[blocks.Axis(column.role_id, column.name) for column in grid.columns],
                at=at,
                versions=form.cleaned_data["versions"],
            )
        except blocks.BlockRefused as refused:
            messages.error(request, str(refused))
        else:
            touched = {activity_id for activity_id, *_ in cells}
            written = team.write_cells(cells, by=request.user, action=form.cleaned_data["action"])
            left_out = ""
            if names_left_out:
                left_out = " The first column of the block, the names of its rows, was left out."
            if written.ok and written.change_set:
                messages.success(request, written.message + left_out)
            elif written.ok:
                messages.info(
                    request, "Those cells already hold these letters: nothing changed." + left_out
                )
            else:
                # Conflicts: the rows show what the cells hold now.
                messages.error(request, written.message)
    if not request.htmx:
        return redirect(_matrix_url(team))
    revision = written.change_set.revision if written and written.change_set else None
    grid, markup = _grid(request, team, membership, revision=revision)
    context = {
        "team": team,
        "organization": team.organization,
        "can_edit": membership.can_edit,
        "grid": grid,
        "findings_markup": _findings_markup(request, team, membership, grid),
        "rows": [markup.row(row, oob=True) for row in grid.rows if row.activity.pk in touched],
        "column_headers": markup.column_headers(oob=True),
        "preferences": EditorPreferences.of(request.user),
    }
    response = HttpResponse(render_released(request, TEMPLATE + "#cells_response", context))
    if written and written.ok and form.cleaned_data["action"] == "paste":
        # As a spreadsheet pastes, the page puts the cursor on the block's first
        # cell and selects it, once it is written: a refused paste leaves the
        # selection alone. The block is the letters, without a names' column.
        (top, left, *_), (bottom, right, *_) = cells[0], cells[-1]
        trigger_client_event(
            response,
            "raci:block-placed",
            {"from": cell_id(top, left), "to": cell_id(bottom, right)},
        )
    return response


@login_required
@require_POST
def apply_fix(request, org_slug, team_slug):
    team, membership = team_for_user(request, org_slug, team_slug, edit=True)
    form = FixForm(request.POST)
    applied = form.is_valid() and team.apply_fix(**form.cleaned_data, by=request.user)
    if applied:
        messages.success(request, f"Applied the fix: {applied}")
    else:
        messages.warning(
            request,
            "That finding is no longer there or its cells changed meanwhile: nothing was changed.",
        )
    return _edited(request, team, membership)


@login_required
@require_POST
def activity_add(request, org_slug, team_slug):
    team, membership = team_for_user(request, org_slug, team_slug, edit=True)
    form = ActivityForm(request.POST, team=team)
    if form.is_valid():
        form.instance.position = team.next_position(team.activities)
        taken = "This team already has an activity with that name."
        name = form.cleaned_data["name"]
        activity = save_unless_taken(
            form,
            taken,
            team=team,
            by=request.user,
            action="activity-add",
            summary=f"Added “{name}”",
        )
        if activity:
            messages.success(request, f"Added “{activity.name}”.")
    if form.is_valid():
        anchor = row_id(activity.pk)
        return _edited(request, team, membership, anchor, added=anchor)
    if request.htmx:
        # The form with its errors in the re-rendered editor.
        context = _context(request, team, membership, activity_form=form)
        return render_editor(request, TEMPLATE + "#workspace", context)
    # Without JavaScript, the form with its errors on a page of its own.
    return render(
        request,
        "raci/activity_form.html",
        {"team": team, "organization": team.organization, "form": form},
        status=400,
    )


@login_required
def activity_update(request, org_slug, team_slug, activity_id):
    team, membership = team_for_user(request, org_slug, team_slug, edit=True)
    activity = get_object_or_404(team.activities, pk=activity_id)
    form = ActivityForm(request.POST or None, instance=activity, team=team)
    taken = "This team already has an activity with that name."
    saved = (
        request.method == "POST"
        and form.is_valid()
        and save_unless_taken(form, taken, team=team, by=request.user, action="activity-rename")
    )
    if saved:
        messages.success(request, f"Saved “{activity.name}”.")
        return _edited(request, team, membership, row_id(activity.pk))
    return render(
        request,
        "raci/activity_form.html",
        {"team": team, "organization": team.organization, "activity": activity, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def activity_rename(request, org_slug, team_slug, activity_id):
    """A name typed in place in the grid (F2 or Enter on the name)."""
    team, membership = team_for_user(request, org_slug, team_slug, edit=True)
    activity = _in_team(request, team.activities, activity_id)
    if activity is None:
        return _gone(request, team, membership)
    old_name = activity.name
    form = ActivityRenameForm(request.POST, instance=activity)
    taken = "This team already has an activity with that name."
    saved = form.is_valid() and save_unless_taken(
        form,
        taken,
        team=team,
        by=request.user,
        action="activity-rename",
        summary=f"Renamed “{old_name}” to “{form.cleaned_data['name']}”",
    )
    if saved:
        messages.success(request, f"Renamed “{old_name}” to “{activity.name}”.")
    else:
        errors = " ".join(form.errors.get("name", ["That name could not be read."]))
        messages.error(request, f"“{old_name}” keeps its name: {errors}")
    return _edited(request, team, membership, row_id(activity.pk))


@login_required
@require_POST
def activity_place(request, org_slug, team_slug, activity_id):
    """A row dragged before another, or sent to another category."""
    team, membership = team_for_user(request, org_slug, team_slug, edit=True)
    activity = _in_team(request, team.activities, activity_id)
    if activity is None:
        return _gone(request, team, membership)
    form = ActivityPlaceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That move could not be read; nothing was changed.")
    elif not activity.place(
        category=form.cleaned_data["category"],
        before_id=form.cleaned_data["before"],
        by=request.user,
    ):
        if not request.htmx:
            raise Http404("Not in this matrix")
        return _gone(request, team, membership)
    return _edited(request, team, membership, row_id(activity.pk))


@login_required
@require_POST
def activity_insert(request, org_slug, team_slug, activity_id):
    """A new row above or below this one, in its category: under the name the
    grid's new row was given, or (a plain POST) named to be renamed."""
    team, membership = team_for_user(request, org_slug, team_slug, edit=True)
    activity = _in_team(request, team.activities, activity_id)
    if activity is None:
        return _gone(request, team, membership)
    form = ActivityInsertForm(request.POST, team=team)
    if not form.is_valid():
        errors = " ".join(form.errors.get("name", ["That insertion could not be read."]))
        messages.error(request, f"Nothing was added: {errors}")
        return _edited(request, team, membership, row_id(activity.pk))
    name = form.cleaned_data["name"]
    added = services.activity_insert(
        beside=activity, above=form.cleaned_data["where"] == "above", name=name, by=request.user
    )
    if added is None and name and team.activities.filter(pk=activity.pk).exists():
        messages.error(request, "Nothing was added: a colleague has just given that name to a row.")
        return _edited(request, team, membership, row_id(activity.pk))
    if added is None:
        if not request.htmx:
            raise Http404("Not in this matrix")
        return _gone(request, team, membership)
    if name:
        messages.success(request, f"Added “{added.name}”.")
    else:
        messages.success(request, f"Added “{added.name}”: give it its name.")
    anchor = row_id(added.pk)
    return _edited(request, team, membership, anchor, added=anchor)


@login_required
@require_POST
def activity_move(request, org_slug, team_slug, activity_id):
    team, membership = team_for_user(request, org_slug, team_slug, edit=True)
    activity = _in_team(request, team.activities, activity_id)
    if activity is None:
        return _gone(request, team, membership)
    form = ActivityMoveForm(request.POST)
    up = form.is_valid() and form.cleaned_data["direction"] == "up"
    if form.is_valid() and not activity.move(up=up, by=request.user):
        # A colleague deleted it between the lookup above and the move.
        if not request.htmx:
            raise Http404("Not in this matrix")
        return _gone(request, team, membership)
    return _edited(request, team, membership, row_id(activity.pk))


@login_required
@require_http_methods(["GET", "POST"])
def activity_delete(request, org_slug, team_slug, activity_id):
    team, membership = team_for_user(request, org_slug, team_slug, edit=True)
    activity = _in_team(request, team.activities, activity_id)
    if activity is None:
        return _gone(request, team, membership)
    if request.method == "GET":
        return _confirm(
            request,
            team,
            question=f"Delete “{activity.name}” and its cells?",
            button="Delete the activity",
        )
    summary = f"Deleted “{activity.name}” and its cells"
    parts = ("activities", "cells", "acceptances")
    with history.recording(
        team, by=request.user, action="activity-delete", summary=summary, parts=parts
    ):
        delete_locked(activity)
    messages.success(request, f"Deleted “{activity.name}” and its cells.")
    return _edited(request, team, membership)


@login_required
@require_POST
def column_add(request, org_slug, team_slug):
    team, membership = team_for_user(request, org_slug, team_slug, edit=True)
    form = ColumnAddForm(request.POST, team=team)
    if form.is_valid():
        role = form.cleaned_data["role"]
        services.team_column_add(team=team, role=role, by=request.user)
        messages.success(request, f"Added the {role.name} column.")
        added = column_id(role.pk)
    else:
        messages.error(request, "Choose a role of this organization that is not a column yet.")
        added = ""
    return _edited(request, team, membership, added, added=added)


@login_required
@require_http_methods(["GET", "POST"])
def column_remove(request, org_slug, team_slug, role_id):
    team, membership = team_for_user(request, org_slug, team_slug, edit=True)
    team_role = team.team_roles.select_related("role").filter(role_id=role_id).first()
    if team_role is None:
        if not request.htmx:
            raise Http404("Not a column of this team")
        return _gone(request, team, membership)
    if request.method == "GET":
        return _confirm(
            request,
            team,
            question=f"Remove the {team_role.role.name} column, its cells and who holds "
            "it in this team? The role itself stays in the organization.",
            button="Remove the column",
        )
    services.team_column_remove(team_role=team_role, by=request.user)
    messages.success(
        request, f"Removed the {team_role.role.name} column, its cells and who held it here."
    )
    return _edited(request, team, membership)
