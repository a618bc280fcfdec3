"""Importing a matrix file: upload, preview (with the reader's guesses editable),
confirm. Nothing is written before the confirmation, and the confirmation
writes in one transaction (`raci.imports.import_apply`)."""

import hashlib

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from raci import exports, imports, layouts, matrix_io, rules
from raci.models import STAGE_CHOICES, ImportUpload
from raci.views.access import membership_for_user, team_for_user
from raci.vocabulary import Severity, Stage, fold, letters_to_text

UPLOAD_TEMPLATE = "raci/import_upload.html"
PREVIEW_TEMPLATE = "raci/import_preview.html"
ACCEPT = ".csv,.tsv,.txt,.xlsx,.xlsm,.xls,.ods,.md,.markdown,.html,.htm,.json"
# Multipart framing around a 5 MB file: anything much larger is refused unread.
BODY_ALLOWANCE = 64 * 1024


# A pasted table's stand-in for a file name: without an extension, the reader tells
# Markdown, HTML, tab-separated and CSV text apart by their content.
PASTED = "Pasted table"
# Well under DATA_UPLOAD_MAX_MEMORY_SIZE, which Django applies to the whole of a form's
# text fields: a table of 5,000 activities copied as text takes about 300 KB.
PASTE_MAX_BYTES = 512 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        required=False,
        help_text="CSV, Excel (.xlsx, .xls), OpenDocument (.ods), Markdown, HTML or this app's "
        f"JSON; up to {matrix_io.MAX_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    # No maxlength on the box: a browser would cut a long paste short without a word.
    text = forms.CharField(
        required=False,
        strip=False,
        label="Or paste a table",
        help_text="A Markdown table, or cells copied from a spreadsheet or a wiki page "
        f"(tab-separated), or CSV; up to {PASTE_MAX_BYTES // 1024} KB.",
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "class": "font-monospace"}),
    )

    def clean(self):
        data = super().clean()
        file, text = data.get("file"), data.get("text") or ""
        if file and text.strip():
            raise forms.ValidationError(
                "Both a file and a pasted table were given: nothing was imported. Remove "
                "the file or empty the box, and preview again."
            )
        if not file and not text.strip() and not self.has_error("file"):
            raise forms.ValidationError("Choose a file, or paste a table in the box.")
        if not file and len(text.encode()) > PASTE_MAX_BYTES:
            self.add_error("text", _paste_too_big_message())
        return data


class NewTeamUploadForm(UploadForm):
    name = forms.CharField(
        max_length=120,
        required=False,
        help_text="Left empty: the table's own title (a heading above it), else the file's "
        "name, else “Imported team”.",
    )
    uses_scrum = forms.BooleanField(required=False, initial=True, label="Uses Scrum")
    stage = forms.ChoiceField(choices=STAGE_CHOICES, initial=Stage.ESTABLISHED.value)


class _LimitedUpload(FileUploadHandler):
    """Stops reading an upload once it passes the size limit, instead of spooling a
    huge file to disk first."""

    def __init__(self, request=None):
        super().__init__(request)
        self.too_big = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > matrix_io.MAX_BYTES:
            self.too_big = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def _too_big_message() -> str:
    return (
        f"The file is larger than {matrix_io.MAX_BYTES // (1024 * 1024)} MB: nothing was "
        "imported. A RACI matrix of 5,000 activities fits well under that."
    )


def _source(filename: str) -> str:
    """How the reader's messages and the preview name what was read."""
    return "the pasted table" if filename == PASTED else "the file"


def _about(filename: str, message: str) -> str:
    """A message about what was read, led by the file's name; the reader's
    messages about a paste name it already ("the pasted table starts with")."""
    return message if filename == PASTED else f"{filename}: {message}"


def _paste_too_big_message() -> str:
    return (
        f"The pasted text is larger than {PASTE_MAX_BYTES // 1024} KB: nothing was imported. "
        "Save the table as a file and upload it instead."
    )


def _urls(organization, team, upload=None):
    if team is None:
        upload_url = reverse("raci:import_new_team", args=[organization.slug])
        preview = "raci:import_new_team_preview"
        args = [organization.slug]
    else:
        upload_url = reverse("raci:team_import", args=[organization.slug, team.slug])
        preview = "raci:import_preview"
        args = [organization.slug, team.slug]
    preview_url = reverse(preview, args=[*args, upload.pk]) if upload else ""
    return upload_url, preview_url


@csrf_exempt
def team_import(request, org_slug, team_slug=None):
    # The size limit must be in place before the body is read, which CSRF checking
    # would do first: so the check runs inside, once the handler is installed. A body
    # announced as too big is refused before a byte of it is read.
    if request.method == "POST":
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if declared.isdigit() and int(declared) > matrix_io.MAX_BYTES + BODY_ALLOWANCE:
            return _refuse_unread(request, org_slug, team_slug)
        request.upload_handlers.insert(0, _LimitedUpload(request))
    return _team_import(request, org_slug, team_slug)


