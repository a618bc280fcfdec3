"""The matrix editor's requests: page, cell edits (htmx and plain), fixes,
activities and columns."""

import re
from functools import partial
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from raci.grid import build_grid
from raci.models import Activity, Assignment, Role, RoleHolder, TeamQuerySet, TeamRole
from tests.builders import (
    DEV,
    HTMX,
    PM,
    PO,
    SM,
    canonical_role,
    make_activity,
    make_filled_team,
    make_organization,
    make_person,
    make_team,
)
from tests.races import while_uncommitted


@pytest.fixture
def team(organization):
    return make_team(organization, "Checkout")


@pytest.fixture
def ordering(team):
    return make_activity(
        team,
        "Order the backlog",
        category="backlog",
        catalogue_key="backlog-ordering",
        letters={PO: "AR", DEV: "C", PM: "C"},
    )


def url(name, team, *args):
    return reverse(f"raci:{name}", args=[team.organization.slug, team.slug, *args])


def cell_url(activity, kind):
    role = canonical_role(activity.team.organization, kind)
    return url("cell", activity.team, activity.pk, role.pk)


def cell(activity, kind):
    return Assignment.objects.get(activity=activity, role__canonical=kind.value)


def test_matrix_page_shows_activities_roles_holders_and_letters(viewer_client, team, ordering):
    make_person(team.organization, "Tom Becker", team=team, roles=[PO])

    response = viewer_client.get(url("matrix", team))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Order the backlog" in page
    assert '<th scope="col"' in page and "Product Owner" in page
    assert "Tom Becker" in page
    assert f'id="cell-{ordering.pk}-' in page


def test_the_editor_links_each_team_to_its_own_pages(editor_client, organization):
    checkout, search = make_team(organization, "Checkout"), make_team(organization, "Search")
    for team, other in ((checkout, search), (search, checkout)):
        html = editor_client.get(url("matrix", team)).content.decode()
        assert f'href="{url("history", team)}"' in html
        assert f'href="{url("export", team, "excel.csv")}"' in html
        assert f'hx-post="{url("undo", team)}"' in html
        assert url("history", other) not in html


def test_viewer_sees_the_matrix_without_editing_controls(viewer_client, team, ordering):
    page = viewer_client.get(url("matrix", team)).content.decode()

    assert "picker-form" not in page
    assert "Add an activity" not in page


