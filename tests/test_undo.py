"""Undo and redo from the matrix page: the user's own last change set, undone
as a change set of its own, never over a colleague's later edit; and
restoring the team as it was after any change set."""

import pytest
from django.urls import reverse

from raci import history, imports, matrix_io, services
from raci.models import (
    AcceptedFinding,
    Activity,
    Assignment,
    ChangeSet,
    Membership,
    RoleHolder,
    Team,
    TeamRole,
)
from tests.builders import (
    DEV,
    HTMX,
    PM,
    PO,
    SM,
    canonical_role,
    make_activity,
    make_person,
    make_team,
    make_user,
)


@pytest.fixture
def team(organization):
    return make_team(organization, "Checkout")


@pytest.fixture
def ordering(team):
    return make_activity(
        team, "Backlog ordering", category="backlog", letters={PO: "A", DEV: "R", PM: "C"}
    )


@pytest.fixture
def colleague(organization):
    return make_user("ana", organization=organization, level=Membership.Level.EDITOR)


def role(team, kind):
    return canonical_role(team.organization, kind)


def letters(activity_id, kind):
    cell = Assignment.objects.filter(activity_id=activity_id, role__canonical=kind.value).first()
    return cell.letters if cell else ""


def edit(team, activity, kind, text, user):
    cell = Assignment.objects.filter(activity=activity, role__canonical=kind.value).first()
    saved = team.edit_cell(
        activity_id=activity.pk,
        role_id=role(team, kind).pk,
        letters=text,
        version=cell.version if cell else 0,
        by=user,
    )
    assert saved.saved


def url(name, team, *args):
    return reverse(f"raci:{name}", args=[team.organization.slug, team.slug, *args])


