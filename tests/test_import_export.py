"""Exports from the matrix page and the command, imports through the preview and the
command: round trips in every importable format, and what an import refuses."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import resolve, reverse

from raci import exports, imports, layouts, matrix_io, rules, services
from raci.models import Activity, Assignment, ImportUpload, Person, RoleHolder, Team
from raci.views.exports import TEAM_FORMATS, chart_for, team_export_content
from raci.vocabulary import CanonicalRole, Severity
from tests.builders import make_activity, make_person, make_team

PM, PO, SM, DEV = (
    CanonicalRole.PRODUCT_MANAGER,
    CanonicalRole.PRODUCT_OWNER,
    CanonicalRole.SCRUM_MASTER,
    CanonicalRole.DEVELOPERS,
)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def team(organization):
    team = make_team(organization, "Checkout", stage="startup")
    analyst = organization.roles.create(name="Business Analyst", acts_as=PO.value)
    team.team_roles.create(role=analyst, position=9)
    make_activity(
        team,
        "Product vision",
        category="strategy",
        catalogue_key="product-vision",
        letters={PM: "AR", PO: "C", DEV: "I", analyst: "C"},
    )
    make_activity(
        team,
        "Backlog ordering",
        category="backlog",
        catalogue_key="backlog-ordering",
        letters={PO: "AR", PM: "C", SM: "I", analyst: "R"},
    )
    make_activity(
        team,
        "Build the increment",
        category="delivery",
        catalogue_key="build-increment",
        letters={DEV: "AR", PO: "C", SM: "C"},
    )
    make_activity(team, "Customer newsletter", letters={PM: "A", analyst: "R"})
    make_person(organization, "Maya", email="maya@example.com", team=team, roles=[PM])
    make_person(organization, "Tom", team=team, roles=[PO, analyst])
    make_person(organization, "Ali", team=team, roles=[DEV, SM])
    return team


def shape(team: Team, *, people=False):
    """What a round trip must keep: activities in order with categories and catalogue
    keys, role columns with the role they are checked as, letters; people and context
    when the format carries them."""
    matrix = Team.objects.get(pk=team.pk).to_matrix()
    result = {
        "roles": [(role.name, role.kind) for role in matrix.roles],
        "activities": [
            (
                a.name,
                a.category,
                a.catalogue_key,
                [matrix.letters(a.key, role.key) for role in matrix.roles],
            )
            for a in matrix.activities
        ],
    }
    if people:
        names = {role.key: role.name for role in matrix.roles}
        result["people"] = sorted(
            (p.name, p.email, sorted(names[key] for key in p.role_keys)) for p in matrix.people
        )
        result["context"] = matrix.context
    return result


def import_new(organization, content, filename, name="Copy") -> Team:
    data = content.encode() if isinstance(content, str) else content
    reading = matrix_io.read_matrix_file(data, filename)
    plan = imports.import_plan(
        organization=organization,
        team=None,
        matrix=reading.matrix,
        team_name=name,
        keys_in_file=reading.keys_in_file,
    )
    return imports.import_apply(plan=plan, organization=organization)


IMPORTABLE = {
    "csv": "m.csv",
    "excel.csv": "m.csv",
    "long.csv": "m.csv",
    "xlsx": "m.xlsx",
    "md": "m.md",
    "html": "m.html",
    "json": "m.json",
}


@pytest.mark.parametrize("file_format", list(IMPORTABLE))
def test_export_import_export_gives_the_same_matrix(team, organization, file_format):
    content = team_export_content(chart_for(team.snapshot()), file_format)

    copy = import_new(organization, content, IMPORTABLE[file_format])

    if file_format == "long.csv":
        # One line per letter carries no column order: the same roles and letters.
        assert by_name(copy) == by_name(team)
        return
    assert shape(copy, people=file_format == "json") == shape(team, people=file_format == "json")
    again = team_export_content(chart_for(copy.snapshot()), file_format)
    if file_format != "xlsx":  # The workbook carries its export time.
        assert again.replace("Copy", "Checkout") == content


def by_name(team):
    matrix = Team.objects.get(pk=team.pk).to_matrix()
    return {
        (a.name, a.category, role.name, role.kind): matrix.letters(a.key, role.key)
        for a in matrix.activities
        for role in matrix.roles
    }


def test_json_round_trip_keeps_people_holders_and_context(team, organization):
    copy = import_new(organization, matrix_io.write_json(team.to_matrix()), "t.json")
    assert (copy.uses_scrum, copy.stage) == (team.uses_scrum, "startup")
    assert Person.objects.filter(organization=organization).count() == 3  # reused, not copied
    assert (
        RoleHolder.objects.filter(team=copy).count() == RoleHolder.objects.filter(team=team).count()
    )


def test_import_over_a_team_lists_and_applies_creations_changes_and_removals(team, organization):
    data = (
        "Activity,Category,Product Owner,Developers,Legal\n"
        "Backlog ordering,backlog,AR,C,\n"
        "Build the increment,delivery,C,AR,I\n"
        "Privacy review,,I,C,AR\n"
    )
    plan = imports.import_plan(
        organization=organization, team=team, matrix=matrix_io.read_matrix(data, "m.csv")
    )
    assert plan.activities_created == ["Privacy review"]
    assert sorted(plan.activities_removed) == ["Customer newsletter", "Product vision"]
    assert plan.columns_added == ["Legal"] and plan.roles_created == ["Legal"]
    assert sorted(plan.columns_removed) == ["Business Analyst", "Product Manager", "Scrum Master"]
    assert "no-responsible" not in {finding.rule for finding in plan.findings}

    imports.import_apply(plan=plan, organization=organization)

    assert list(team.activities.values_list("name", flat=True)) == [
        "Backlog ordering",
        "Build the increment",
        "Privacy review",
    ]
    assert [c.role.name for c in team.team_roles.select_related("role")] == [
        "Product Owner",
        "Developers",
        "Legal",
    ]
    # A CSV names nobody: who holds the kept roles stays as it was.
    assert set(RoleHolder.objects.filter(team=team).values_list("person__name", flat=True)) == {
        "Tom",
        "Ali",
    }


def test_a_team_changed_since_the_preview_is_not_imported(team, organization):
    plan = imports.import_plan(
        organization=organization,
        team=team,
        matrix=matrix_io.read_matrix("Task,PO\nX,AR\n", "m.csv"),
    )
    Assignment.objects.filter(activity__team=team).update(letters="C")  # a colleague edits
    with pytest.raises(imports.ChangedMeanwhile):
        imports.import_apply(plan=plan, organization=organization)
    assert team.activities.count() == 4


def test_a_failure_half_way_writes_nothing(team, organization, monkeypatch):
    plan = imports.import_plan(
        organization=organization,
        team=team,
        matrix=matrix_io.read_matrix("Task,PO,QA\nX,AR,C\n", "m.csv"),
    )

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "_write_activities", explode)
    with pytest.raises(RuntimeError):
        imports.import_apply(plan=plan, organization=organization)
    assert shape(team)["roles"][-1][0] == "Business Analyst"
    assert not organization.roles.filter(name="QA").exists()


# --- The browser flow ----------------------------------------------------------------------


def url(name, team, *args):
    return reverse(f"raci:{name}", args=[team.organization.slug, team.slug, *args])


def upload(client, team, name, content):
    file = io.BytesIO(content.encode() if isinstance(content, str) else content)
    file.name = name
    return client.post(url("team_import", team), {"file": file})


def test_upload_preview_and_confirm(editor_client, team):
    response = upload(
        editor_client,
        team,
        "wiki.md",
        "| Task | PdM | PM | Dev |\n|---|---|---|---|\n| Vision | A | C | R |\n",
    )
    assert response.status_code == 302
    stored = ImportUpload.objects.get()
    preview = editor_client.get(response["Location"])
    page = preview.content.decode()
    assert "4</strong> activities removed" not in page and "Customer newsletter" in page
    assert "&#x27;PM&#x27; read as the Project Manager" in page
    assert Team.objects.get(pk=team.pk).activities.count() == 4  # nothing written yet

    form = preview.context["form"]
    data = {
        name: field.initial if field.initial is not None else form.initial.get(name, "")
        for name, field in form.fields.items()
    }
    data.update(form.initial)
    data["sections"] = "on"
    data["action"] = "confirm"
    done = editor_client.post(response["Location"], data)

    assert done.status_code == 302 and done["Location"] == url("matrix", team)
    assert list(team.activities.values_list("name", flat=True)) == ["Vision"]
    assert team.team_roles.filter(role__name="PM", role__acts_as="").exists()
    assert not ImportUpload.objects.filter(pk=stored.pk).exists()


def test_the_preview_applies_the_users_choices(editor_client, team):
    response = upload(editor_client, team, "m.csv", "Task,PM,Dev\nVision,A,R\n")
    preview = editor_client.get(response["Location"])
    data = dict(preview.context["form"].initial)
    role_field = next(name for name, m in preview.context["form"].role_fields if m.header == "PM")
    data.update({role_field: "custom", "action": "preview", "sections": "on"})
    again = editor_client.post(response["Location"], data)
    assert [r.kind for r in again.context["plan"].matrix.roles] == [None, DEV]


def test_the_role_chooser_offers_the_project_manager_the_catalogue_names(editor_client, team):
    response = upload(editor_client, team, "m.csv", "Task,Delivery,Dev\nBudget,AR,I\n")
    preview = editor_client.get(response["Location"])
    assert '<option value="project-manager">Project Manager (a role of its own)</option>' in (
        preview.text
    )
    role_field = next(n for n, m in preview.context["form"].role_fields if m.header == "Delivery")
    data = dict(preview.context["form"].initial, action="preview", sections="on")
    data[role_field] = "project-manager"
    again = editor_client.post(response["Location"], data)
    assert "New roles in Acme Product: Project Manager" in again.text

    data.update(again.context["form"].initial, action="confirm")
    editor_client.post(response["Location"], data)

    column = team.team_roles.get(role__name="Project Manager").role
    assert column.kind is None
    assert [c.role.name for c in team.team_roles.order_by("position")] == [
        "Project Manager",
        "Developers",
    ]


def test_a_pm_column_beside_the_product_manager_joins_the_organizations_project_manager(
    editor_client, team, organization
):
    project_manager = organization.roles.create(name="Project Manager")
    response = upload(editor_client, team, "m.csv", "Task,Product Manager,PM\nPlan,A,R\n")
    preview = editor_client.get(response["Location"])
    assert "New roles in" not in preview.text
    data = dict(preview.context["form"].initial, action="confirm", sections="on")
    editor_client.post(response["Location"], data)

    assert team.team_roles.filter(role=project_manager).exists()
    assert not organization.roles.filter(name="PM").exists()


# A table naming the organization's own "Project Manager" (made by an earlier import).
PROJECT_MANAGER_TABLE = (
    "| Activity | Project Manager | Product Owner |\n|---|---|---|\n"
    "| Backlog ordering | R | A |\n| Pricing | AR | I |\n"
)


def _choose_role(client, response, header, choice):
    """The preview updated with the chooser of the column `header` set to `choice`."""
    preview = client.get(response["Location"])
    form = preview.context["form"]
    field = next(name for name, mapping in form.role_fields if mapping.header == header)
    data = dict(form.initial, action="preview", sections="on")
    data[field] = choice
    return client.post(response["Location"], data)


def _confirm(client, response, preview):
    data = dict(preview.context["form"].initial, action="confirm", sections="on")
    return client.post(response["Location"], data)


def test_a_role_chosen_in_the_preview_wins_over_the_organizations_role_of_that_name(
    editor_client, organization
):
    project_manager = organization.roles.create(name="Project Manager")
    response = paste(editor_client, organization, PROJECT_MANAGER_TABLE, name="Pricing squad")

    again = _choose_role(editor_client, response, "Project Manager", PM.value)

    assert "<strong>2</strong> role columns added: Product Manager, Product Owner" in again.text
    assert '<th scope="col">Product Manager</th>' in again.text
    _confirm(editor_client, response, again)
    team = Team.objects.get(name="Pricing squad")
    assert shape(team)["roles"] == [("Product Manager", PM), ("Product Owner", PO)]
    pricing = next(row for row in shape(team)["activities"] if row[0] == "Pricing")
    assert pricing[3] == [{"A", "R"}, {"I"}]
    assert not project_manager.team_roles.exists()


def test_over_a_team_the_chosen_role_replaces_the_column_of_the_headers_name(
    editor_client, organization
):
    project_manager = organization.roles.create(name="Project Manager")
    team = make_team(organization, "Pricing", kinds=(PO,))
    team.team_roles.create(role=project_manager, position=1)
    response = paste(editor_client, team, PROJECT_MANAGER_TABLE)
    assert "<strong>0</strong> role columns added" in editor_client.get(response["Location"]).text

    again = _choose_role(editor_client, response, "Project Manager", PM.value)

    assert (
        "<strong>1</strong> role column added: Product Manager; "
        "<strong>1</strong> removed: Project Manager"
    ) in again.text
    _confirm(editor_client, response, again)
    assert shape(team)["roles"] == [("Product Manager", PM), ("Product Owner", PO)]


def test_a_chooser_left_as_read_keeps_the_organizations_role_of_the_headers_name(
    editor_client, organization
):
    project_manager = organization.roles.create(name="Project Manager")
    response = paste(editor_client, organization, PROJECT_MANAGER_TABLE)
    # The preview updated with every guess as it was.
    again = _choose_role(editor_client, response, "Product Owner", PO.value)
    assert "<strong>2</strong> role columns added: Project Manager, Product Owner" in again.text

    _confirm(editor_client, response, again)

    team = Team.objects.get(team_roles__role=project_manager)
    assert shape(team)["roles"] == [("Project Manager", None), ("Product Owner", PO)]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("chart.pdf", b"%PDF-1.4 x", "This is a PDF document"),
        ("empty.csv", b"", "The submitted file is empty"),
        ("m.csv", b"Task,PO\nVision,X\n", "unknown letter"),
    ],
)
def test_an_unreadable_upload_says_why_and_changes_nothing(
    editor_client, team, name, content, message
):
    response = upload(editor_client, team, name, content)
    assert response.status_code == 400 and message in response.content.decode()
    assert not ImportUpload.objects.exists() and team.activities.count() == 4


def test_a_huge_upload_is_refused_unread(editor_client, team):
    huge = b"Task,PO\n" + b"x,A\n" * (matrix_io.MAX_BYTES // 4 + 100_000)
    response = upload(editor_client, team, "huge.csv", huge)
    assert response.status_code == 413 and "larger than 5 MB" in response.content.decode()
    assert not ImportUpload.objects.exists()


def test_a_just_too_big_upload_is_stopped_by_the_upload_handler(editor_client, team):
    # Small enough to pass the announced-length check, too big for the file limit.
    content = b"Task,PO\n" + b"x" * (matrix_io.MAX_BYTES + 10)
    response = upload(editor_client, team, "big.csv", content)
    assert response.status_code == 413 and not ImportUpload.objects.exists()


def test_viewers_cannot_import_and_outsiders_see_nothing(viewer_client, team, client, outsider):
    assert viewer_client.get(url("team_import", team)).status_code == 403
    client.force_login(outsider)
    assert client.get(url("team_import", team)).status_code == 404


def test_an_upload_belongs_to_its_user(editor_client, owner, team, client):
    response = upload(editor_client, team, "m.csv", "Task,PO\nVision,AR\n")
    client.force_login(owner)
    assert client.get(response["Location"]).status_code == 404


def test_import_into_a_new_team(editor_client, organization):
    response = editor_client.post(
        reverse("raci:import_new_team", args=[organization.slug]),
        {
            "file": _named(b"Task,PO,Dev\nVision,A,R\n", "m.csv"),
            "name": "Payments",
            "stage": "startup",
        },
    )
    preview = editor_client.get(response["Location"])
    data = dict(preview.context["form"].initial, action="confirm", sections="on")
    done = editor_client.post(response["Location"], data)
    new = Team.objects.get(name="Payments")
    assert done["Location"] == reverse("raci:matrix", args=[organization.slug, new.slug])
    assert (new.uses_scrum, new.stage) == (False, "startup")


MOBILE_MD = """# Mobile squad RACI

