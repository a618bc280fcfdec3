"""Ordinary concurrent use: the same form sent several times at once, edits
racing deletions, owners changing each other. Real threads against the test
database (PostgreSQL in CI's second run): no 500, the app's own words, and a
database that stays consistent."""

import io
import json
from collections import Counter
from functools import partial

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from raci.models import (
    Activity,
    Assignment,
    Change,
    ChangeSet,
    Membership,
    Organization,
    Person,
    Role,
    RoleHolder,
    Team,
    TeamRole,
)
from raci.vocabulary import CanonicalRole, Letter
from tests.builders import canonical_role, make_activity, make_person, make_team, make_user
from tests.races import at_once, browser_for, while_uncommitted

pytestmark = pytest.mark.django_db(transaction=True)

TOGETHER = 8  # requests sent at the same moment
ROUNDS = 5
HTMX = {"HTTP_HX_REQUEST": "true"}


def statuses(responses):
    return Counter(response.status_code for response in responses)


def assert_one_went_through(responses, message):
    """One request went through (and redirected); every other shows its form with `message`."""
    assert statuses(responses) == {302: 1, 200: len(responses) - 1}
    for response in responses:
        if response.status_code == 200:
            assert message in response.text


def test_moves_racing_the_deletion_of_their_activity(organization, editor):
    team = make_team(organization, "Checkout")
    base = [organization.slug, team.slug]
    for round_ in range(ROUNDS * 2):
        make_activity(team, f"Anchor {round_}")
        moving = make_activity(team, f"Moving {round_}")
        move = reverse("raci:activity_move", args=[*base, moving.pk])
        delete = reverse("raci:activity_delete", args=[*base, moving.pk])
        clients = [browser_for(editor) for _ in range(TOGETHER)]

        *moves, deletion = at_once(
            *[
                partial(client.post, move, {"direction": direction}, **HTMX)
                for client, direction in zip(clients[:-1], ["up", "down"] * TOGETHER, strict=False)
            ],
            partial(clients[-1].post, delete, **HTMX),
        )

        assert deletion.status_code == 200
        assert statuses(moves) == {200: len(moves)}, [m.text[:300] for m in moves]
        for response in moves:
            # The editor as it is now, with a word of explanation if the
            # activity was already gone when the move came.
            assert 'id="workspace"' in response.text
        assert not Activity.objects.filter(pk=moving.pk).exists()
    assert team.activities.count() == ROUNDS * 2


def test_one_user_creating_an_organization_several_times_at_once_gets_one(db):
    user = make_user("double-clicker")
    clients = [browser_for(user) for _ in range(TOGETHER)]
    for round_ in range(ROUNDS):
        name = f"Clicked Twice {round_}"

        responses = at_once(
            *[partial(client.post, reverse("raci:home"), {"name": name}) for client in clients]
        )

        assert_one_went_through(responses, f"You already belong to an organization named “{name}”")
        assert Organization.objects.filter(name=name).count() == 1


def test_users_creating_organizations_of_one_name_at_once_each_get_theirs(db):
    users = [make_user() for _ in range(TOGETHER)]
    clients = [browser_for(user) for user in users]

    responses = at_once(
        *[partial(client.post, reverse("raci:home"), {"name": "Acme"}) for client in clients]
    )

    assert statuses(responses) == {302: TOGETHER}
    slugs = set(Organization.objects.filter(name="Acme").values_list("slug", flat=True))
    assert len(slugs) == TOGETHER
    assert Membership.objects.filter(organization__name="Acme", level="owner").count() == TOGETHER


def _confirm_new_team_import(client, organization, name, content=b"Task,PO,Dev\nVision,A,R\n"):
    """The preview of a file uploaded as the new team `name`, and its confirmation."""
    file = io.BytesIO(content)
    file.name = "m.json" if content.startswith(b"{") else "m.csv"
    upload = client.post(
        reverse("raci:import_new_team", args=[organization.slug]),
        {"file": file, "name": name, "stage": "startup"},
    )
    preview = client.get(upload["Location"])
    return upload["Location"], dict(preview.context["form"].initial, action="confirm")


def test_imports_as_new_teams_of_one_name_at_once_each_make_theirs(organization, editor):
    """Each import takes the next free name and slug ("Payments (2)", "payments-2"),
    as it would coming after the others: none fails on either."""
    setup = browser_for(editor)
    for round_ in range(ROUNDS):
        name = f"Payments {round_}"
        confirms = [_confirm_new_team_import(setup, organization, name) for _ in range(TOGETHER)]

        responses = at_once(
            *[partial(browser_for(editor).post, url, data) for url, data in confirms]
        )

        assert statuses(responses) == {302: TOGETHER}, [r.text[:300] for r in responses]
        teams = Team.objects.filter(organization=organization, name__startswith=name)
        assert sorted(teams.values_list("name", flat=True)) == sorted(
            [name, *(f"{name} ({number})" for number in range(2, TOGETHER + 1))]
        )
        assert len(set(teams.values_list("slug", flat=True))) == TOGETHER
        assert all(team.activities.count() == 1 for team in teams)


