"""No silent overwrite: the activity, team settings and person forms carry the
version they were based on; a save based on an older one is refused with the
colleague's values shown and the user's input kept, and saving again from
that page replaces them deliberately."""

import re

import pytest
from django.db import transaction
from django.urls import reverse

from raci.models import Activity, Person, Team, claim_version
from tests.builders import PM, canonical_role, make_activity, make_person, make_team


@pytest.fixture
def team(organization):
    return make_team(organization, "Checkout")


def url(name, team, *args):
    return reverse(f"raci:{name}", args=[team.organization.slug, team.slug, *args])


def based_on(page) -> int:
    """The version the form on `page` is based on, as a browser would send it back."""
    return int(re.search(r'name="based_on" value="(\d+)"', page.text).group(1))


def test_the_database_lets_only_one_save_claim_a_version(team):
    activity = make_activity(team, "Order the backlog")
    first, second = Activity.objects.get(pk=activity.pk), Activity.objects.get(pk=activity.pk)

    with transaction.atomic():
        assert claim_version(first, "version", 1)
    with transaction.atomic():
        assert not claim_version(second, "version", 1)

    assert Activity.objects.get(pk=activity.pk).version == 2


# The activity form


ACTIVITY = {"category": "backlog", "description": "", "catalogue_key": ""}


def test_a_fresh_activity_save_is_kept_and_moves_its_version_on(editor_client, team):
    activity = make_activity(team, "Order the backlog")
    page = editor_client.get(url("activity_update", team, activity.pk))

    editor_client.post(
        url("activity_update", team, activity.pk),
        {**ACTIVITY, "name": "Order it", "based_on": based_on(page)},
    )

    activity.refresh_from_db()
    assert (activity.name, activity.version) == ("Order it", 2)


def test_a_stale_activity_save_is_refused_and_shows_both(editor_client, team):
    activity = make_activity(team, "Order the backlog")
    mine = editor_client.get(url("activity_update", team, activity.pk))
    # A colleague saves first, from a page opened at the same time.
    editor_client.post(
        url("activity_update", team, activity.pk),
        {**ACTIVITY, "name": "Theirs", "based_on": based_on(mine)},
    )

    response = editor_client.post(
        url("activity_update", team, activity.pk),
        {**ACTIVITY, "name": "Mine", "description": "My notes", "based_on": based_on(mine)},
    )

    assert response.status_code == 400
    assert "A colleague changed this while you were editing" in response.text
    assert '<dd class="col-sm-8">Theirs</dd>' in response.text  # their value shown
    assert 'value="Mine"' in response.text and "My notes" in response.text  # my input kept
    activity.refresh_from_db()
    assert (activity.name, activity.description) == ("Theirs", "")

    # Saving again from the refused page replaces theirs, deliberately.
    editor_client.post(
        url("activity_update", team, activity.pk),
        {**ACTIVITY, "name": "Mine", "based_on": based_on(response)},
    )
    activity.refresh_from_db()
    assert activity.name == "Mine"


def test_linking_an_activity_to_the_catalogue_outdates_an_open_form(editor_client, team):
    activity = make_activity(team, "Order the backlog")
    page = editor_client.get(url("activity_update", team, activity.pk))
    editor_client.post(url("activity_link", team, activity.pk), {"key": "backlog-ordering"})

    response = editor_client.post(
        url("activity_update", team, activity.pk),
        {**ACTIVITY, "name": "Order the backlog", "based_on": based_on(page)},
    )

    assert response.status_code == 400
    assert Activity.objects.get(pk=activity.pk).catalogue_key == "backlog-ordering"


def test_an_edit_page_opened_before_a_rename_in_place_is_refused(editor_client, team):
    activity = make_activity(team, "Order the backlog")
    page = editor_client.get(url("activity_update", team, activity.pk))
    editor_client.post(url("activity_rename", team, activity.pk), {"name": "Renamed in the grid"})

    response = editor_client.post(
        url("activity_update", team, activity.pk),
        {**ACTIVITY, "name": "From the old page", "based_on": based_on(page)},
    )

    assert response.status_code == 400
    activity.refresh_from_db()
    assert activity.name == "Renamed in the grid"


def test_an_edit_page_opened_before_a_move_to_another_category_is_refused(editor_client, team):
    activity = make_activity(team, "Order the backlog")
    page = editor_client.get(url("activity_update", team, activity.pk))
    editor_client.post(url("activity_place", team, activity.pk), {"category": "delivery"})

    response = editor_client.post(
        url("activity_update", team, activity.pk),
        {**ACTIVITY, "name": "Order the backlog", "based_on": based_on(page)},
    )

    assert response.status_code == 400
    activity.refresh_from_db()
    assert activity.category == "delivery"