| Task | PM | PO | SM | Dev |
|---|---|---|---|---|
| Product roadmap | A/R | C | I | I |
| Backlog refinement | C | A | R | R |
| Sprint planning | I | R | A | R |
| Code review | | | | A/R |
| Release sign-off | A | R | I | C |
| Stakeholder updates | R | A | | I |

Legend: R = Responsible, A = Accountable, C = Consulted, I = Informed
"""


def _preview_then_confirm(client, response):
    """The preview's findings counts, and the team the confirmation made or changed."""
    preview = client.get(response["Location"])
    counts = preview.context["counts"]
    assert f'<p class="finding-counts">{counts}' in preview.text
    data = dict(preview.context["form"].initial, action="confirm", sections="on")
    done = client.post(response["Location"], data)
    slugs = resolve(done["Location"]).kwargs
    return counts, Team.objects.get(organization__slug=slugs["org_slug"], slug=slugs["team_slug"])


def _counts_of(team: Team) -> str:
    return exports.counts_text(exports.severity_counts(Team.objects.get(pk=team.pk).analyse()))


def test_a_new_teams_preview_counts_the_findings_it_will_have_nobody_holding_a_role(
    editor_client, organization
):
    response = editor_client.post(
        reverse("raci:import_new_team", args=[organization.slug]),
        {"file": _named(MOBILE_MD.encode(), "mobile.md"), "stage": "startup"},
    )
    preview = editor_client.get(response["Location"])
    assert "unstaffed-role" in preview.text  # nobody holds the roles of a new team

    counts, new = _preview_then_confirm(editor_client, response)

    assert counts == _counts_of(new)
    assert "▲ 0 warnings" not in counts