def test_imports_bringing_one_new_role_and_person_at_once_make_them_once(organization, editor):
    """Teams of their own, one role and one person new to the organization in
    each file: the imports run one after the other where they meet, and the
    later ones find the role and person the first created."""
    setup = browser_for(editor)
    for round_ in range(ROUNDS):
        document = {
            "version": 1,
            "roles": [{"name": "Product Owner"}, {"name": f"Legal {round_}"}],
            "activities": [{"name": "Vision", "letters": {"Product Owner": "A"}}],
            "people": [
                {"name": "Ana", "email": f"ana{round_}@example.com", "roles": [f"Legal {round_}"]}
            ],
        }
        content = json.dumps(document).encode()
        confirms = [
            _confirm_new_team_import(setup, organization, f"Team {round_}.{number}", content)
            for number in range(TOGETHER)
        ]

        responses = at_once(
            *[partial(browser_for(editor).post, url, data) for url, data in confirms]
        )

        assert statuses(responses) == {302: TOGETHER}, [r.text[:300] for r in responses]
        legal = Role.objects.get(organization=organization, name=f"Legal {round_}")
        ana = Person.objects.get(organization=organization, email=f"ana{round_}@example.com")
        assert RoleHolder.objects.filter(person=ana, role=legal).count() == TOGETHER


def test_a_role_and_a_person_added_from_their_forms_while_imports_bring_them(organization, editor):
    """The roles page adds a custom role, and the people page a person, at the
    moment imports bring a role of that name and a person of that email: the
    imports all go through with the role and the person made first, a form
    that came second says the name or email is taken, and each is made once."""
    team = make_team(organization, "Checkout")
    roles_url = reverse("raci:roles", args=[organization.slug])
    people_url = reverse("raci:team_people", args=[organization.slug, team.slug])
    setup = browser_for(editor)
    imports, forms = TOGETHER // 2, TOGETHER // 4
    for round_ in range(ROUNDS * 2):
        legal, email = f"Legal {round_}", f"lee{round_}@example.com"
        document = {
            "version": 1,
            "roles": [{"name": "Product Owner"}, {"name": legal}],
            "activities": [{"name": "Vision", "letters": {"Product Owner": "A", legal: "C"}}],
            "people": [{"name": "Lee", "email": email, "roles": [legal]}],
        }
        confirms = [
            _confirm_new_team_import(
                setup, organization, f"Team {round_}.{number}", json.dumps(document).encode()
            )
            for number in range(imports)
        ]
        new_person = {
            "add": "new",
            "new-name": "Lee",
            "new-email": email,
            "new-roles": [team.roles.first().pk],
        }

        responses = at_once(
            *[partial(browser_for(editor).post, url, data) for url, data in confirms],
            *[partial(browser_for(editor).post, roles_url, {"name": legal}) for _ in range(forms)],
            *[partial(browser_for(editor).post, people_url, new_person) for _ in range(forms)],
        )

        imported = responses[:imports]
        added_roles = responses[imports : imports + forms]
        added_people = responses[imports + forms :]
        assert statuses(imported) == {302: imports}, [r.text[:300] for r in imported]
        for added, taken in [
            (added_roles, "This organization already has a role with that name."),
            (added_people, "Someone in this organization already has this email"),
        ]:
            assert set(statuses(added)) <= {200, 302}, [r.text[:300] for r in added]
            assert statuses(added)[302] <= 1
            assert all(taken in r.text for r in added if r.status_code == 200)
        role = Role.objects.get(organization=organization, name=legal)
        person = Person.objects.get(organization=organization, email=email)
        assert RoleHolder.objects.filter(person=person, role=role).count() == imports
        assert TeamRole.objects.filter(role=role).count() == imports


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one write transaction run at a time: the import waits at its start",
)
@pytest.mark.parametrize("added", ["role", "person"])
def test_an_import_waiting_on_a_role_or_person_a_colleague_adds_takes_theirs(
    organization, editor, added
):
    """The window the race above hits, held open: the colleague's new role or
    person is written but not committed when the import, which read the
    organization without it, writes its own. The import waits, then goes on
    with the colleague's (before, the unique constraint gave a 500)."""
    document = {
        "version": 1,
        "roles": [{"name": "Legal"}],
        "activities": [{"name": "Vision", "letters": {"Legal": "A"}}],
        "people": [{"name": "Lee", "email": "lee@example.com", "roles": ["Legal"]}],
    }
    url, data = _confirm_new_team_import(
        browser_for(editor), organization, "Compliance", json.dumps(document).encode()
    )

    def colleague_adds():
        if added == "role":
            organization.roles.create(name="legal")
        else:
            organization.people.create(name="Lee", email="LEE@example.com")

    answer = while_uncommitted(colleague_adds, partial(browser_for(editor).post, url, data))

    assert answer.status_code == 302, answer.text[:300]
    role = Role.objects.get(organization=organization, name__iexact="Legal")
    person = Person.objects.get(organization=organization, email__iexact="lee@example.com")
    assert RoleHolder.objects.filter(role=role, person=person, team__name="Compliance").exists()