@login_required
def _refuse_unread(request, org_slug, team_slug):
    team, organization = _target(request, org_slug, team_slug)
    form = (UploadForm if team else NewTeamUploadForm)()
    context = {"organization": organization, "team": team, "form": form}
    context["refused"] = _too_big_message()
    context["action"] = _urls(organization, team)[0]
    response = render(request, UPLOAD_TEMPLATE, context, status=413)
    # The body was not read: the connection cannot carry another request.
    response["Connection"] = "close"
    return response


@csrf_protect
@login_required
@require_http_methods(["GET", "POST"])
def _team_import(request, org_slug, team_slug):
    team, organization = _target(request, org_slug, team_slug)
    form_class = UploadForm if team else NewTeamUploadForm
    form = form_class()
    status, refused = 200, ""
    if request.method == "POST":
        limited = next(h for h in request.upload_handlers if isinstance(h, _LimitedUpload))
        if refused := _body_too_big(request, limited):
            status = 413
        else:
            form = form_class(request.POST, request.FILES)
            upload = form.is_valid() and _store(request, form, organization, team)
            if upload:
                return redirect(_urls(organization, team, upload)[1])
            status = 400
    return render(
        request,
        UPLOAD_TEMPLATE,
        {
            "organization": organization,
            "team": team,
            "form": form,
            "action": _urls(organization, team)[0],
            "refused": refused,
        },
        status=status,
    )


def _body_too_big(request, limited: _LimitedUpload) -> str:
    """Why the body is refused, "" when it is not: a file over the limit, or form text
    (a paste) over what Django reads into memory."""
    try:
        request.FILES  # noqa: B018 - reading the body runs the upload handlers.
    except RequestDataTooBig:
        return _paste_too_big_message()
    return _too_big_message() if limited.too_big else ""


def _target(request, org_slug, team_slug):
    if team_slug:
        team, membership = team_for_user(request, org_slug, team_slug, edit=True)
        return team, membership.organization
    membership = membership_for_user(request, org_slug, edit=True)
    return None, membership.organization


def _store(request, form, organization, team) -> ImportUpload | None:
    """Read the file or the pasted text once to catch what cannot be read, then keep it
    for the preview."""
    upload = form.cleaned_data["file"]
    if upload is None:
        name, data, field = PASTED, form.cleaned_data["text"].encode(), "text"
    elif upload.size > matrix_io.MAX_BYTES:
        form.add_error("file", _too_big_message())
        return None
    else:
        name, data, field = upload.name, upload.read(matrix_io.MAX_BYTES + 1), "file"
    try:
        matrix_io.read_matrix_file(data, name, source=_source(name))
    except matrix_io.MatrixFileError as error:
        form.add_error(field, _about(name, f"{error} Nothing was imported."))
        return None
    ImportUpload.objects.expired().delete()
    extra = {}
    if team is None:
        extra = {
            "team_name": form.cleaned_data["name"].strip(),
            "uses_scrum": form.cleaned_data["uses_scrum"],
            "stage": form.cleaned_data["stage"],
        }
    return ImportUpload.objects.create(
        organization=organization,
        team=team,
        user=request.user,
        filename=name[:255],
        content=data,
        sha256=hashlib.sha256(data).hexdigest(),
        **extra,
    )