def test_an_import_over_a_team_previews_the_findings_it_will_have_its_acceptances_kept(
    editor_client, editor, team
):
    finding = next(f for f in team.analyse() if f.activity_key and not f.accepted)
    team.accept_finding(
        rule=finding.rule,
        activity=finding.activity_key,
        role=finding.role_key or "",
        letters_digest=finding.letters_digest,
        reason="We know.",
        user=editor,
    )
    csv_text = matrix_io.write_csv(team.to_matrix())
    response = upload(editor_client, team, "again.csv", csv_text)
    preview = editor_client.get(response["Location"])
    assert "(1 accepted by the team, not counted)" in preview.text

    counts, same = _preview_then_confirm(editor_client, response)

    assert same == team and counts == _counts_of(team)


def test_a_small_imported_team_gets_one_finding_for_the_documented_rows_it_lacks(
    editor_client, organization
):
    response = paste(editor_client, organization, MOBILE_MD)
    _counts, new = _preview_then_confirm(editor_client, response)

    page = editor_client.get(reverse("raci:matrix", args=[organization.slug, new.slug])).text

    assert page.count('data-rule="missing-core-activity"') == 1
    assert "“User stories”" in page and "“Product roadmap”" not in page
    # Accepted once, for all of them.
    (finding,) = [f for f in new.analyse() if f.rule == "missing-core-activity"]
    editor_client.post(
        url("finding_accept", new),
        {
            "rule": finding.rule,
            "subject": finding.subject,
            "letters": finding.letters_digest,
            "reason": "We leave the rest to the wider product team.",
        },
    )
    assert [f.accepted.reason for f in new.analyse() if f.rule == "missing-core-activity"] == [
        "We leave the rest to the wider product team."
    ]