def test_moving_an_activity_deleted_since_it_was_loaded_moves_nothing(organization):
    """The window the race above hits, opened on purpose."""
    team = make_team(organization, "Checkout")
    first = make_activity(team, "First")
    loaded = make_activity(team, "Second")
    Activity.objects.filter(pk=loaded.pk).delete()

    assert loaded.move(up=True) is False
    assert list(team.activities.values_list("name", "position")) == [("First", first.position)]


def _signup(username, email):
    return {
        "username": username,
        "email": email,
        "password1": "a-long-Passphrase-42",
        "password2": "a-long-Passphrase-42",
        "organization_name": f"Org of {username}",
    }


def test_sign_ups_with_one_username_at_once_make_one_account(db):
    User = get_user_model()
    for round_ in range(ROUNDS):
        username = f"racer{round_}"
        clients = [browser_for() for _ in range(TOGETHER)]

        responses = at_once(
            *[
                partial(
                    client.post, reverse("raci:signup"), _signup(username, f"r{round_}.{i}@x.io")
                )
                for i, client in enumerate(clients)
            ]
        )

        assert_one_went_through(responses, "A user with that username already exists.")
        assert User.objects.filter(username=username).count() == 1
        assert Organization.objects.filter(name=f"Org of {username}").count() == 1


def test_sign_ups_with_one_email_at_once_make_one_account(db):
    User = get_user_model()
    for round_ in range(ROUNDS):
        email = f"same{round_}@example.com"
        spellings = [email, email.upper(), email.capitalize()]
        clients = [browser_for() for _ in range(TOGETHER)]

        responses = at_once(
            *[
                partial(
                    client.post, reverse("raci:signup"), _signup(f"s{round_}x{i}", spellings[i % 3])
                )
                for i, client in enumerate(clients)
            ]
        )

        assert_one_went_through(responses, "An account with this email already exists")
        assert User.objects.filter(email__iexact=email).count() == 1


def test_people_added_with_one_email_at_once_make_one_person(organization, editor):
    team = make_team(organization, "Checkout")
    role = team.roles.first()
    url = reverse("raci:team_people", args=[organization.slug, team.slug])
    for round_ in range(ROUNDS):
        email = f"pat{round_}@example.com"
        data = {
            "add": "new",
            "new-name": f"Pat {round_}",
            "new-email": email,
            "new-roles": [role.pk],
        }
        clients = [browser_for(editor) for _ in range(TOGETHER)]

        responses = at_once(*[partial(client.post, url, data) for client in clients])

        assert_one_went_through(responses, "Someone in this organization already has this email")
        assert Person.objects.filter(email=email).count() == 1
        assert RoleHolder.objects.filter(person__email=email, team=team).count() == 1


def test_one_person_added_to_a_team_twice_at_once_holds_the_role_once(organization, editor):
    team = make_team(organization, "Checkout")
    role = team.roles.first()
    person = Person.objects.create(organization=organization, name="Pat")
    url = reverse("raci:team_people", args=[organization.slug, team.slug])
    data = {"add": "existing", "existing-person": person.pk, "existing-roles": [role.pk]}
    clients = [browser_for(editor) for _ in range(TOGETHER)]

    responses = at_once(*[partial(client.post, url, data) for client in clients])

    assert 500 not in statuses(responses)
    assert RoleHolder.objects.filter(person=person, team=team, role=role).count() == 1


def test_invitations_of_one_new_email_at_once_make_one_account(organization, owner):
    User = get_user_model()
    url = reverse("raci:members", args=[organization.slug])
    for round_ in range(ROUNDS):
        email = f"invitee{round_}@example.com"
        clients = [browser_for(owner) for _ in range(TOGETHER)]

        responses = at_once(
            *[partial(client.post, url, {"email": email, "level": "viewer"}) for client in clients]
        )

        # Adding someone who has not set a password yet only resends their link.
        assert statuses(responses) == {302: TOGETHER}
        (invited,) = User.objects.filter(email__iexact=email)
        assert Membership.objects.filter(organization=organization, user=invited).count() == 1