class PreviewForm(forms.Form):
    """The reader's guesses, each one changeable; built from the current reading."""

    def __init__(self, data, *, reading: layouts.Reading, plan_categories):
        super().__init__(data)
        self.fields["table"] = forms.TypedChoiceField(
            coerce=int,
            choices=[(n, label) for n, label in enumerate(reading.tables, start=1)] or [(1, "1")],
            initial=reading.table,
            required=False,
            label="Table",
        )
        self.fields["layout"] = forms.ChoiceField(
            choices=list(layouts.LAYOUTS.items()), initial=reading.layout, label="Layout"
        )
        choices, chosen = _activity_choices(reading)
        self.fields["activity_column"] = forms.ChoiceField(
            choices=choices or [("", "—")],
            initial=chosen,
            required=False,
            label="Activity column",
        )
        self.fields["sections"] = forms.BooleanField(
            required=False, initial=True, label="Rows without letters are section headings"
        )
        # The choosers in the mapping tables are rendered bare, in table cells.
        chooser = {"class": "form-select form-select-sm"}
        self.role_fields = []
        for index, mapping in enumerate(reading.mappings):
            name = f"role_{index}"
            self.fields[name] = forms.ChoiceField(
                choices=layouts.ROLE_CHOICES,
                initial=mapping.choice,
                label=mapping.header,
                widget=forms.Select(attrs=chooser),
            )
            self.role_fields.append((name, mapping))
        self.category_fields = []
        for index, (category, value) in enumerate(sorted(plan_categories.items())):
            name = f"category_{index}"
            self.fields[name] = forms.ChoiceField(
                choices=imports.category_choices(),
                initial=value,
                required=False,
                label=category,
                widget=forms.Select(attrs=chooser),
            )
            self.category_fields.append((name, category))
        self.fields["fingerprint"] = forms.CharField(widget=forms.HiddenInput, required=False)

    def options(self) -> layouts.ReadOptions:
        data = self.cleaned_data
        return layouts.ReadOptions(
            table=data.get("table") or None,
            layout=data.get("layout") or None,
            activity_column=data.get("activity_column") or None,
            roles={fold(m.header): data[name] for name, m in self.role_fields},
            sections=bool(data.get("sections")),
        )

    def chosen_headers(self) -> frozenset[str]:
        """The role headers (folded) whose chooser the user moved off the reader's guess:
        the form is built from the reading without choices, so its initial values are
        the guesses."""
        return frozenset(
            fold(m.header) for name, m in self.role_fields if self.cleaned_data[name] != m.choice
        )

    def category_map(self) -> dict[str, str]:
        return {
            category: self.cleaned_data.get(name) or "" for name, category in self.category_fields
        }


def _activity_choices(reading: layouts.Reading) -> tuple[list[tuple[str, str]], str]:
    """The activity column's choices, and the one the reading took. A column without a
    header (the corner of cells copied from a spreadsheet) is chosen by its number,
    which the reader takes as a position."""
    choices = [
        (header, header) if header else (str(number), f"column {number}")
        for number, header in enumerate(reading.headers, start=1)
    ]
    values = {label: value for value, label in choices}
    return choices, values.get(reading.activity_header, reading.activity_header)


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request, org_slug, upload_id, team_slug=None):
    team, organization = _target(request, org_slug, team_slug)
    upload = ImportUpload.objects.filter(
        organization=organization, user=request.user, team=team, pk=upload_id
    ).first()
    if upload is None:
        return _upload_gone(request, organization, team, upload_id)
    upload_url, preview_url = _urls(organization, team, upload)
    options, category_map, chosen = None, None, frozenset()
    posted = request.method == "POST"
    if posted:
        # Read once with the defaults to know which fields the form has, then with the
        # user's choices.
        first = _read(upload, None)
        if isinstance(first, str):
            return _unreadable(request, upload_url, first)
        plan = _plan(organization, team, upload, first, None)
        form = PreviewForm(
            request.POST,
            reading=first,
            plan_categories=plan.category_map if not isinstance(plan, str) else {},
        )
        if form.is_valid():
            options, category_map = form.options(), form.category_map()
            chosen = form.chosen_headers()
    reading = _read(upload, options)
    if isinstance(reading, str):
        messages.error(request, reading)
        reading, chosen = _read(upload, None), frozenset()
        if isinstance(reading, str):
            return _unreadable(request, upload_url, reading)
    plan = _plan(organization, team, upload, reading, category_map, reading.roles_under(chosen))
    if isinstance(plan, str):
        messages.error(request, plan)
        return redirect(upload_url)
    if posted and request.POST.get("action") == "confirm":
        stale = team is not None and request.POST.get("fingerprint") != plan.fingerprint
        if not stale:
            try:
                result = imports.import_apply(
                    plan=plan,
                    organization=organization,
                    uses_scrum=upload.uses_scrum if team is None else None,
                    stage=upload.stage if team is None else None,
                    by=request.user,
                    filename=upload.filename,
                )
            except imports.ChangedMeanwhile as error:
                messages.warning(request, str(error))
            else:
                _remember_imported(request, upload_id, result)
                upload.delete()
                # The name the preview showed was taken, before or during the import.
                renamed = (
                    f" as the new team “{result.name}” (a team named “{plan.team_name}” exists)"
                    if team is None and result.name != plan.team_name
                    else ""
                )
                what = "the pasted table" if upload.filename == PASTED else upload.filename
                messages.success(
                    request,
                    f"Imported {what}{renamed}: {len(plan.matrix.activities)} "
                    f"activities and {len(plan.matrix.roles)} role columns.",
                )
                return redirect("raci:matrix", organization.slug, result.slug)
        else:
            messages.warning(
                request,
                "The team changed since this preview (a colleague edited it): nothing was "
                "imported. Here is the preview against the team as it is now.",
            )
    initial = {
        "table": reading.table,
        "layout": reading.layout,
        "activity_column": _activity_choices(reading)[1],
        "sections": options.sections if options else True,
        "fingerprint": plan.fingerprint,
    }
    for index, mapping in enumerate(reading.mappings):
        initial[f"role_{index}"] = mapping.choice
    for index, (_category, value) in enumerate(sorted(plan.category_map.items())):
        initial[f"category_{index}"] = value
    form = PreviewForm(None, reading=reading, plan_categories=plan.category_map)
    form.initial = initial
    return render(
        request,
        PREVIEW_TEMPLATE,
        {
            "organization": organization,
            "team": team,
            "upload": upload,
            "reading": reading,
            "plan": plan,
            "form": form,
            "action": preview_url,
            "upload_url": upload_url,
            "source": _source(upload.filename),
            "counts": exports.counts_text(exports.severity_counts(plan.findings)),
            **_listed_findings(plan.findings),
            "accepted": len(plan.findings) - len(rules.open_findings(plan.findings)),
            "preview_rows": _preview_rows(plan),
            "preview_more": max(0, len(plan.matrix.activities) - PREVIEW_ROWS),
        },
    )