def _import_unnamed(client, organization, content, filename) -> Team:
    response = client.post(
        reverse("raci:import_new_team", args=[organization.slug]),
        {"file": _named(content, filename), "name": "", "stage": "startup"},
    )
    return _preview_then_confirm(client, response)[1]


def test_a_new_team_left_unnamed_takes_the_files_heading_or_the_files_name(
    editor_client, organization
):
    markdown = _import_unnamed(editor_client, organization, MOBILE_MD.encode(), "mobile.md")
    csv_file = _import_unnamed(editor_client, organization, b"Task;PM;Dev\nDeploy;A;R\n", "web.csv")
    bare = _import_unnamed(editor_client, organization, b"Task;PM;Dev\nDeploy;A;R\n", ".csv")

    assert (markdown.name, csv_file.name, bare.name) == (
        "Mobile squad RACI",
        "web",
        "Imported team",
    )


def _workbook(sheets: dict[str, list[list[str]]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


MATRIX_ROWS = [["Task", "PM", "Dev"], ["Deploy", "A", "R"]]


@pytest.mark.parametrize(
    ("content", "filename", "name"),
    [
        (_workbook({"Payments": MATRIX_ROWS}), "book.xlsx", "Payments"),
        (_workbook({"Sheet1": MATRIX_ROWS}), "book.xlsx", ""),  # a default name says nothing
        (_workbook({"RACI matrix": [["Growth"], [], *MATRIX_ROWS]}), "book.xlsx", "Growth"),
        (b"R = Responsible, A = Accountable\n\nTask,PM,Dev\nDeploy,A,R\n", "m.csv", ""),
        (
            b"## Backlog\n\n| Task | PM |\n|---|---|\n| Order | A |\n\n## Delivery\n\n"
            b"| Task | PM |\n|---|---|\n| Ship | A |\n",
            "m.md",
            "",
        ),  # headings are categories
    ],
)
def test_the_name_a_file_gives_its_table(content, filename, name):
    assert matrix_io.read_matrix_file(content, filename).matrix.name == name


def test_our_own_workbook_names_its_team_again(team, organization):
    content = team_export_content(chart_for(team.snapshot()), "xlsx")
    assert matrix_io.read_matrix_file(content, "checkout-raci.xlsx").matrix.name == "Checkout"


def test_back_to_a_confirmed_preview_says_where_the_file_went(editor_client, organization, team):
    response = editor_client.post(
        reverse("raci:import_new_team", args=[organization.slug]),
        {"file": _named(b"Task,PO\nVision,AR\n", "web.csv"), "stage": "startup"},
    )
    preview_url = response["Location"]
    _counts, new = _preview_then_confirm(editor_client, response)

    back = editor_client.get(preview_url, follow=True)  # Back, or a reload
    again = editor_client.post(preview_url, {"action": "confirm"}, follow=True)  # sent twice

    for answer in (back, again):
        assert answer.redirect_chain == [(url("matrix", new), 302)]
        assert "This file was already imported into “web”." in answer.text
    assert Team.objects.filter(organization=organization).count() == 2

    over = upload(editor_client, team, "m.csv", "Task,PO\nVision,AR\n")
    _preview_then_confirm(editor_client, over)
    back = editor_client.get(over["Location"], follow=True)
    assert back.redirect_chain == [(url("matrix", team), 302)]
    assert "This file was already imported into “Checkout”." in back.text


def test_a_preview_gone_without_a_trace_sends_back_to_the_upload_form(editor_client, organization):
    gone = reverse("raci:import_new_team_preview", args=[organization.slug, 999])

    answer = editor_client.get(gone, follow=True)

    import_page = reverse("raci:import_new_team", args=[organization.slug])
    assert answer.redirect_chain == [(import_page, 302)]
    assert "the file was already imported, or its preview expired" in answer.text


def test_a_new_teams_name_taken_gets_the_next_free_name_and_says_so(editor_client, organization):
    make_team(organization, "Payments")
    response = editor_client.post(
        reverse("raci:import_new_team", args=[organization.slug]),
        {"file": _named(b"Task,PO\nVision,AR\n", "m.csv"), "name": "payments", "stage": "startup"},
    )
    preview = editor_client.get(response["Location"])
    data = dict(preview.context["form"].initial, action="confirm", sections="on")

    done = editor_client.post(response["Location"], data, follow=True)

    new = Team.objects.get(name="payments (2)")
    assert (new.slug, new.activities.count()) == ("payments-2", 1)
    assert "as the new team “payments (2)” (a team named “payments” exists)" in done.text


def test_a_name_taken_while_a_new_team_is_imported_goes_to_the_next_free_one(
    organization, monkeypatch
):
    """The window two imports of one name at once hit (see tests/test_races.py),
    opened on purpose: a colleague's team takes the name and slug just before
    the import writes its team."""
    free_slug = services.unique_slug

    def colleague_first(name, taken, *, fallback):
        slug = free_slug(name, taken, fallback=fallback)
        if not Team.objects.filter(name="Payments").exists():
            Team.objects.create(organization=organization, name="Payments", slug=slug)
        return slug

    monkeypatch.setattr(services, "unique_slug", colleague_first)

    new = import_new(organization, "Task,PO\nVision,AR\n", "m.csv", name="Payments")

    assert (new.name, new.slug, new.activities.count()) == ("Payments (2)", "payments-2", 1)
    assert Team.objects.filter(organization=organization).count() == 2


def test_a_files_team_name_too_long_for_the_database_is_cut(organization):
    name = "Checkout " * 20
    Team.objects.create(organization=organization, name=name[:120].strip(), slug="checkout")

    new = import_new(organization, "Task,PO\nVision,AR\n", "m.csv", name=name)

    assert new.name == name[: 120 - 4] + " (2)"


# --- A table pasted into the box ----------------------------------------------------------


def paste(client, target, text, **fields):
    """Post `text` in the paste box: over `target`, a team, or into a new team of `target`,
    an organization."""
    if isinstance(target, Team):
        address = url("team_import", target)
    else:
        address = reverse("raci:import_new_team", args=[target.slug])
        fields.setdefault("stage", "startup")
    return client.post(address, {"text": text, **fields})


SPREADSHEET_PASTE = "\tPO\tDev\r\nBacklog ordering\tAR\tC\r\nBuild the increment\tC\tAR\r\n"


def test_a_table_pasted_from_a_wiki_becomes_a_new_team_named_by_its_heading(
    editor_client, organization
):
    response = paste(editor_client, organization, MOBILE_MD)
    assert response.status_code == 302
    preview = editor_client.get(response["Location"])
    assert "Preview: Pasted table as the new team “Mobile squad RACI”" in preview.text

    counts, new = _preview_then_confirm(editor_client, response)

    assert new.name == "Mobile squad RACI" and new.activities.count() == 6
    assert counts == _counts_of(new)


def test_documented_activities_pasted_without_sections_take_their_catalogue_categories(
    editor_client, organization
):
    response = paste(editor_client, organization, SPREADSHEET_PASTE, name="Squad")
    preview = editor_client.get(response["Location"])
    shown = {row["name"]: row["category"] for row in preview.context["preview_rows"]}
    assert shown == {"Backlog ordering": "Backlog", "Build the increment": "Delivery"}

    _counts, new = _preview_then_confirm(editor_client, response)

    assert dict(new.activities.values_list("name", "category")) == {
        "Backlog ordering": "backlog",
        "Build the increment": "delivery",
    }


def test_a_file_without_sections_leaves_a_teams_rows_in_their_own_categories(
    editor_client, organization
):
    team = make_team(organization, "Squad", kinds=(PO, DEV))
    make_activity(team, "Backlog ordering", category="delivery", letters={PO: "A"})

    response = paste(editor_client, team, SPREADSHEET_PASTE)
    _counts, same = _preview_then_confirm(editor_client, response)

    categories = dict(same.activities.values_list("name", "category"))
    assert categories == {"Backlog ordering": "delivery", "Build the increment": "delivery"}


def test_cells_pasted_from_a_spreadsheet_replace_a_teams_matrix(editor_client, team):
    response = paste(editor_client, team, SPREADSHEET_PASTE)
    preview = editor_client.get(response["Location"])
    assert "Customer newsletter" in preview.text  # listed as removed
    # The activities' column has no header: the preview names it by its number.
    assert '<option value="1" selected>column 1</option>' in preview.text
    assert team.activities.count() == 4  # nothing written before the confirmation

    data = dict(preview.context["form"].initial, action="confirm", sections="on")
    done = editor_client.post(response["Location"], data, follow=True)

    assert "Imported the pasted table: 2 activities and 2 role columns." in done.text
    assert "There is no column" not in done.text
    assert list(team.activities.values_list("name", flat=True)) == [
        "Backlog ordering",
        "Build the increment",
    ]


def test_the_preview_of_a_paste_speaks_of_the_table_not_a_file(editor_client, team):
    pasted = editor_client.get(paste(editor_client, team, SPREADSHEET_PASTE)["Location"]).text
    uploaded = editor_client.get(upload(editor_client, team, "m.csv", "Task,PO\nX,A\n")["Location"])

    assert "Check what the pasted table was read as" in pasted
    assert "How the pasted table was read" in pasted
    assert "Header in the pasted table" in pasted
    assert "(the pasted table names no people)" in pasted
    assert "the file was read" not in pasted and "the file names" not in pasted
    assert "How the file was read" in uploaded.text
    assert "(the file names no people)" in uploaded.text


def test_the_preview_lists_every_finding_it_counts_the_info_ones_folded_away(
    editor_client, organization
):
    response = paste(editor_client, organization, MOBILE_MD)
    preview = editor_client.get(response["Location"])

    found = rules.open_findings(preview.context["plan"].findings)
    info = [f for f in found if f.severity == Severity.INFO]
    assert info and len(found) > len(info)
    assert preview.text.count('<li class="finding finding-') == len(found)
    folded = preview.text.split('<details class="info-findings">')[1].split("</details>")[0]
    assert f"{len(info)} info finding" in folded
    assert "<code>missing-core-activity</code>" in folded
    assert folded.count('<li class="finding finding-info"') == len(info)


def test_a_paste_without_a_title_makes_an_imported_team_unless_named(editor_client, organization):
    unnamed = paste(editor_client, organization, "Task,PO,Dev\nVision,A,R\n", name="")
    named = paste(editor_client, organization, "Task,PO,Dev\nVision,A,R\n", name="Payments")

    assert _preview_then_confirm(editor_client, unnamed)[1].name == "Imported team"
    assert _preview_then_confirm(editor_client, named)[1].name == "Payments"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "hello world\nthis is not a table",
            "No RACI matrix found: the pasted table starts with hello world",
        ),
        ("Task,PO\nVision,X\n", "unknown letter"),
        ("  \n\t\n", "Choose a file, or paste a table in the box."),
    ],
)
def test_a_paste_that_cannot_be_read_says_why_and_changes_nothing(
    editor_client, team, text, message
):
    response = paste(editor_client, team, text)
    assert response.status_code == 400 and message in response.text
    assert not any("file" in error for error in response.context["form"].errors.get("text", []))
    assert not ImportUpload.objects.exists() and team.activities.count() == 4
    # The paste stays in the box, to be corrected.
    assert response.context["form"]["text"].value() == text