def test_two_owners_demoting_each_other_at_once_leave_one_owner(organization, owner):
    other = make_user("otto", organization=organization, level=Membership.Level.OWNER)
    mine, theirs = (Membership.objects.get(user=user) for user in (owner, other))
    clients = browser_for(owner), browser_for(other)
    for _round in range(ROUNDS * 2):
        Membership.objects.filter(pk__in=[mine.pk, theirs.pk]).update(level="owner")

        responses = at_once(
            partial(clients[0].post, update_url(theirs), {"level": "editor"}, follow=True),
            partial(clients[1].post, update_url(mine), {"level": "editor"}, follow=True),
        )

        # One demotes the other; the other is refused, in words, whichever way
        # the race went: as no longer an owner, or as the last owner.
        assert sorted(statuses(responses).elements()) in ([200, 200], [200, 403])
        refused = [
            response
            for response in responses
            if response.status_code == 403 or "is the last owner and must stay one" in response.text
        ]
        assert len(refused) == 1
        assert Membership.objects.filter(organization=organization, level="owner").count() == 1


def test_an_owner_demoted_a_moment_ago_changes_nobody(organization, owner):
    """Three owners: A demotes B while B demotes A. Only one of them may win."""
    second = make_user("otto", organization=organization, level=Membership.Level.OWNER)
    make_user("third", organization=organization, level=Membership.Level.OWNER)
    a, b = (Membership.objects.get(user=user) for user in (owner, second))
    clients = browser_for(owner), browser_for(second)
    for _round in range(ROUNDS * 2):
        Membership.objects.filter(pk__in=[a.pk, b.pk]).update(level="owner")

        at_once(
            partial(clients[0].post, update_url(b), {"level": "viewer"}),
            partial(clients[1].post, update_url(a), {"level": "viewer"}),
        )

        levels = sorted(
            Membership.objects.filter(pk__in=[a.pk, b.pk]).values_list("level", flat=True)
        )
        assert levels == ["owner", "viewer"]


def update_url(membership):
    return reverse("raci:member_update", args=[membership.organization.slug, membership.pk])


def _cell_writes(activity, roles):
    """Cells of `activity` saved as the cell editor saves them, one per call."""

    def write(role):
        return Assignment.objects.compare_and_set(
            activity_id=activity.pk, role_id=role.pk, letters={Letter.RESPONSIBLE}, version=0
        )

    return [partial(write, role) for role in roles]


def test_cells_saved_while_their_activity_is_deleted(organization, editor):
    """The deletion never fails on a cell landing in the middle of it; the
    activity goes with all its cells. (The cell editor's own answer to such a
    race is tested with the editor.)"""
    team = make_team(organization, "Checkout")
    roles = list(team.roles.all()) * 2
    client = browser_for(editor)
    for round_ in range(ROUNDS * 2):
        activity = make_activity(team, f"Doomed {round_}")
        url = reverse("raci:activity_delete", args=[organization.slug, team.slug, activity.pk])

        *_writes, deletion = at_once(
            *_cell_writes(activity, roles), partial(client.post, url, **HTMX)
        )

        assert deletion.status_code == 200, deletion.text[:300]
        assert not Activity.objects.filter(pk=activity.pk).exists()
        assert not Assignment.objects.filter(activity_id=activity.pk).exists()


def test_cells_saved_while_their_role_or_team_is_deleted(organization, editor, owner):
    client = browser_for(editor)
    owners_client = browser_for(owner)
    for round_ in range(ROUNDS):
        team = make_team(organization, f"Doomed {round_}")
        role = Role.objects.create(organization=organization, name=f"Temporary {round_}")
        TeamRole.objects.create(team=team, role=role, position=9)
        activities = [make_activity(team, f"Work {number}") for number in range(3)]
        writes = [write for a in activities for write in _cell_writes(a, [role, *team.roles.all()])]
        base = [organization.slug]

        *_writes, role_deleted = at_once(
            *writes, partial(client.post, reverse("raci:role_delete", args=[*base, role.pk]))
        )
        # A team is deleted for good from the trash.
        client.post(reverse("raci:team_delete", args=[*base, team.slug]))
        *_writes, team_deleted = at_once(
            *writes,
            partial(owners_client.post, reverse("raci:trash_delete", args=[*base, team.pk])),
        )

        assert (role_deleted.status_code, team_deleted.status_code) == (302, 302)
        assert not Role.objects.filter(pk=role.pk).exists()
        assert not Activity.objects.filter(team_id=team.pk).exists()
        assert not Assignment.objects.filter(activity__in=activities).exists()


