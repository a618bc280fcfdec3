"""Named versions of a team: saved, listed, compared with each other or with
now (page and CSV), deleted; bad input answered, never a 500."""

import csv

import pytest
from django.db import IntegrityError
from django.urls import reverse

from raci import services
from raci.matrix_io import read_json_document
from raci.models import Assignment, ChangeSet, TeamVersion
from tests.builders import PM, PO, canonical_role, make_activity, make_team


@pytest.fixture
def team(organization):
    team = make_team(organization, "Checkout")
    make_activity(team, "Order the backlog", letters={PO: "AR", PM: "C"})
    make_activity(team, "Set the product goal", letters={PM: "AR"})
    return team


def url(name, team, *args, query=""):
    address = reverse(f"raci:{name}", args=[team.organization.slug, team.slug, *args])
    return f"{address}?{query}" if query else address


def cell(status, activity, role) -> str:
    """The start of a compared cell's markup, as the page marks it."""
    return (
        f'class="diff-{status}" data-status="{status}" '
        f'data-activity="{activity}" data-role="{role}"'
    )


def save(client, team, name="Agreed split, Q3", note="After the offsite"):
    return client.post(url("versions", team), {"name": name, "note": note})


def set_cell(team, activity_name, kind, letters):
    activity = team.activities.get(name=activity_name)
    role = canonical_role(team.organization, kind)
    Assignment.objects.update_or_create(activity=activity, role=role, defaults={"letters": letters})


def test_an_editor_saves_the_team_as_a_named_version(editor_client, editor, team):
    response = save(editor_client, team)

    assert response.status_code == 302
    version = TeamVersion.objects.get(team=team)
    assert (version.name, version.note, version.created_by) == (
        "Agreed split, Q3",
        "After the offsite",
        editor,
    )
    # The document reads back as the team's matrix.
    matrix = read_json_document(version.document)
    assert [a.name for a in matrix.activities] == ["Order the backlog", "Set the product goal"]
    page = editor_client.get(url("versions", team))
    assert "Agreed split, Q3" in page.text and "After the offsite" in page.text


def test_a_version_name_is_taken_once_per_team_whatever_its_case(editor_client, team):
    save(editor_client, team)

    response = save(editor_client, team, name="agreed SPLIT, q3")

    assert response.status_code == 400
    assert "already has a version of that name" in response.text
    assert TeamVersion.objects.filter(team=team).count() == 1


def test_the_database_refuses_a_second_version_of_the_same_name(editor, team):
    services.team_version_save(team=team, name="Q3", note="", by=editor)
    with pytest.raises(IntegrityError):
        TeamVersion.objects.create(
            team=team, name="q3", document={}, max_responsible=3, max_consulted=4, revision=0
        )


def test_a_version_taken_at_the_same_moment_gives_a_clear_message(editor, team):
    services.team_version_save(team=team, name="Q3", note="", by=editor)
    with pytest.raises(services.NameTakenError):
        services.team_version_save(team=team, name="Q3", note="", by=editor)


def test_compare_a_version_with_now_marks_changed_added_and_removed_cells(
    viewer_client, editor, team
):
    version = services.team_version_save(team=team, name="Q3", note="", by=editor)
    set_cell(team, "Order the backlog", PO, "R")  # changed
    set_cell(team, "Order the backlog", PM, "")  # removed
    set_cell(team, "Set the product goal", PO, "C")  # added

    page = viewer_client.get(url("version_compare", team, query=f"before={version.pk}&after=now"))

    assert page.status_code == 200
    text = page.text
    assert f"{cell('changed', 'Order the backlog', 'Product Owner')}>AR → R" in text
    assert f"{cell('removed', 'Order the backlog', 'Product Manager')}><del>C</del>" in text
    assert f"{cell('added', 'Set the product goal', 'Product Owner')}>C" in text
    assert "Cells: 1 added, 1 removed, 1 changed." in text
    # The findings of each side: the A taken off "Order the backlog" is new now.
    after = text.split('id="after-findings"')[1]
    assert "Order the backlog" in after and 'data-status="added"' in after


def test_compare_two_versions_marks_rows_and_columns(editor_client, editor, team):
    first = services.team_version_save(team=team, name="Q2", note="", by=editor)
    make_activity(team, "Run the retrospective", letters={PO: "I"})
    team.team_roles.filter(role=canonical_role(team.organization, PM)).delete()
    second = services.team_version_save(team=team, name="Q3", note="", by=editor)

    page = editor_client.get(
        url("version_compare", team, query=f"before={first.pk}&after={second.pk}")
    )

    assert page.status_code == 200
    assert '<tr class="diff-added" data-status="added">' in page.text
    assert 'class="diff-removed" data-status="removed">Product Manager' in page.text
    assert "Activities: 1 added, 0 removed." in page.text


def test_the_comparison_downloads_as_a_csv_file_that_reads_back(
    viewer_client, editor, team, tmp_path
):
    version = services.team_version_save(team=team, name="Q3", note="", by=editor)
    set_cell(team, "Order the backlog", PO, "R")

    response = viewer_client.get(
        url("version_compare_csv", team, query=f"before={version.pk}&after=now")
    )

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    path = tmp_path / "comparison.csv"
    path.write_bytes(response.content)
    with path.open(newline="", encoding="utf-8") as file:
        lines = list(csv.reader(file))
    assert lines[0] == ["Change", "What", "Activity", "Role", "Before", "After"]
    assert ["changed", "cell", "Order the backlog", "Product Owner", "AR", "R"] in lines