# Session key: the uploads this browser imported, upload id -> team id, so that Back to
# a confirmed preview (its upload deleted) can say where the file went.
IMPORTED = "imported_uploads"
IMPORTED_KEPT = 20


def _remember_imported(request, upload_id: int, team) -> None:
    imported = request.session.get(IMPORTED, {})
    imported[str(upload_id)] = team.pk
    request.session[IMPORTED] = dict(list(imported.items())[-IMPORTED_KEPT:])


def _upload_gone(request, organization, team, upload_id):
    """A preview whose upload is gone: imported (Back after the confirmation, or the
    confirmation sent twice) or expired. Someone else's upload stays a 404."""
    if ImportUpload.objects.filter(organization=organization, pk=upload_id).exists():
        raise Http404("No such import.")
    team_id = request.session.get(IMPORTED, {}).get(str(upload_id))
    imported = organization.teams.filter(pk=team_id).first() if team_id else None
    if imported is not None:
        messages.info(request, f"This file was already imported into “{imported.name}”.")
        return redirect("raci:matrix", organization.slug, imported.slug)
    hours = ImportUpload.KEPT_FOR.total_seconds() / 3600
    messages.info(
        request,
        "This import is no longer waiting for confirmation: the file was already imported, "
        f"or its preview expired after {hours:g} hours. Upload it again to import it.",
    )
    return redirect(_urls(organization, team)[0])


def _read(upload: ImportUpload, options):
    try:
        return matrix_io.read_matrix_file(
            bytes(upload.content), upload.filename, options, source=_source(upload.filename)
        )
    except matrix_io.MatrixFileError as error:
        return _about(upload.filename, str(error))


def _plan(organization, team, upload, reading, category_map, chosen_roles=frozenset()):
    try:
        return imports.import_plan(
            organization=organization,
            team=team,
            matrix=reading.matrix,
            team_name=upload.team_name,
            category_map=category_map,
            keys_in_file=reading.keys_in_file,
            # A paste has no file name to name its team after.
            filename="" if upload.filename == PASTED else upload.filename,
            # As the confirmation will give them to import_apply.
            uses_scrum=upload.uses_scrum if team is None else None,
            stage=upload.stage if team is None else None,
            chosen_roles=chosen_roles,
        )
    except imports.ImportRefused as error:
        return f"{upload.filename}: {error} Nothing was imported."


def _unreadable(request, upload_url, message):
    messages.error(request, f"{message} Nothing was imported.")
    return redirect(upload_url)


PREVIEW_ROWS = 200
PREVIEW_FINDINGS = 40


def _listed_findings(findings: list[rules.Finding]) -> dict[str, dict]:
    """The open findings the preview lists, errors and warnings apart from the info ones
    (which it folds away), each with how many are left out: every finding counted is
    listed or said to be left out."""
    found = rules.open_findings(findings)
    listed = {}
    for name, group in (
        ("problem_findings", [f for f in found if f.severity != Severity.INFO]),
        ("info_findings", [f for f in found if f.severity == Severity.INFO]),
    ):
        listed[name] = {
            "listed": group[:PREVIEW_FINDINGS],
            "total": len(group),
            "more": max(0, len(group) - PREVIEW_FINDINGS),
        }
    return listed


def _preview_rows(plan: imports.ImportPlan) -> list[dict]:
    matrix = plan.matrix
    labels = dict(imports.category_choices())
    return [
        {
            "name": activity.name,
            "category": labels[category] if (category := plan.categories.get(activity.key)) else "",
            "cells": [
                letters_to_text(matrix.letters(activity.key, role.key)) for role in matrix.roles
            ],
        }
        for activity in matrix.activities[:PREVIEW_ROWS]
    ]