def test_a_paste_over_the_limit_is_refused_with_the_limit(editor_client, team):
    from raci.views.imports import PASTE_MAX_BYTES

    over = "Task\tPO\n" + "Vision\tA\n" * (PASTE_MAX_BYTES // 9)
    response = paste(editor_client, team, over)
    assert response.status_code == 400
    assert "The pasted text is larger than 512 KB: nothing was imported." in response.text
    assert not ImportUpload.objects.exists()


def test_a_paste_beyond_what_a_form_may_send_is_refused_with_the_same_words(editor_client, team):
    response = paste(editor_client, team, "Task\tPO\n" + "Vision\tA\n" * 200_000)
    assert response.status_code == 413
    assert "The pasted text is larger than 512 KB: nothing was imported." in response.text
    assert not ImportUpload.objects.exists()


def test_a_file_and_a_paste_at_once_are_refused(editor_client, team):
    response = editor_client.post(
        url("team_import", team),
        {"file": _named(b"Task,PO\nVision,AR\n", "m.csv"), "text": SPREADSHEET_PASTE},
    )
    assert response.status_code == 400
    assert "Both a file and a pasted table were given: nothing was imported." in response.text
    assert not ImportUpload.objects.exists() and team.activities.count() == 4


def test_the_upload_page_offers_the_paste_box(editor_client, team):
    page = editor_client.get(url("team_import", team)).text
    assert '<textarea name="text"' in page and "Or paste a table" in page
    assert "maxlength" not in page  # a browser would cut a long paste short


def _named(content, name):
    file = io.BytesIO(content)
    file.name = name
    return file


# --- Downloads from the matrix page --------------------------------------------------------


@pytest.mark.parametrize("file_format", list(TEAM_FORMATS))
def test_every_format_downloads_from_the_matrix_page(viewer_client, team, file_format):
    page = viewer_client.get(url("matrix", team)).content.decode()
    assert f'href="{url("export", team, file_format)}"' in page
    response = viewer_client.get(url("export", team, file_format))
    assert response.status_code == 200
    assert response["Content-Type"] == TEAM_FORMATS[file_format][1]
    assert response["Content-Disposition"].startswith('attachment; filename="checkout-raci')


def test_the_print_view_and_the_organization_exports(viewer_client, team, organization):
    assert "Build the increment" in viewer_client.get(url("print", team)).content.decode()
    for file_format in ("xlsx", "json"):
        response = viewer_client.get(
            reverse("raci:organization_export", args=[organization.slug, file_format])
        )
        assert response.status_code == 200


def test_the_print_view_names_the_apps_icon(viewer_client, team):
    # Without it the browser asks for /favicon.ico, a 404 in the console.
    page = viewer_client.get(url("print", team)).content.decode()

    assert 'rel="icon"' in page and "raci/favicon.svg" in page


def test_outsiders_download_nothing(outsider_client, team, organization):
    assert outsider_client.get(url("export", team, "xlsx")).status_code == 404
    assert (
        outsider_client.get(
            reverse("raci:organization_export", args=[organization.slug, "json"])
        ).status_code
        == 404
    )


# --- The command ---------------------------------------------------------------------------


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("raci", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "file_format", ["csv", "excel-csv", "long-csv", "xlsx", "pdf", "svg", "md", "html", "json"]
)
def test_raci_export_writes_every_format(team, tmp_path, file_format):
    target = tmp_path / f"out.{file_format}"
    code, _, err = run(
        "export", "acme-product/checkout", "--format", file_format, "-o", str(target)
    )
    assert (code, err) == (0, "") and target.stat().st_size > 100


def test_raci_import_dry_run_changes_nothing_and_exits_like_lint(team, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("Task,PO,Dev\nVision,,R\n")
    code, out, _ = run("import", str(path), "acme-product/checkout", "--dry-run")
    assert code == 1 and "Dry run: nothing was written." in out
    assert "Activities: 1 created" in out and "[no-accountable]" in out
    assert team.activities.count() == 4


def test_raci_import_creates_a_team_and_refuses_unknown_ones(organization, tmp_path):
    path = tmp_path / "m.md"
    path.write_text("| Task | PO | Dev |\n|---|---|---|\n| Vision | A | R |\n")
    assert run("import", str(path), "acme-product/new-team")[0] == 2
    code, out, _ = run("import", str(path), "acme-product/new-team", "--create")
    assert code == 0 and "Imported into acme-product/new-team" in out


def test_raci_import_role_flag_wins_over_the_organizations_role_of_that_name(
    organization, tmp_path
):
    organization.roles.create(name="Project Manager")
    path = tmp_path / "m.md"
    path.write_text(PROJECT_MANAGER_TABLE)

    _code, out, _ = run(
        "import", str(path), "acme-product/pricing", "--create", "--role", "Project Manager=pm"
    )

    assert "Role columns: 2 added: Product Manager, Product Owner" in out
    team = Team.objects.get(organization=organization)
    assert shape(team)["roles"] == [("Product Manager", PM), ("Product Owner", PO)]


def test_an_organization_backup_imports_back(team, organization, tmp_path):
    path = tmp_path / "backup.json"
    code, _, _ = run("export", "acme-product", "--format", "json", "-o", str(path))
    before = shape(team, people=True)
    Activity.objects.filter(team=team).delete()
    code, _out, err = run("import", str(path), "acme-product")
    assert code in (0, 1), err
    assert shape(Team.objects.get(pk=team.pk), people=True) == before


def test_raci_lint_reads_every_real_file_as_is():
    real = sorted((ROOT / "tests" / "samples" / "real").glob("*.*"))
    for path in real:
        result = subprocess.run(
            [sys.executable, "manage.py", "raci", "lint", str(path), "--format", "json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode in (0, 1), (path.name, result.stderr)
        assert json.loads(result.stdout)["summary"]


def test_the_organization_page_links_its_exports_and_the_import(editor_client, team, organization):
    page = editor_client.get(reverse("raci:organization", args=[organization.slug])).content
    for name, args in [
        ("organization_export", [organization.slug, "xlsx"]),
        ("organization_export", [organization.slug, "json"]),
        ("import_new_team", [organization.slug]),
    ]:
        assert f'href="{reverse(f"raci:{name}", args=args)}"'.encode() in page


def test_a_paste_that_the_chosen_layout_cannot_read_is_not_named_as_a_file(editor_client, team):
    preview_url = paste(editor_client, team, SPREADSHEET_PASTE)["Location"]
    preview = editor_client.get(preview_url)
    data = {**preview.context["form"].initial, "layout": layouts.LONG, "action": "preview"}
    answer = editor_client.post(preview_url, data)

    # Shown read with the defaults again, with what the layout chosen could not read.
    assert answer.status_code == 200 and answer.context["reading"].layout == layouts.ROWS
    assert "One row per letter needs columns for the activity, the role and the letter" in (
        answer.text
    )
    assert "Pasted table: One row per letter" not in answer.text
