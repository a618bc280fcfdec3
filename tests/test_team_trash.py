"""Deleting a team moves it to the trash for 30 days: invisible everywhere
else, restorable by an owner, deleted for good on a confirmed step or by
`manage.py raci purge-trash`."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from raci import services
from raci.models import Activity, Assignment, Team, TeamVersion
from raci.vocabulary import Letter
from tests.builders import PM, PO, make_activity, make_team


@pytest.fixture
def team(organization):
    team = make_team(organization, "Checkout")
    make_activity(team, "Order the backlog", letters={PO: "AR"})
    return team


def team_url(name, team):
    return reverse(f"raci:{name}", args=[team.organization.slug, team.slug])


def trash_url(name, team):
    return reverse(f"raci:{name}", args=[team.organization.slug, team.pk])


def test_deleting_moves_the_team_to_the_trash_with_everything_kept(editor_client, editor, team):
    response = editor_client.post(team_url("team_delete", team), follow=True)

    assert "Moved Checkout to the trash" in response.text
    trashed = Team.with_trashed.get(pk=team.pk)
    assert trashed.deleted_at is not None and trashed.deleted_by == editor
    assert Assignment.objects.filter(activity__team_id=team.pk).count() == 1


def test_a_trashed_team_is_invisible_everywhere_else(owner_client, owner, team, organization):
    services.team_trash(team=team, by=owner)

    for name in ("matrix", "team_settings", "team_people", "versions", "team_import", "print"):
        assert owner_client.get(team_url(name, team)).status_code == 404, name
    assert owner_client.get(team_url("matrix", team), HTTP_HX_REQUEST="true").status_code == 404
    export = reverse("raci:export", args=[organization.slug, team.slug, "csv"])
    assert owner_client.get(export).status_code == 404
    page = owner_client.get(reverse("raci:organization", args=[organization.slug]))
    assert "Checkout" not in page.text
    backup = owner_client.get(reverse("raci:organization_export", args=[organization.slug, "json"]))
    assert "Checkout" not in json.dumps(json.loads(backup.content))
    create = owner_client.get(reverse("raci:team_create", args=[organization.slug]))
    assert "Checkout" not in create.text  # not offered as a team to copy


def test_a_new_team_may_take_a_trashed_teams_name(owner, team, organization):
    services.team_trash(team=team, by=owner)

    again = services.team_create(
        organization=organization,
        name="Checkout",
        uses_scrum=True,
        stage="established",
        start_from="blank",
    )

    assert again.slug == "checkout"


def test_two_teams_in_use_still_cannot_share_a_name(team, organization):
    with pytest.raises(IntegrityError):
        Team.objects.create(organization=organization, name="checkout", slug="other")


def test_an_owner_restores_a_team_from_the_trash(owner_client, owner, team):
    services.team_trash(team=team, by=owner)
    page = owner_client.get(reverse("raci:trash", args=[team.organization.slug]))
    assert "Checkout" in page.text

    response = owner_client.post(trash_url("trash_restore", team), follow=True)

    assert "Restored Checkout." in response.text
    assert Team.objects.get(pk=team.pk).deleted_at is None
    assert owner_client.get(team_url("matrix", team)).status_code == 200


def test_a_team_restored_after_its_name_was_taken_comes_back_renamed(
    owner_client, owner, team, organization
):
    services.team_trash(team=team, by=owner)
    make_team(organization, "Checkout")

    response = owner_client.post(trash_url("trash_restore", team), follow=True)

    restored = Team.objects.get(pk=team.pk)
    assert restored.name == "Checkout (restored)"
    assert restored.slug != "checkout"
    assert "Restored Checkout as Checkout (restored)" in response.text
    assert Activity.objects.filter(team=restored).count() == 1


def test_only_owners_see_the_trash_and_restore(editor_client, editor, team):
    services.team_trash(team=team, by=editor)

    assert (
        editor_client.get(reverse("raci:trash", args=[team.organization.slug])).status_code == 403
    )
    assert editor_client.post(trash_url("trash_restore", team)).status_code == 403
    assert Team.objects.filter(pk=team.pk).count() == 0


def test_delete_for_good_is_a_confirmed_separate_step(owner_client, owner, editor, team):
    services.team_version_save(team=team, name="Q3", note="", by=editor)
    services.team_trash(team=team, by=owner)

    confirm = owner_client.get(trash_url("trash_delete", team))
    assert "Delete Checkout for good?" in confirm.text
    assert Team.with_trashed.filter(pk=team.pk).exists()

    owner_client.post(trash_url("trash_delete", team))

    assert not Team.with_trashed.filter(pk=team.pk).exists()
    assert not Activity.objects.filter(team_id=team.pk).exists()
    assert not TeamVersion.objects.filter(team_id=team.pk).exists()


def test_a_team_in_use_cannot_be_restored_or_deleted_from_the_trash(owner_client, team):
    assert owner_client.post(trash_url("trash_restore", team)).status_code == 404
    assert owner_client.post(trash_url("trash_delete", team)).status_code == 404
    assert Team.objects.filter(pk=team.pk).exists()


def test_another_organizations_trashed_team_is_404(owner_client, outsider, team):
    other = make_team(outsider.memberships.get().organization, "Secret")
    services.team_trash(team=other, by=outsider)
    ours = team.organization.slug

    for name in ("trash_restore", "trash_delete"):
        url = reverse(f"raci:{name}", args=[ours, other.pk])
        assert owner_client.post(url).status_code == 404
    assert Team.with_trashed.get(pk=other.pk).deleted_at is not None


def test_purge_deletes_only_teams_in_the_trash_for_more_than_30_days(
    owner, team, organization, capsys
):
    fresh = make_team(organization, "Search")
    make_activity(fresh, "Rank", letters={PM: "A"})
    services.team_trash(team=team, by=owner)
    services.team_trash(team=fresh, by=owner)
    Team.with_trashed.filter(pk=team.pk).update(
        deleted_at=timezone.now() - Team.KEPT_IN_TRASH - timedelta(minutes=1)
    )
    kept = make_team(organization, "Billing")

    call_command("raci", "purge-trash")

    assert "Deleted 1 team for good." in capsys.readouterr().out
    assert not Team.with_trashed.filter(pk=team.pk).exists()
    assert Team.with_trashed.filter(pk=fresh.pk).exists()
    assert Team.objects.filter(pk=kept.pk).exists()


def test_an_edit_on_its_way_while_the_team_is_trashed_lands_in_the_trash(owner, team):
    loaded = Team.objects.get(pk=team.pk)  # by the edit's request, before the trash
    activity = team.activities.get()
    services.team_trash(team=team, by=owner)

    edit = loaded.edit_cell(
        activity_id=activity.pk,
        role_id=activity.assignments.get().role_id,
        letters={Letter.RESPONSIBLE},
        version=1,
        by=owner,
    )

    assert edit.saved
    services.team_restore(team=Team.with_trashed.get(pk=team.pk))
    assert activity.assignments.get().letters == "R"


def test_restoring_a_team_a_colleague_restored_meanwhile_changes_nothing(owner, team):
    services.team_trash(team=team, by=owner)
    trashed = Team.with_trashed.get(pk=team.pk)
    services.team_restore(team=trashed)

    assert services.team_restore(team=trashed) is None
    assert Team.objects.filter(organization=team.organization, name="Checkout").count() == 1