def test_htmx_cell_edit_saves_and_returns_the_row_and_findings_out_of_band(
    editor_client, team, ordering
):
    response = editor_client.post(
        cell_url(ordering, PM), {"letters": ["A", "C"], "version": 1}, **HTMX
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert cell(ordering, PM).letters == "AC"
    assert page.lstrip().startswith(f'<tr id="row-{ordering.pk}"')
    assert 'id="findings"' in page and 'hx-swap-oob="true"' in page
    # Two roles are accountable now.
    assert 'data-rule="multiple-accountable"' in page


def test_plain_cell_edit_redirects_back_to_the_cell(editor_client, team, ordering):
    response = editor_client.post(cell_url(ordering, SM), {"letters": ["I"], "version": 0})

    assert response.status_code == 302
    assert response.url.endswith(f"#cell-{ordering.pk}-{canonical_role(team.organization, SM).pk}")
    assert cell(ordering, SM).letters == "I"


def test_clearing_a_cell_keeps_its_row_with_no_letters(editor_client, team, ordering):
    editor_client.post(cell_url(ordering, DEV), {"version": 1}, **HTMX)

    assert cell(ordering, DEV).letters == ""
    assert cell(ordering, DEV).version == 2


def test_stale_edit_is_refused_and_shows_the_current_value(editor_client, team, ordering):
    # A colleague saves first: the cell moves to version 2.
    Assignment.objects.filter(activity=ordering, role__canonical="dev").update(
        letters="R", version=2
    )

    response = editor_client.post(cell_url(ordering, DEV), {"letters": ["I"], "version": 1}, **HTMX)

    page = response.content.decode()
    assert cell(ordering, DEV).letters == "R"
    assert "is-stale" in page
    assert "your edit was not saved" in page
    assert 'data-version="2"' in page  # the row now carries the current version


def test_stale_plain_edit_says_so_after_the_redirect(editor_client, team, ordering):
    Assignment.objects.filter(activity=ordering, role__canonical="dev").update(version=5)

    response = editor_client.post(
        cell_url(ordering, DEV), {"letters": ["I"], "version": 1}, follow=True
    )

    assert "your edit was not saved" in response.content.decode()
    assert cell(ordering, DEV).letters == "C"


def test_malformed_cell_edit_changes_nothing(editor_client, team, ordering):
    response = editor_client.post(cell_url(ordering, PO), {"letters": ["X"], "version": "one"})

    assert response.status_code == 302
    assert cell(ordering, PO).letters == "AR"


def test_malformed_htmx_cell_edit_says_it_could_not_be_read(editor_client, team, ordering):
    response = editor_client.post(cell_url(ordering, PO), {"letters": ["X"]}, **HTMX)

    page = response.content.decode()
    assert "could not be read" in page
    assert "is-stale" not in page
    assert cell(ordering, PO).letters == "AR"


def test_cell_of_a_role_that_is_not_a_column_of_the_team_is_404(editor_client, organization):
    team = make_team(organization, kinds=[PM, DEV])
    activity = make_activity(team)

    response = editor_client.post(cell_url(activity, PO), {"letters": ["A"], "version": 0})

    assert response.status_code == 404
    assert not Assignment.objects.exists()


def test_viewer_cannot_edit_a_cell(viewer_client, team, ordering):
    response = viewer_client.post(cell_url(ordering, PM), {"letters": ["A"], "version": 1})

    assert response.status_code == 403
    assert cell(ordering, PM).letters == "C"


def test_cell_page_without_javascript_shows_the_current_letters(editor_client, team, ordering):
    response = editor_client.get(cell_url(ordering, PO))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Product Owner on “Order the backlog”" in page
    assert re.search(r'value="A"[^>]*checked', page)
    assert not re.search(r'value="I"[^>]*checked', page)
    assert 'name="version" value="1"' in page


def test_viewer_cannot_open_a_cell_page(viewer_client, team, ordering):
    assert viewer_client.get(cell_url(ordering, PO)).status_code == 403


def test_cell_edit_refuses_other_methods(editor_client, team, ordering):
    assert editor_client.put(cell_url(ordering, PM)).status_code == 405


def test_apply_fix_makes_the_documented_owner_accountable(editor_client, team, ordering):
    Assignment.objects.filter(activity=ordering, role__canonical="pm").update(letters="A")
    Assignment.objects.filter(activity=ordering, role__canonical="po").update(letters="R")
    finding = next(f for f in team.analyse() if f.rule == "owner-mismatch" and f.fixes)

    response = editor_client.post(
        url("apply_fix", team),
        {"rule": finding.rule, "activity": finding.activity_key, "role": finding.role_key or ""},
        **HTMX,
    )

    assert response.status_code == 200
    assert "Applied the fix: Product Owner on “Order the backlog” is now AR" in (
        response.content.decode()
    )
    assert "owner-mismatch" not in {f.rule for f in team.analyse()}
    assert "A" in cell(ordering, PO).letters
    assert "A" not in cell(ordering, PM).letters
    assert 'id="workspace"' in response.content.decode()


def test_apply_fix_for_a_finding_that_is_gone_changes_nothing(editor_client, team, ordering):
    before = list(Assignment.objects.values_list("letters", "version"))

    response = editor_client.post(
        url("apply_fix", team),
        {"rule": "owner-mismatch", "activity": str(ordering.pk), "role": ""},
        follow=True,
    )

    assert "nothing was changed" in response.content.decode()
    assert list(Assignment.objects.values_list("letters", "version")) == before


def fix_buttons(page):
    """Each fix button's visible label and the text of what describes it."""
    return [
        (label, re.search(rf'id="{described_by}">([^<]*)<', page)[1])
        for described_by, label in re.findall(
            r'<button type="submit" class="[^"]*apply-fix" aria-describedby="([^"]+)">([^<]*)<',
            page,
        )
    ]


@pytest.fixture
def two_bosses(team):
    """The Product Owner and the Scrum Master each hold an A on backlog ordering."""
    return make_activity(
        team,
        "Order the backlog",
        category="backlog",
        catalogue_key="backlog-ordering",
        letters={PO: "A", SM: "A", DEV: "C"},
    )


def test_a_fix_button_says_what_it_does_and_which_cells_it_changes(editor_client, team, two_bosses):
    # Without JavaScript: the page as it loads.
    page = editor_client.get(url("matrix", team)).content.decode()

    assert fix_buttons(page) == [
        ("Make Product Owner accountable", "Product Owner: A → AR; Scrum Master: A → not involved")
    ]
    assert "Apply fix" not in page
    assert "a role that held only the A is left with none unless you give it an R or C" in page


def test_a_cell_edit_answers_with_the_fix_and_its_changes(editor_client, team, two_bosses):
    editor_client.post(cell_url(two_bosses, SM), {"letters": [], "version": 1}, **HTMX)

    # Giving the Scrum Master the A again brings the finding back into the panel.
    response = editor_client.post(
        cell_url(two_bosses, SM), {"letters": ["A"], "version": 2}, **HTMX
    )

    assert (cell(two_bosses, SM).letters, cell(two_bosses, SM).version) == ("A", 3)
    assert 'id="findings"' in response.content.decode()
    assert fix_buttons(response.content.decode()) == [
        ("Make Product Owner accountable", "Product Owner: A → AR; Scrum Master: A → not involved")
    ]


def test_a_plain_fix_does_what_its_button_said(editor_client, team, two_bosses):
    [(_label, said)] = fix_buttons(editor_client.get(url("matrix", team)).content.decode())
    assert "Scrum Master: A → not involved" in said

    response = editor_client.post(
        url("apply_fix", team),
        {"rule": "multiple-accountable", "activity": str(two_bosses.pk), "role": ""},
        follow=True,
    )

    # In the words the button used.
    assert "Scrum Master on “Order the backlog” is now not involved" in response.content.decode()
    assert (cell(two_bosses, PO).letters, cell(two_bosses, SM).letters) == ("AR", "")


def test_add_activity_appends_it_to_the_matrix(editor_client, team, ordering):
    response = editor_client.post(
        url("activity_add", team), {"name": "Run the demo", "category": "delivery"}, **HTMX
    )

    assert response.status_code == 200
    assert "Run the demo" in response.content.decode()
    added = team.activities.get(name="Run the demo")
    assert added.position > ordering.position


def test_add_activity_with_a_duplicate_name_shows_the_error_inline(editor_client, team, ordering):
    response = editor_client.post(
        url("activity_add", team), {"name": "order the BACKLOG", "category": ""}, **HTMX
    )

    assert "already has an activity with that name" in response.content.decode()
    assert team.activities.count() == 1


def test_rename_activity_with_a_plain_form(editor_client, team, ordering):
    page = editor_client.get(url("activity_update", team, ordering.pk))
    assert page.status_code == 200

    response = editor_client.post(
        url("activity_update", team, ordering.pk),
        {
            "name": "Order the product backlog",
            "category": "backlog",
            "description": "Weekly",
            "based_on": ordering.version,
        },
    )

    assert response.status_code == 302
    ordering.refresh_from_db()
    assert (ordering.name, ordering.description) == ("Order the product backlog", "Weekly")


def test_move_activity_swaps_it_with_its_neighbour_in_the_same_category(
    editor_client, team, ordering
):
    refine = make_activity(team, "Refine the backlog", category="backlog")
    make_activity(team, "Launch", category="launch")

    editor_client.post(url("activity_move", team, refine.pk), {"direction": "up"}, **HTMX)

    names = list(team.activities.filter(category="backlog").values_list("name", flat=True))
    assert names == ["Refine the backlog", "Order the backlog"]


def test_delete_activity_removes_it_and_its_cells(editor_client, team, ordering):
    response = editor_client.post(url("activity_delete", team, ordering.pk), **HTMX)

    assert response.status_code == 200
    assert not Activity.objects.filter(pk=ordering.pk).exists()
    assert not Assignment.objects.exists()


def test_add_and_remove_a_role_column(editor_client, organization):
    team = make_team(organization, kinds=[PM, DEV])
    activity = make_activity(team, letters={PM: "AR"})
    po = canonical_role(organization, PO)

    editor_client.post(url("column_add", team), {"role": po.pk}, **HTMX)
    columns = team.team_roles.values_list("role__canonical", flat=True)
    assert list(columns) == ["pm", "dev", "po"]

    make_person(organization, team=team, roles=[PO])
    Assignment.objects.create(activity=activity, role=po, letters="C")
    editor_client.post(url("column_remove", team, po.pk), **HTMX)

    assert not TeamRole.objects.filter(team=team, role=po).exists()
    assert not Assignment.objects.filter(role=po).exists()
    assert not RoleHolder.objects.filter(role=po).exists()
    assert po.__class__.objects.filter(pk=po.pk).exists()  # the role itself stays


def test_a_team_with_every_role_says_where_a_new_role_comes_from(editor_client, organization):
    team = make_team(organization)  # every canonical role: none left to add
    page = editor_client.get(url("matrix", team)).content.decode()

    assert "Add a role column" in page
    assert "is a column here already" in page
    assert reverse("raci:roles", args=[organization.slug]) in page

    Role.objects.create(organization=organization, name="QA Lead")
    page = editor_client.get(url("matrix", team)).content.decode()
    assert '<option value="' in page[page.index('id="add-column-title"') :]
    assert "is a column here already" not in page


def test_adding_a_role_that_is_already_a_column_is_refused(editor_client, team):
    pm = canonical_role(team.organization, PM)

    response = editor_client.post(url("column_add", team), {"role": pm.pk}, follow=True)

    assert "not a column yet" in response.content.decode()
    assert TeamRole.objects.filter(team=team, role=pm).count() == 1


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_export_downloads_the_matrix(viewer_client, team, ordering, file_format):
    response = viewer_client.get(url("export", team, file_format))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "Order the backlog" in response.content.decode()


def test_export_in_an_unknown_format_is_404(viewer_client, team):
    assert viewer_client.get(url("export", team, "exe")).status_code == 404


def cell_version(activity, kind):
    found = Assignment.objects.filter(activity=activity, role__canonical=kind.value).first()
    return found.version if found else 0


def test_findings_panel_lists_the_first_fifty_of_a_severity_and_links_to_all(viewer_client, team):
    for index in range(55):
        make_activity(team, f"Empty {index}")

    page = viewer_client.get(url("matrix", team)).content.decode()
    full = viewer_client.get(url("matrix", team) + "?findings=all").content.decode()

    assert page.count('data-rule="empty-activity"') == 50
    assert "Show all 55 error findings" in page
    assert full.count('data-rule="empty-activity"') == 55


def test_apply_fix_changes_nothing_when_a_cell_changed_meanwhile(editor_client, team, ordering):
    Assignment.objects.filter(activity=ordering, role__canonical="pm").update(letters="A")
    Assignment.objects.filter(activity=ordering, role__canonical="po").update(letters="R")
    finding = next(f for f in team.analyse() if f.rule == "owner-mismatch" and f.fixes)
    real_snapshot = team.snapshot

    def snapshot_then_a_colleague_edits():
        # The fix is computed from this snapshot; a colleague saves right after.
        snapshot = real_snapshot()
        Assignment.objects.filter(activity=ordering, role__canonical="po").update(
            letters="I", version=9
        )
        return snapshot

    team.snapshot = snapshot_then_a_colleague_edits
    applied = team.apply_fix(
        rule=finding.rule, activity=finding.activity_key, role=finding.role_key or ""
    )

    assert applied is None
    assert cell(ordering, PO).letters == "I"
    assert cell(ordering, PM).letters == "A"


def test_rows_share_one_menu_and_each_name_leads_to_its_actions(editor_client, team, ordering):
    refine = make_activity(team, "Refine the backlog", category="backlog")

    page = editor_client.get(url("matrix", team)).content.decode()

    # One row menu for the page, not a menu per row; the catalogue key is data.
    rows = re.findall(r'<tr id="row-\d+".*?</tr>', page)
    assert len(rows) == 2 and not any("<details" in row or "<form" in row for row in rows)
    assert page.count('<details id="row-menu"') == 1
    assert page.count("Move up") == 1
    assert f'<tr id="row-{ordering.pk}" class="activity-row" data-key="backlog-ordering">' in page
    # Without JavaScript, a row's name opens its page, which moves and deletes it.
    assert f'<a class="activity-name" href="activities/{refine.pk}/">' in page
    activity_page = editor_client.get(url("activity_update", team, refine.pk)).content.decode()
    assert url("activity_move", team, refine.pk) in activity_page
    assert url("activity_delete", team, refine.pk) in activity_page


def test_moving_an_activity_from_its_page_goes_back_to_the_matrix(editor_client, team, ordering):
    refine = make_activity(team, "Refine the backlog", category="backlog")

    response = editor_client.post(url("activity_move", team, refine.pk), {"direction": "up"})

    assert response.status_code == 302
    assert response["Location"].endswith(f"#row-{refine.pk}")
    names = list(team.activities.order_by("position").values_list("name", flat=True))
    assert names == ["Refine the backlog", "Order the backlog"]


def test_column_header_opens_a_menu_with_its_holders_and_removal(editor_client, team, ordering):
    make_person(team.organization, "Tom Becker", team=team, roles=[PO])
    po = canonical_role(team.organization, PO)

    page = editor_client.get(url("matrix", team)).content.decode()

    header = re.search(rf'<th scope="col" id="col-{po.pk}".*?</th>', page).group(0)
    assert '<details class="column-menu">' in header
    assert 'Held by <span class="holders">Tom Becker</span>' in header
    assert f'hx-post="columns/{po.pk}/remove/"' in header
    # No "remove" link in every header any more.
    assert ">remove<" not in page


def test_a_new_activity_is_marked_so_the_page_shows_it(editor_client, team, ordering):
    response = editor_client.post(
        url("activity_add", team), {"name": "Run the demo", "category": "delivery"}, **HTMX
    )

    added = team.activities.get(name="Run the demo")
    marked = re.findall(r'<tr id="(row-\d+)"[^>]* data-added>', response.content.decode())
    assert marked == [f"row-{added.pk}"]


def test_htmx_edit_of_an_activity_a_colleague_deleted_shows_the_matrix_as_it_is(
    editor_client, team, ordering
):
    url_of_deleted = cell_url(ordering, PM)
    ordering.delete()

    response = editor_client.post(url_of_deleted, {"letters": ["A"], "version": 1}, **HTMX)

    assert response.status_code == 200
    assert response["HX-Retarget"] == "#workspace"
    assert "no longer in this matrix" in response.content.decode()
    assert not Assignment.objects.exists()


def test_plain_edit_of_a_deleted_activity_is_404(editor_client, team, ordering):
    url_of_deleted = cell_url(ordering, PM)
    ordering.delete()

    response = editor_client.post(url_of_deleted, {"letters": ["A"], "version": 1})

    assert response.status_code == 404


def test_without_javascript_deleting_an_activity_asks_first(editor_client, team, ordering):
    page = editor_client.get(url("activity_delete", team, ordering.pk))

    assert page.status_code == 200
    assert "Delete “Order the backlog” and its cells?" in page.content.decode()
    assert Activity.objects.filter(pk=ordering.pk).exists()

    editor_client.post(url("activity_delete", team, ordering.pk))
    assert not Activity.objects.filter(pk=ordering.pk).exists()


def test_without_javascript_removing_a_column_asks_first(editor_client, team, ordering):
    po = canonical_role(team.organization, PO)

    page = editor_client.get(url("column_remove", team, po.pk))

    assert "Remove the Product Owner column" in page.content.decode()
    assert TeamRole.objects.filter(team=team, role=po).exists()


def test_htmx_edit_after_the_session_ended_sends_the_browser_to_sign_in(client, team, ordering):
    matrix_page = url("matrix", team)

    response = client.post(
        cell_url(ordering, PM),
        {"letters": ["A"], "version": 1},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{matrix_page}",
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/accounts/login/?next={quote(matrix_page)}"
    assert cell(ordering, PM).letters == "C"


def test_a_stale_security_token_is_explained(team, ordering, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    response = client.post(cell_url(ordering, PM), {"letters": ["A"], "version": 1}, **HTMX)

    assert response.status_code == 403
    assert response["X-Raci-Error"] == "csrf"
    assert "Your session changed" in response.content.decode()
    assert cell(ordering, PM).letters == "C"


def test_activities_added_after_a_delete_can_still_be_moved(editor_client, team):
    first, _second, third = (
        make_activity(team, name, category="backlog") for name in ("First", "Second", "Third")
    )
    editor_client.post(url("activity_delete", team, first.pk), **HTMX)
    editor_client.post(url("activity_add", team), {"name": "Fourth", "category": "backlog"}, **HTMX)

    editor_client.post(url("activity_move", team, third.pk), {"direction": "down"}, **HTMX)

    shown = [a.name for a in sorted(team.activities.all(), key=Activity.display_order)]
    assert shown == ["Second", "Fourth", "Third"]


def test_export_of_a_team_whose_role_has_a_reserved_name_explains_instead_of_failing(
    viewer_client, team, ordering
):
    # Possible for roles made before names were checked, or through the admin.
    role = Role.objects.create(organization=team.organization, name="Category")
    TeamRole.objects.create(team=team, role=role, position=9)

    response = viewer_client.get(url("export", team, "csv"), follow=True)

    assert "cannot be exported as CSV" in response.content.decode()
    assert viewer_client.get(url("export", team, "json")).status_code == 200


def edit_answer(client, activity, kind, letters, version, digest):
    return client.post(
        cell_url(activity, kind), {"letters": letters, "version": version, "digest": digest}, **HTMX
    ).content.decode()


def test_an_edit_that_changes_no_finding_answers_with_the_row_alone(editor_client, team, ordering):
    digest = editor_client.get(url("matrix", team)).context["grid"].digest

    # Saving the Developers' C again (a new version) changes no finding.
    page = edit_answer(editor_client, ordering, DEV, ["C"], 1, digest)

    assert cell(ordering, DEV).version == 2
    assert page.count("<tr ") == 1 and f'id="row-{ordering.pk}"' in page
    assert 'id="findings"' not in page and 'id="column-headers"' not in page
    assert 'id="flash"' in page


def test_an_edit_that_changes_the_findings_sends_them_with_their_new_digest(
    editor_client, team, ordering
):
    digest = editor_client.get(url("matrix", team)).context["grid"].digest

    # A second A: an error on the row, in the panel and in its counts.
    page = edit_answer(editor_client, ordering, SM, ["A"], 0, digest)

    assert 'data-rule="multiple-accountable"' in page
    assert 'id="column-headers" hx-swap-oob="true"' in page
    new_digest = re.search(r'id="findings"[^>]*data-digest="(\w+)"', page).group(1)
    assert new_digest != digest
    assert new_digest == editor_client.get(url("matrix", team)).context["grid"].digest


def test_a_page_that_missed_a_colleagues_change_gets_the_findings_with_the_next_edit(
    editor_client, owner, team, ordering
):
    digest = editor_client.get(url("matrix", team)).context["grid"].digest
    # A colleague takes the A away meanwhile: the page's findings are out of date.
    owners_cell = Assignment.objects.get(activity=ordering, role__canonical="po")
    team.edit_cell(
        activity_id=ordering.pk,
        role_id=owners_cell.role_id,
        letters=["R"],
        version=owners_cell.version,
        by=owner,
    )

    page = edit_answer(editor_client, ordering, SM, ["I"], 0, digest)

    assert 'data-rule="no-accountable"' in page


def test_the_answer_to_an_edit_does_not_grow_with_the_matrix(editor_client, organization):
    def answer(team):
        # Activity 3 holds the Developers' A: saved again, it changes no finding.
        activity = team.activities.get(name="Activity 3")
        digest = editor_client.get(url("matrix", team)).context["grid"].digest
        return edit_answer(editor_client, activity, DEV, ["A"], 1, digest)

    small = answer(make_filled_team(organization, "Small", activities=10))
    large = answer(make_filled_team(organization, "Large", activities=300))

    # The same row, give or take the digits of its ids.
    assert 'id="findings"' not in large
    assert abs(len(large) - len(small)) < 60


def remove(team, ordering, removed):
    if removed == "activity":
        Activity.objects.filter(pk=ordering.pk).delete()
    else:
        TeamRole.objects.filter(team=team, role__canonical=SM.value).delete()


@pytest.mark.parametrize("removed", ["activity", "column"])
def test_an_edit_arriving_as_a_colleague_removes_its_row_says_so(
    editor_client, team, ordering, removed, monkeypatch
):
    """The colleague's removal lands after the edit's request loaded the team
    and before its write: the edit finds the row or column gone."""
    record_change = TeamQuerySet.record_change

    def colleague_first(queryset):
        remove(team, ordering, removed)
        record_change(queryset)

    monkeypatch.setattr(TeamQuerySet, "record_change", colleague_first)

    response = editor_client.post(cell_url(ordering, SM), {"letters": ["I"], "version": 0}, **HTMX)

    assert response.status_code == 200
    assert "no longer in this matrix" in response.content.decode()
    assert not Assignment.objects.filter(role__canonical=SM.value).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database cannot hold two transactions at once "
    "(make test runs this on PostgreSQL too)",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("removed", ["activity", "column"])
def test_an_edit_racing_a_removal_says_a_colleague_removed_it(editor, organization, removed):
    """Two connections: the colleague's removal holds the team while the edit
    of a never-written cell arrives. The edit waits, then finds the activity
    or column gone and says so (before, its new cell broke the foreign key)."""
    team = make_team(organization, "Checkout")
    ordering = make_activity(team, "Order the backlog", letters={PO: "AR"})
    client = Client()
    client.force_login(editor)

    def colleague_removes():
        team.record_change()
        remove(team, ordering, removed)

    answer = while_uncommitted(
        colleague_removes,
        partial(client.post, cell_url(ordering, SM), {"letters": ["I"], "version": 0}, **HTMX),
    )

    assert answer.status_code == 200
    assert "no longer in this matrix" in answer.content.decode()
    assert not Assignment.objects.filter(role__canonical=SM.value).exists()


def test_without_javascript_an_activity_with_a_taken_name_is_explained_on_its_own_page(
    editor_client, team, ordering
):
    response = editor_client.post(url("activity_add", team), {"name": "Order the backlog"})

    assert response.status_code == 400
    assert "already has an activity with that name" in response.content.decode()
    assert "Add an activity" in response.content.decode()


def test_renaming_in_place_keeps_the_rest_of_the_activity(editor_client, team, ordering):
    ordering.description = "Who orders what"
    ordering.save()

    response = editor_client.post(
        url("activity_rename", team, ordering.pk), {"name": "Order the work"}, **HTMX
    )

    ordering.refresh_from_db()
    assert (ordering.name, ordering.description, ordering.catalogue_key) == (
        "Order the work",
        "Who orders what",
        "backlog-ordering",
    )
    assert "Renamed “Order the backlog” to “Order the work”." in response.content.decode()


@pytest.mark.parametrize(
    ("name", "reason"),
    [("refine the BACKLOG", "already has an activity with that name"), ("  ", "required")],
)
def test_a_name_taken_or_blank_is_refused_in_place(editor_client, team, ordering, name, reason):
    make_activity(team, "Refine the backlog", category="backlog")

    response = editor_client.post(url("activity_rename", team, ordering.pk), {"name": name}, **HTMX)

    assert "“Order the backlog” keeps its name:" in response.content.decode()
    assert reason in response.content.decode()
    ordering.refresh_from_db()
    assert ordering.name == "Order the backlog"


def shown_order(team):
    grid = build_grid(team.snapshot())
    return [(row.activity.category, row.activity.name) for row in grid.rows]


def test_a_row_is_placed_before_another_in_another_category(editor_client, team, ordering):
    plan = make_activity(team, "Plan the sprint", category="delivery")
    demo = make_activity(team, "Run the demo", category="delivery")

    response = editor_client.post(
        url("activity_place", team, ordering.pk), {"category": "delivery", "before": demo.pk}
    )

    assert response.status_code == 302
    assert shown_order(team) == [
        ("delivery", "Plan the sprint"),
        ("delivery", "Order the backlog"),
        ("delivery", "Run the demo"),
    ]
    # Without a row to go before, it goes last in the category.
    editor_client.post(url("activity_place", team, plan.pk), {"category": "backlog"}, **HTMX)
    assert shown_order(team)[0] == ("backlog", "Plan the sprint")


def test_a_row_is_never_placed_before_another_teams_row(editor_client, team, ordering):
    theirs = make_activity(make_team(make_organization("Other Corp"), "Payments"), "Theirs")
    make_activity(team, "Refine the backlog", category="backlog")

    editor_client.post(
        url("activity_place", team, ordering.pk), {"category": "backlog", "before": theirs.pk}
    )

    assert shown_order(team) == [
        ("backlog", "Refine the backlog"),
        ("backlog", "Order the backlog"),
    ]
    assert Activity.objects.get(pk=theirs.pk).team.name == "Payments"


@pytest.mark.parametrize(
    ("where", "order"),
    [
        ("above", ["New activity", "Order the backlog", "Refine the backlog"]),
        ("below", ["Order the backlog", "New activity", "Refine the backlog"]),
    ],
)
def test_a_new_row_is_inserted_above_or_below(editor_client, team, ordering, where, order):
    make_activity(team, "Refine the backlog", category="backlog")

    response = editor_client.post(
        url("activity_insert", team, ordering.pk), {"where": where}, **HTMX
    )

    assert [name for _category, name in shown_order(team)] == order
    added = team.activities.get(name="New activity")
    assert added.category == "backlog"
    assert re.findall(r'<tr id="(row-\d+)"[^>]* data-added>', response.content.decode()) == [
        f"row-{added.pk}"
    ]
    editor_client.post(url("activity_insert", team, ordering.pk), {"where": where}, **HTMX)
    assert team.activities.filter(name="New activity 2").exists()


def test_a_new_row_named_in_the_grid_is_added_under_that_name_as_one_change(
    editor_client, team, ordering
):
    change_sets = team.change_sets.count()

    response = editor_client.post(
        url("activity_insert", team, ordering.pk),
        {"where": "above", "name": "  Refine the backlog "},
        **HTMX,
    )

    assert [name for _category, name in shown_order(team)] == [
        "Refine the backlog",
        "Order the backlog",
    ]
    added = team.activities.get(name="Refine the backlog")
    assert added.category == "backlog"
    assert re.findall(r'<tr id="(row-\d+)"[^>]* data-added>', response.content.decode()) == [
        f"row-{added.pk}"
    ]
    assert team.change_sets.count() == change_sets + 1
    latest = team.change_sets.latest("revision")
    assert (latest.action, latest.summary) == (
        "activity-add",
        "Added “Refine the backlog” above “Order the backlog”",
    )


@pytest.mark.parametrize("htmx", [True, False])
def test_a_new_row_with_a_name_already_taken_adds_nothing(editor_client, team, ordering, htmx):
    change_sets = team.change_sets.count()

    response = editor_client.post(
        url("activity_insert", team, ordering.pk),
        {"where": "below", "name": "ORDER THE BACKLOG"},
        **(HTMX if htmx else {}),
        follow=not htmx,
    )

    assert response.status_code == 200
    assert "Nothing was added: This team already has an activity with that name." in (
        response.content.decode()
    )
    assert [name for _category, name in shown_order(team)] == ["Order the backlog"]
    assert team.change_sets.count() == change_sets


def test_an_activity_named_like_the_place_of_the_pages_rows_shows_as_typed(editor_client, team):
    # The rows are put where the page holds "<!--grid-rows-->" (ROWS_SLOT).
    make_activity(team, "<!--grid-rows-->", letters={PM: "A"})
    make_activity(team, "Set the vision", letters={PM: "R"})
    url = reverse("raci:matrix", args=[team.organization.slug, team.slug])

    page = editor_client.get(url).content.decode()

    assert "&lt;!--grid-rows--&gt;" in page
    assert "<!--grid-rows-->" not in page
    assert page.count('class="activity-row') == 2
    assert page.index("&lt;!--grid-rows--&gt;") < page.index("Set the vision")