def test_every_acknowledged_cell_edit_is_recorded_exactly_once(organization, editor):
    """Concurrent edits to one team: some to cells of their own, some racing
    for one cell (one wins). The log holds one change per acknowledged edit,
    numbered without a gap or a double by the team's revision."""
    team = make_team(organization, "Checkout")
    roles = list(team.roles.all())
    acknowledged = 0
    for round_ in range(ROUNDS):
        activity = make_activity(team, f"Contended {round_}")
        own = make_activity(team, f"Spread {round_}")
        edits = [(activity, roles[0])] * (TOGETHER // 2) + [
            (own, role) for role in roles[: TOGETHER // 2]
        ]
        base = [organization.slug, team.slug]
        responses = at_once(
            *[
                partial(
                    browser_for(editor).post,
                    reverse("raci:cell", args=[*base, row.pk, role.pk]),
                    {"letters": ["R"], "version": 0},
                    **HTMX,
                )
                for row, role in edits
            ]
        )

        assert statuses(responses) == {200: len(edits)}
        saved = [r for r in responses if "your edit was not saved" not in r.text]
        assert len(saved) == 1 + len(roles[: TOGETHER // 2])
        acknowledged += len(saved)

    assert Change.objects.filter(change_set__team=team, kind="cell").count() == acknowledged
    revisions = sorted(ChangeSet.objects.filter(team=team).values_list("revision", flat=True))
    assert revisions == list(range(1, acknowledged + 1))
    team.refresh_from_db()
    assert team.revision == acknowledged


def test_undos_sent_at_once_each_undo_a_change_of_their_own(organization, editor):
    team = make_team(organization, "Checkout")
    role = team.roles.first()
    rows = [make_activity(team, f"Row {number}") for number in range(2)]
    for row in rows:
        assert team.edit_cell(
            activity_id=row.pk, role_id=role.pk, letters="R", version=0, by=editor
        ).saved
    url = reverse("raci:undo", args=[organization.slug, team.slug])

    responses = at_once(*[partial(browser_for(editor).post, url, **HTMX) for _ in range(TOGETHER)])

    assert statuses(responses) == {200: TOGETHER}
    assert sum("Undid:" in response.text for response in responses) == 2
    undone = ChangeSet.objects.filter(team=team, action="undo").values_list("undoes", flat=True)
    assert len(set(undone)) == 2 == len(undone)
    assert not Assignment.objects.filter(activity__in=rows).exclude(letters="").exists()


def test_two_saves_of_one_form_version_at_once_keep_exactly_one(organization, editor, owner):
    """Settings, an activity and a person, each saved twice at once from pages
    opened at the same version: one save is kept, the other refused, never
    both nor a silent overwrite."""
    team = make_team(organization, "Checkout")
    activity = make_activity(team, "Order the backlog")
    pat = make_person(organization, "Pat", team=team, roles=[CanonicalRole.PRODUCT_MANAGER])
    base = [organization.slug, team.slug]
    settings = {"stage": "established", "max_responsible": 3, "max_consulted": 4, "based_on": 1}
    pm = canonical_role(organization, CanonicalRole.PRODUCT_MANAGER).pk
    forms = [
        (reverse("raci:team_settings", args=base), "name", settings),
        (
            reverse("raci:activity_update", args=[*base, activity.pk]),
            "name",
            {"category": "", "description": "", "catalogue_key": "", "based_on": 1},
        ),
        (
            reverse("raci:person_update", args=[*base, pat.pk]),
            "name",
            {"email": "", "title": "", "roles": [pm], "based_on": 1},
        ),
    ]
    for url, field, data in forms:
        responses = at_once(
            partial(browser_for(editor).post, url, {**data, field: "Editor's"}),
            partial(browser_for(owner).post, url, {**data, field: "Owner's"}),
        )

        assert sorted(r.status_code for r in responses) in ([200, 302], [302, 400]), url
        kept = next(r for r in responses if r.status_code == 302)
        refused = next(r for r in responses if r.status_code != 302)
        assert "A colleague changed this while you were editing" in refused.text
        assert kept is not refused
    assert Team.objects.get(pk=team.pk).name in ("Editor's", "Owner's")
    assert Team.objects.get(pk=team.pk).settings_version == 2
    assert Activity.objects.get(pk=activity.pk).version == 2
    assert Person.objects.get(pk=pat.pk).version == 2