@pytest.mark.parametrize(
    "query",
    ["", "before=now&after=now", "before=999999&after=now", "before=x&after=now", "after=now"],
)
def test_a_comparison_of_unknown_or_equal_sides_is_refused_with_a_message(
    viewer_client, team, query
):
    page = viewer_client.get(url("version_compare", team, query=query))
    assert page.status_code == 400
    messages = ("Select a valid choice", "two different sides", "This field is required")
    assert any(message in page.text for message in messages)
    assert 'id="comparison"' not in page.text


def test_another_teams_version_cannot_be_compared_here(viewer_client, editor, team, organization):
    other = make_team(organization, "Search")
    foreign = services.team_version_save(team=other, name="Theirs", note="", by=editor)

    page = viewer_client.get(url("version_compare", team, query=f"before={foreign.pk}&after=now"))
    assert page.status_code == 400
    assert "Select a valid choice" in page.text
    delete = viewer_client.post(url("version_delete", team, foreign.pk))
    assert delete.status_code in (403, 404)
    assert TeamVersion.objects.filter(pk=foreign.pk).exists()


def test_an_editor_deletes_a_version_and_the_team_stays(editor_client, editor, team):
    version = services.team_version_save(team=team, name="Q3", note="", by=editor)
    cells = Assignment.objects.filter(activity__team=team).count()

    confirm = editor_client.get(url("version_delete", team, version.pk))
    response = editor_client.post(url("version_delete", team, version.pk))

    assert "Delete the version “Q3”?" in confirm.text
    assert response.status_code == 302
    assert not TeamVersion.objects.filter(pk=version.pk).exists()
    assert Assignment.objects.filter(activity__team=team).count() == cells


def test_a_viewer_compares_but_cannot_save_or_delete(viewer_client, editor, team):
    version = services.team_version_save(team=team, name="Q3", note="", by=editor)

    assert viewer_client.get(url("versions", team)).status_code == 200
    assert save(viewer_client, team, name="Mine").status_code == 403
    assert viewer_client.post(url("version_delete", team, version.pk)).status_code == 403
    assert list(TeamVersion.objects.values_list("name", flat=True)) == ["Q3"]


def test_the_compare_page_reads_a_fixed_number_of_queries(
    viewer_client, editor, team, django_assert_max_num_queries
):
    version = services.team_version_save(team=team, name="Q3", note="", by=editor)
    for number in range(30):
        make_activity(team, f"Extra {number}", letters={PO: "R"})
    # Session, user, membership, team, versions, and the snapshot of now.
    with django_assert_max_num_queries(12):
        page = viewer_client.get(
            url("version_compare", team, query=f"before={version.pk}&after=now")
        )
    assert page.status_code == 200


# Restoring a version's letters


def test_restoring_a_version_sets_its_letters_back_as_one_change_set(editor_client, editor, team):
    version = services.team_version_save(team=team, name="Q3", note="", by=editor)
    set_cell(team, "Order the backlog", PO, "R")
    set_cell(team, "Set the product goal", PO, "C")
    make_activity(team, "Run the retrospective", letters={PO: "I"})
    before = ChangeSet.objects.filter(team=team).count()

    page = editor_client.get(url("version_compare", team, query=f"before={version.pk}&after=now"))
    assert "Restore the letters of “Q3”" in page.text
    response = editor_client.post(url("version_restore", team, version.pk), follow=True)

    letters = dict(
        Assignment.objects.filter(activity__team=team, role__canonical="po").values_list(
            "activity__name", "letters"
        )
    )
    assert letters["Order the backlog"] == "AR"
    assert letters["Set the product goal"] == ""
    # A row the version does not have stays, and the user is told.
    assert letters["Run the retrospective"] == "I"
    assert "these differ: “Run the retrospective”." in response.text
    assert ChangeSet.objects.filter(team=team).count() == before + 1
    assert ChangeSet.objects.filter(team=team).first().action == "restore"


def test_a_viewer_cannot_restore_a_version(viewer_client, editor, team):
    version = services.team_version_save(team=team, name="Q3", note="", by=editor)
    set_cell(team, "Order the backlog", PO, "R")

    page = viewer_client.get(url("version_compare", team, query=f"before={version.pk}&after=now"))
    assert "Restore the letters" not in page.text
    assert viewer_client.post(url("version_restore", team, version.pk)).status_code == 403
    assert (
        Assignment.objects.get(activity__name="Order the backlog", role__canonical="po").letters
        == "R"
    )


def test_the_comparison_shows_the_rows_that_differ_unless_all_are_asked_for(
    viewer_client, editor, team
):
    version = services.team_version_save(team=team, name="Q3", note="", by=editor)
    set_cell(team, "Order the backlog", PO, "R")
    query = f"before={version.pk}&after=now"

    changed = viewer_client.get(url("version_compare", team, query=query))
    everything = viewer_client.get(url("version_compare", team, query=query + "&rows=all"))

    assert "Order the backlog" in changed.text
    assert (
        "Set the product goal" not in changed.text.split('id="comparison"')[1].split("</table>")[0]
    )
    assert "Show all activities</a> (1 more, unchanged)" in changed.text
    assert "Set the product goal" in everything.text.split('id="comparison"')[1]