def test_undo_takes_back_the_users_last_change(editor_client, editor, team, ordering):
    edit(team, ordering, PO, "AR", editor)
    edit(team, ordering, DEV, "C", editor)

    response = editor_client.post(url("undo", team), **HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Undid: Developers on “Backlog ordering” R → C" in page
    assert 'id="workspace"' in page  # the editor, re-rendered for htmx
    assert (letters(ordering.pk, PO), letters(ordering.pk, DEV)) == ("AR", "R")
    undo = ChangeSet.objects.get(team=team, action="undo")
    assert undo.user == editor and undo.undoes.summary == "Developers on “Backlog ordering” R → C"


def test_undo_without_javascript_redirects_to_the_matrix(editor_client, editor, team, ordering):
    edit(team, ordering, PO, "AR", editor)

    response = editor_client.post(url("undo", team))

    assert response.status_code == 302 and response.url == url("matrix", team)
    assert letters(ordering.pk, PO) == "A"


def test_undo_again_goes_further_back_then_redo_comes_forward(editor, team, ordering):
    edit(team, ordering, PO, "AR", editor)
    edit(team, ordering, DEV, "C", editor)

    history.undo(team, by=editor)
    history.undo(team, by=editor)
    assert (letters(ordering.pk, PO), letters(ordering.pk, DEV)) == ("A", "R")

    history.redo(team, by=editor)
    assert (letters(ordering.pk, PO), letters(ordering.pk, DEV)) == ("AR", "R")
    history.redo(team, by=editor)
    assert (letters(ordering.pk, PO), letters(ordering.pk, DEV)) == ("AR", "C")
    assert history.redo(team, by=editor).change_set is None  # nothing left to redo

    history.undo(team, by=editor)  # undoes the redo
    assert letters(ordering.pk, DEV) == "R"


def test_undoing_a_redo_is_told_as_undoing_the_change_itself(editor, team, ordering):
    edit(team, ordering, PO, "AR", editor)
    history.undo(team, by=editor)
    history.redo(team, by=editor)

    undone_again = history.undo(team, by=editor)

    assert undone_again.change_set.summary.startswith("Undid: ")
    assert "Redid" not in undone_again.change_set.summary


def test_a_new_change_after_an_undo_leaves_nothing_to_redo(editor, team, ordering):
    edit(team, ordering, PO, "AR", editor)
    history.undo(team, by=editor)
    edit(team, ordering, DEV, "I", editor)

    assert history.redo(team, by=editor).change_set is None
    assert letters(ordering.pk, PO) == "A"


def test_undo_takes_only_the_users_own_change(editor, colleague, team, ordering):
    edit(team, ordering, PO, "AR", editor)
    edit(team, ordering, DEV, "C", colleague)  # a colleague's, later

    history.undo(team, by=editor)

    assert (letters(ordering.pk, PO), letters(ordering.pk, DEV)) == ("A", "C")


def test_undo_leaves_cells_a_colleague_changed_since_and_says_which(
    editor_client, editor, colleague, team, ordering
):
    refining = make_activity(team, "Refinement", letters={PO: "A"})
    written = team.write_cells(
        [
            (ordering.pk, role(team, PO).pk, "AR", 1),
            (refining.pk, role(team, PO).pk, "R", 1),
        ],
        by=editor,
    )
    assert written.ok
    edit(team, refining, PO, "I", colleague)  # after the paste

    response = editor_client.post(url("undo", team), **HTMX)

    page = response.content.decode()
    assert letters(ordering.pk, PO) == "A"  # undone
    assert letters(refining.pk, PO) == "I"  # the colleague's stays
    assert "Left as colleagues set them" in page
    assert "Product Owner on “Refinement”: ana made it I since." in page
    undo = ChangeSet.objects.get(action="undo")
    assert list(undo.changes.values_list("activity_id", "before", "after")) == [
        (ordering.pk, "AR", "A")
    ]


def test_an_undo_of_cells_a_colleague_all_changed_since_records_nothing_and_says_why(
    editor_client, editor, colleague, team, ordering
):
    edit(team, ordering, DEV, "C", editor)  # an earlier change, to stay as it is
    refining = make_activity(team, "Refinement", letters={PO: "A"})
    pasted = team.write_cells(
        [(ordering.pk, role(team, PO).pk, "AR", 1), (refining.pk, role(team, PO).pk, "R", 1)],
        by=editor,
    )
    assert pasted.ok
    edit(team, ordering, PO, "C", colleague)
    edit(team, refining, PO, "I", colleague)
    revision, count = Team.objects.get(pk=team.pk).revision, ChangeSet.objects.count()

    response = editor_client.post(url("undo", team), **HTMX)

    page = response.content.decode()
    assert "Could not undo: 2 cells on 2 activities." in page
    assert "Product Owner on “Backlog ordering”: ana made it C since." in page
    assert "Product Owner on “Refinement”: ana made it I since." in page
    assert ChangeSet.objects.count() == count
    assert Team.objects.get(pk=team.pk).revision == revision
    assert not ChangeSet.objects.filter(undoes=pasted.change_set).exists()
    # The user's undo stays at the paste: trying again says the same, and the
    # change before it is not undone in its place.
    again = history.undo(team, by=editor)
    assert again.change_set is None and again.message.startswith("Could not undo: 2 cells")
    assert (letters(ordering.pk, PO), letters(ordering.pk, DEV)) == ("C", "C")


def test_a_redo_of_a_cell_a_colleague_changed_since_records_nothing(
    editor, colleague, team, ordering
):
    edit(team, ordering, PO, "AR", editor)
    history.undo(team, by=editor)
    edit(team, ordering, PO, "I", colleague)
    count = ChangeSet.objects.count()

    redone = history.redo(team, by=editor)

    assert redone.change_set is None
    assert redone.message == (
        "Could not redo: Product Owner on “Backlog ordering” A → AR. Left as colleagues set "
        "them: Product Owner on “Backlog ordering”: ana made it I since."
    )
    assert ChangeSet.objects.count() == count
    assert letters(ordering.pk, PO) == "I"


def test_undo_of_a_column_removal_brings_back_its_letters_and_holders(
    editor_client, editor, team, ordering
):
    other = make_activity(team, "Sprint review", letters={SM: "AR", DEV: "C"})
    sm = role(team, SM)
    Assignment.objects.filter(activity=ordering, role=sm).delete()
    Assignment.objects.create(activity=ordering, role=sm, letters="I")
    ana = make_person(team.organization, "Ana", team=team, roles=[SM, PO])
    position = TeamRole.objects.get(team=team, role=sm).position
    column = TeamRole.objects.get(team=team, role=sm)

    editor_client.post(url("column_remove", team, sm.pk), **HTMX)
    assert not TeamRole.objects.filter(team=team, role=sm).exists()
    assert not RoleHolder.objects.filter(team=team, role=sm).exists()

    response = editor_client.post(url("undo", team), **HTMX)

    assert response.status_code == 200
    assert TeamRole.objects.get(team=team, role=sm).position == position == column.position
    assert (letters(ordering.pk, SM), letters(other.pk, SM)) == ("I", "AR")
    assert set(RoleHolder.objects.filter(team=team).values_list("person", "role")) == {
        (ana.pk, sm.pk),
        (ana.pk, role(team, PO).pk),
    }


def test_undo_of_an_activity_deletion_brings_back_the_row_as_it_was(
    editor_client, editor, team, ordering
):
    ordering.description = "Who decides the order of the backlog."
    ordering.catalogue_key = "product-backlog-ordering"
    ordering.position = 4
    ordering.save()
    acceptance = AcceptedFinding.objects.create(
        team=team, rule="too-many-consulted", activity=ordering, reason="We ask everyone."
    )

    editor_client.post(url("activity_delete", team, ordering.pk), **HTMX)
    assert not Activity.objects.filter(pk=ordering.pk).exists()

    editor_client.post(url("undo", team), **HTMX)

    back = Activity.objects.get(pk=ordering.pk)  # the same id: links and history still hold
    assert (back.team_id, back.name, back.category, back.position) == (
        team.pk,
        "Backlog ordering",
        "backlog",
        4,
    )
    assert back.description == "Who decides the order of the backlog."
    assert back.catalogue_key == "product-backlog-ordering"
    assert (letters(back.pk, PO), letters(back.pk, DEV), letters(back.pk, PM)) == ("A", "R", "C")
    assert AcceptedFinding.objects.get(pk=acceptance.pk).reason == "We ask everyone."


def test_undo_of_an_activity_added_removes_it_unless_filled_since(
    editor_client, editor, colleague, team
):
    editor_client.post(url("activity_add", team), {"name": "Roadmap", "category": ""}, **HTMX)
    roadmap = Activity.objects.get(name="Roadmap")
    edit(team, roadmap, PM, "A", colleague)

    response = editor_client.post(url("undo", team), **HTMX)

    assert Activity.objects.filter(pk=roadmap.pk).exists()
    assert "“Roadmap” stays: it has letters set since." in response.content.decode()


def test_undo_of_a_rename_and_a_move(editor_client, editor, team, ordering):
    second = make_activity(team, "Refinement", category="backlog")
    editor_client.post(
        url("activity_update", team, ordering.pk),
        {"name": "Ordering", "category": "backlog", "description": "", "based_on": 1},
    )
    assert Activity.objects.get(pk=ordering.pk).name == "Ordering"
    editor_client.post(url("activity_move", team, second.pk), {"direction": "up"})
    moved = dict(Activity.objects.values_list("pk", "position"))
    assert moved[second.pk] < moved[ordering.pk]

    history.undo(team, by=editor)
    positions = dict(Activity.objects.values_list("pk", "position"))
    assert positions[ordering.pk] < positions[second.pk]
    history.undo(team, by=editor)
    assert Activity.objects.get(pk=ordering.pk).name == "Backlog ordering"


def test_undo_of_settings_and_of_holders(owner_client, owner, team, ordering):
    before = (team.uses_scrum, team.stage, team.max_consulted)
    settings_form = {
        "name": "Checkout",
        "stage": "startup",
        "max_responsible": 3,
        "max_consulted": 4,
        "based_on": team.settings_version,
    }
    owner_client.post(url("team_settings", team), settings_form)
    assert (Team.objects.get(pk=team.pk).uses_scrum, Team.objects.get(pk=team.pk).stage) == (
        False,
        "startup",
    )
    ana = make_person(team.organization, "Ana")
    services.team_person_save(team=team, person=ana, roles=[role(team, PO)], by=owner)

    history.undo(team, by=owner)
    assert not RoleHolder.objects.filter(team=team, person=ana).exists()
    history.undo(team, by=owner)
    team.refresh_from_db()
    assert (team.uses_scrum, team.stage, team.max_consulted) == before


def test_an_import_over_a_team_is_one_change_set_and_undoes_whole(
    editor, team, ordering, organization
):
    make_person(organization, "Sam", team=team, roles=[SM])
    before = history.team_state(team)
    data = (
        "Activity,Category,Product Owner,Developers,Legal\n"
        "Backlog ordering,backlog,R,AR,\n"
        "Privacy review,,I,C,AR\n"
    )
    plan = imports.import_plan(
        organization=organization, team=team, matrix=matrix_io.read_matrix(data, "m.csv")
    )
    imports.import_apply(plan=plan, organization=organization, by=editor, filename="m.csv")
    assert history.team_state(team) != before

    [change_set] = ChangeSet.objects.filter(team=team)
    assert (change_set.action, change_set.summary, change_set.user) == (
        "import",
        "Imported m.csv",
        editor,
    )

    undone = history.undo(team, by=editor)

    assert undone.conflicts == ()
    assert history.team_state(team) == before


def test_viewers_cannot_undo(viewer_client, editor, team, ordering):
    edit(team, ordering, PO, "AR", editor)

    assert viewer_client.post(url("undo", team), **HTMX).status_code == 403
    assert viewer_client.post(url("redo", team), **HTMX).status_code == 403
    assert letters(ordering.pk, PO) == "AR"


def test_editors_get_undo_and_redo_buttons(editor_client, team, ordering):
    page = editor_client.get(url("matrix", team)).content.decode()

    assert 'id="undo-button"' in page and 'id="redo-button"' in page


def test_viewers_get_no_undo_buttons_but_the_history(viewer_client, team, ordering):
    page = viewer_client.get(url("matrix", team)).content.decode()

    assert 'id="undo-button"' not in page and 'id="redo-button"' not in page
    assert url("history", team) in page  # reading the history is for everyone


def test_nothing_to_undo_says_so_and_records_nothing(editor_client, team, ordering):
    response = editor_client.post(url("undo", team), **HTMX)

    assert "Nothing of yours to undo in this team." in response.content.decode()
    assert not ChangeSet.objects.exists()


def test_restore_previews_then_brings_the_team_back(
    editor_client, editor, colleague, team, ordering
):
    edit(team, ordering, PO, "AR", editor)
    target = ChangeSet.objects.get(team=team)
    edit(team, ordering, DEV, "C", colleague)
    editor_client.post(url("column_remove", team, role(team, PM).pk), **HTMX)
    editor_client.post(url("activity_add", team), {"name": "Roadmap", "category": ""}, **HTMX)
    count = ChangeSet.objects.count()

    preview = editor_client.get(url("restore", team, target.revision))

    page = preview.content.decode()
    assert "Developers on “Backlog ordering”: C → R" in page
    assert "Column Product Manager added" in page
    assert "Activity “Roadmap” removed" in page
    # The preview changed nothing.
    assert ChangeSet.objects.count() == count
    assert Activity.objects.filter(name="Roadmap").exists() and letters(ordering.pk, DEV) == "C"

    response = editor_client.post(url("restore", team, target.revision))

    assert response.status_code == 302
    assert not Activity.objects.filter(name="Roadmap").exists()
    assert TeamRole.objects.filter(team=team, role=role(team, PM)).exists()
    assert (letters(ordering.pk, PO), letters(ordering.pk, DEV), letters(ordering.pk, PM)) == (
        "AR",
        "R",
        "C",
    )
    restore = ChangeSet.objects.get(action="restore")
    assert restore.summary.startswith(f"Restored the team as it was after change {target.revision}")

    history.undo(team, by=editor)  # the restore, undone in turn
    assert letters(ordering.pk, DEV) == "C"
    assert Activity.objects.filter(name="Roadmap").exists()


def test_restore_to_the_latest_change_has_nothing_to_do(editor_client, editor, team, ordering):
    edit(team, ordering, PO, "AR", editor)
    latest = ChangeSet.objects.get()

    page = editor_client.get(url("restore", team, latest.revision)).content.decode()

    assert "nothing to restore" in page
    assert ChangeSet.objects.count() == 1


def test_restore_to_a_state_the_team_is_back_in_has_nothing_to_do(
    editor_client, editor, team, ordering
):
    edit(team, ordering, PO, "AR", editor)
    target = ChangeSet.objects.get()
    edit(team, ordering, PO, "C", editor)
    edit(team, ordering, PO, "AR", editor)  # back as it was after `target`
    count = ChangeSet.objects.count()

    preview = editor_client.get(url("restore", team, target.revision)).content.decode()
    response = editor_client.post(url("restore", team, target.revision), follow=True)

    assert "nothing to restore" in preview
    assert "nothing to restore" in response.content.decode()
    assert ChangeSet.objects.count() == count
    assert letters(ordering.pk, PO) == "AR"


def test_restore_of_another_teams_change_is_not_found(editor_client, editor, organization, team):
    other = make_team(organization, "Other")
    row = make_activity(other, "Row")
    edit(other, row, PO, "A", editor)
    theirs = ChangeSet.objects.get(team=other)
    ChangeSet.objects.filter(pk=theirs.pk).update(revision=999)

    assert editor_client.get(url("restore", team, 999)).status_code == 404


def test_restore_preview_says_each_cell_once_as_the_difference_it_makes(
    editor_client, editor, team, ordering
):
    edit(team, ordering, DEV, "C", editor)
    target = ChangeSet.objects.get(team=team)
    for text in ("A", "AR", "I"):
        edit(team, ordering, PO, text, editor)

    page = editor_client.get(url("restore", team, target.revision)).content.decode()

    assert page.count("Product Owner on “Backlog ordering”") == 1
    assert "Product Owner on “Backlog ordering”: I → A</li>" in page


def test_undo_of_a_cell_whose_row_a_colleague_deleted_says_so(
    editor_client, editor, colleague, team, ordering
):
    edit(team, ordering, PO, "AR", editor)
    services_delete = url("activity_delete", team, ordering.pk)
    colleague_client = editor_client.__class__()
    colleague_client.force_login(colleague)
    colleague_client.post(services_delete, **HTMX)

    response = editor_client.post(url("undo", team), **HTMX)

    assert response.status_code == 200
    assert "“Backlog ordering” is no longer in the matrix." in response.content.decode()
    assert not Activity.objects.filter(pk=ordering.pk).exists()


def test_a_deleted_custom_role_is_recorded_in_each_team_and_cannot_come_back(
    owner_client, owner, organization, team, ordering
):
    from raci.models import Role

    coach = Role.objects.create(organization=organization, name="Coach")
    TeamRole.objects.create(team=team, role=coach, position=9)
    Assignment.objects.create(activity=ordering, role=coach, letters="C")
    other = make_team(organization, "Payments")
    TeamRole.objects.create(team=other, role=coach, position=0)

    owner_client.post(reverse("raci:role_delete", args=[organization.slug, coach.pk]))

    assert set(ChangeSet.objects.filter(action="role-delete").values_list("team", flat=True)) == {
        team.pk,
        other.pk,
    }
    undone = history.undo(team, by=owner)
    # Said once for the column, not again for each of its cells.
    assert undone.conflicts == ("The role Coach no longer exists in the organization.",)


def test_undo_of_a_reopening_whose_row_is_gone_says_so_and_saves_the_rest(
    editor_client, editor, team, ordering
):
    acceptance = AcceptedFinding.objects.create(
        team=team, rule="too-many-consulted", activity=ordering, reason="We ask everyone."
    )
    reopen = reverse("raci:finding_reopen", args=[team.organization.slug, team.slug, acceptance.pk])
    editor_client.post(reopen, {"back_to": "matrix"})
    Activity.objects.filter(pk=ordering.pk).delete()  # gone by a path that records nothing

    undone = history.undo(team, by=editor)

    assert undone.conflicts == (
        "The finding too-many-consulted was not accepted again: its row, column or person "
        "is no longer here.",
    )
    assert not AcceptedFinding.objects.exists()