# The team settings form


SETTINGS = {"stage": "established", "uses_scrum": "on", "max_responsible": 3, "max_consulted": 4}


def test_a_fresh_settings_save_is_kept(editor_client, team):
    page = editor_client.get(url("team_settings", team))

    response = editor_client.post(
        url("team_settings", team),
        {**SETTINGS, "name": "Checkout", "max_consulted": 6, "based_on": based_on(page)},
    )

    assert response.status_code == 302
    team = Team.objects.get(pk=team.pk)
    assert (team.max_consulted, team.settings_version) == (6, 2)


def test_a_stale_settings_save_is_refused_and_keeps_the_input(editor_client, team):
    mine = editor_client.get(url("team_settings", team))
    editor_client.post(
        url("team_settings", team),
        {**SETTINGS, "name": "Checkout", "stage": "startup", "based_on": based_on(mine)},
    )

    response = editor_client.post(
        url("team_settings", team), {**SETTINGS, "name": "Payments", "based_on": based_on(mine)}
    )

    assert response.status_code == 200
    assert "A colleague changed this while you were editing" in response.text
    assert "Startup" in response.text.split("stale-values")[1]  # their stage shown
    assert 'value="Payments"' in response.text
    team = Team.objects.get(pk=team.pk)
    assert (team.name, team.stage) == ("Checkout", "startup")


def test_a_cell_edit_does_not_outdate_the_settings_form(editor_client, team):
    """The settings version is not the team's revision, which every cell edit moves."""
    page = editor_client.get(url("team_settings", team))
    with transaction.atomic():
        team.record_change()

    response = editor_client.post(
        url("team_settings", team), {**SETTINGS, "name": "Payments", "based_on": based_on(page)}
    )

    assert response.status_code == 302
    assert Team.objects.get(pk=team.pk).name == "Payments"


# The person form


def person_data(organization, name, version):
    return {
        "name": name,
        "email": "",
        "title": "",
        "roles": [canonical_role(organization, PM).pk],
        "based_on": version,
    }


def test_a_fresh_person_save_is_kept(editor_client, team, organization):
    pat = make_person(organization, "Pat", team=team, roles=[PM])
    page = editor_client.get(url("person_update", team, pat.pk))

    editor_client.post(
        url("person_update", team, pat.pk), person_data(organization, "Pat Lee", based_on(page))
    )

    pat.refresh_from_db()
    assert (pat.name, pat.version) == ("Pat Lee", 2)


def test_a_stale_person_save_is_refused_and_keeps_the_input(editor_client, team, organization):
    pat = make_person(organization, "Pat", team=team, roles=[PM])
    mine = editor_client.get(url("person_update", team, pat.pk))
    editor_client.post(
        url("person_update", team, pat.pk), person_data(organization, "Patricia", based_on(mine))
    )

    response = editor_client.post(
        url("person_update", team, pat.pk), person_data(organization, "Pat Lee", based_on(mine))
    )

    assert response.status_code == 200
    assert "A colleague changed this while you were editing" in response.text
    assert "Patricia" in response.text.split("stale-values")[1]
    assert 'value="Pat Lee"' in response.text
    assert Person.objects.get(pk=pat.pk).name == "Patricia"


@pytest.mark.parametrize("value", ["", "x", "-1"])
def test_a_missing_or_unreadable_version_is_refused(editor_client, team, value):
    activity = make_activity(team, "Order the backlog")

    response = editor_client.post(
        url("activity_update", team, activity.pk), {**ACTIVITY, "name": "Mine", "based_on": value}
    )

    assert response.status_code == 400
    assert Activity.objects.get(pk=activity.pk).name == "Order the backlog"


def test_an_undone_rename_outdates_a_form_opened_before_the_undo(editor_client, team):
    activity = make_activity(team, "Order the backlog")
    page = editor_client.get(url("activity_update", team, activity.pk))
    editor_client.post(
        url("activity_update", team, activity.pk),
        {**ACTIVITY, "name": "Ordering", "based_on": based_on(page)},
    )
    opened = editor_client.get(url("activity_update", team, activity.pk))
    editor_client.post(url("undo", team))
    assert Activity.objects.get(pk=activity.pk).name == "Order the backlog"

    response = editor_client.post(
        url("activity_update", team, activity.pk),
        {**ACTIVITY, "name": "Ordering", "description": "Mine", "based_on": based_on(opened)},
    )

    assert response.status_code == 400
    assert "A colleague changed this while you were editing" in response.text
    assert Activity.objects.get(pk=activity.pk).name == "Order the backlog"
