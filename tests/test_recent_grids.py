"""A matrix page seen before, with nothing changed since, is drawn from the
grid the process kept (raci/grid.py, RecentGrids); any change to the team
shows on the next view, whoever made it."""

import random
import re
from contextlib import contextmanager

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from raci import services
from raci.grid import KeptGrid, RecentGrids, recent_grids
from raci.models import Assignment, ChangeSet, Role, Team, TeamSnapshot
from tests.builders import (
    DEV,
    HTMX,
    PM,
    PO,
    SM,
    canonical_role,
    make_activity,
    make_filled_team,
    make_person,
    make_team,
)


def matrix_url(team):
    return reverse("raci:matrix", args=[team.organization.slug, team.slug])


def queries_of(request):
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code == 200
    return response, len(captured)


def grid_markup(response) -> str:
    html = response.content.decode()
    return html[html.index('<table class="table table-sm raci-grid') : html.index("</table>")]


def test_a_page_seen_before_reads_no_cells_and_shows_the_same_grid(editor_client, organization):
    team = make_filled_team(organization, "Checkout", activities=40)
    first, first_queries = queries_of(lambda: editor_client.get(matrix_url(team)))
    again, again_queries = queries_of(lambda: editor_client.get(matrix_url(team)))

    # The team's activities, columns, cells, holders and acceptances are not read again.
    assert again_queries <= first_queries - 5
    assert grid_markup(again) == grid_markup(first)


def test_a_colleagues_cell_edit_shows_on_the_next_view(editor_client, owner_client, organization):
    team = make_team(organization, "Checkout", kinds=(PM,))
    activity = make_activity(team, "Write the roadmap")
    role = canonical_role(organization, PM)
    editor_client.get(matrix_url(team))

    owner_client.post(
        reverse("raci:cell", args=[organization.slug, team.slug, activity.pk, role.pk]),
        {"letters": ["A"], "version": 0},
        **HTMX,
    )

    page = editor_client.get(matrix_url(team)).content.decode()
    assert f'id="cell-{activity.pk}-{role.pk}" class="raci-cell" data-letters="A"' in page


def test_a_new_team_that_takes_a_deleted_teams_id_shows_its_own_matrix(editor_client, organization):
    old = make_team(organization, "Checkout", kinds=(PM,))
    make_activity(old, "Old activity", letters={PM: "A"})
    editor_client.get(matrix_url(old))
    old_id, revision = old.pk, old.revision
    Team.with_trashed.filter(pk=old_id).delete()

    # Same id, same revision, same address: only its creation tells it apart.
    new = make_team(organization, "Checkout", kinds=(PM,), pk=old_id, revision=revision)
    make_activity(new, "New activity", letters={PM: "R"})

    page = editor_client.get(matrix_url(new)).content.decode()
    assert "New activity" in page
    assert "Old activity" not in page


def test_kept_grids_stay_within_their_cells_dropping_the_least_recently_used():
    kept = RecentGrids(max_cells=100)
    grids = {name: KeptGrid(1, object(), object(), cells=40) for name in "abc"}
    kept.keep(("a",), grids["a"])
    kept.keep(("b",), grids["b"])
    kept.latest(("a",))  # a is used again: b is now the least recent
    kept.keep(("c",), grids["c"])

    assert kept.latest(("a",)) is grids["a"]
    assert kept.latest(("b",)) is None
    assert kept.latest(("c",)) is grids["c"]
    # A grid larger than the whole budget is not kept at all.
    kept.keep(("huge",), KeptGrid(1, object(), object(), cells=101))
    assert kept.latest(("huge",)) is None


def test_a_grid_of_an_older_revision_never_replaces_a_later_one():
    kept = RecentGrids(max_cells=100)
    later = KeptGrid(5, object(), object(), cells=10)
    kept.keep(("a",), later)
    kept.keep(("a",), KeptGrid(4, object(), object(), cells=10))

    assert kept.latest(("a",)) is later


def test_the_grid_kept_after_an_edit_serves_the_next_view(editor_client, organization):
    team = make_team(organization, "Checkout", kinds=(PM,))
    activity = make_activity(team, "Write the roadmap")
    role = canonical_role(organization, PM)
    recent_grids.clear()

    editor_client.post(
        reverse("raci:cell", args=[organization.slug, team.slug, activity.pk, role.pk]),
        {"letters": ["R"], "version": 0},
        **HTMX,
    )
    response, after_edit = queries_of(lambda: editor_client.get(matrix_url(team)))
    _, seen_before = queries_of(lambda: editor_client.get(matrix_url(team)))

    assert 'data-letters="R"' in response.content.decode()
    assert after_edit == seen_before


# --- Brought up to date from the change log ------------------------------------------------


def team_key(team):
    return (team.pk, team.created, False)


@contextmanager
def served_by_another_worker(team):
    """A colleague's requests reach another worker: this process keeps the
    grid it had, of the revision before their writes."""
    kept = recent_grids.latest(team_key(team))
    yield
    recent_grids.clear()
    recent_grids.keep(team_key(team), kept)


def fresh_view(client, team):
    """The page as a process that never drew the team shows it."""
    recent_grids.clear()
    return queries_of(lambda: client.get(matrix_url(team)))


def edit_cell(client, team, activity_id, role_id, letters):
    version = (
        Assignment.objects.filter(activity_id=activity_id, role_id=role_id)
        .values_list("version", flat=True)
        .first()
        or 0
    )
    response = client.post(
        reverse("raci:cell", args=[team.organization.slug, team.slug, activity_id, role_id]),
        {"letters": list(letters), "version": version},
        **HTMX,
    )
    assert response.status_code == 200


def paste_block(client, team, activity_id, role_id, text):
    seen = " ".join(
        f"{a}-{r}-{v}"
        for a, r, v in Assignment.objects.filter(activity__team=team).values_list(
            "activity_id", "role_id", "version"
        )
    )
    response = client.post(
        reverse("raci:cells_write", args=[team.organization.slug, team.slug]),
        {
            "action": "paste",
            "activity": activity_id,
            "role": role_id,
            "text": text,
            "versions": seen,
        },
        **HTMX,
    )
    assert response.status_code == 200


def test_after_colleagues_edits_the_kept_grid_is_brought_up_to_date_as_a_fresh_read(
    editor_client, owner_client, owner, organization
):
    team = make_filled_team(organization, "Checkout", activities=30, kinds=(PM, PO, SM, DEV))
    roles = [canonical_role(organization, kind).pk for kind in (PM, PO, SM, DEV)]
    undo_url = reverse("raci:undo", args=[organization.slug, team.slug])
    chance = random.Random(7)
    editor_client.get(matrix_url(team))

    people = [make_person(organization, f"Person {n}") for n in range(3)]
    for _ in range(24):
        since = Team.objects.get(pk=team.pk).revision
        with served_by_another_worker(team):
            # One to three colleague writes between two views of this editor.
            for _ in range(chance.randint(1, 3)):
                action = chance.choice(
                    ["edit", "edit", "paste", "undo", "holders", "settings", "accept", "rows"]
                )
                activities = list(team.activities.order_by("position").values_list("pk", flat=True))
                activity, role = chance.choice(activities[:-1]), chance.choice(roles[:-1])
                if action == "edit":
                    letters = "".join(x for x in "ARCI" if chance.random() < 0.4)
                    edit_cell(owner_client, team, activity, role, letters)
                elif action == "paste":
                    paste_block(owner_client, team, activity, role, "A\tR\nC\tI")
                elif action == "undo":
                    owner_client.post(undo_url, **HTMX)
                elif action == "holders":
                    services.team_person_save(
                        team=team,
                        person=chance.choice(people),
                        roles=[Role.objects.get(pk=pk) for pk in chance.sample(roles, 2)],
                        by=owner,
                    )
                elif action == "rows":
                    change_rows(owner_client, team, activity, chance)
                elif action == "settings":
                    change_settings(owner_client, team, max_consulted=chance.randint(1, 3))
                else:
                    accept_a_finding(team, owner)
        with reads_of_whole_teams() as read_whole:
            caught_up = editor_client.get(matrix_url(team))
        fresh, _ = fresh_view(editor_client, team)

        # Brought up to date, not read again, unless a revision moved on
        # without a change set (a row moved where it already showed).
        until = Team.objects.get(pk=team.pk).revision
        recorded = ChangeSet.objects.filter(team=team, revision__gt=since).count()
        assert read_whole == ([] if recorded == until - since else [team.pk])
        assert grid_markup(caught_up) == grid_markup(fresh)
        assert findings_panel(caught_up) == findings_panel(fresh)


@contextmanager
def reads_of_whole_teams():
    """The teams read whole meanwhile (TeamSnapshot.load), by id."""
    read = []
    load = TeamSnapshot.load.__func__

    def counted(cls, teams):
        teams = list(teams)
        read.extend(team.pk for team in teams)
        return load(cls, teams)

    TeamSnapshot.load = classmethod(counted)
    try:
        yield read
    finally:
        TeamSnapshot.load = classmethod(load)


def change_rows(client, team, activity_id, chance):
    """A colleague adds, renames, moves, inserts or deletes a row."""
    org, slug = team.organization.slug, team.slug
    args = [org, slug, activity_id]
    kind = chance.choice(["add", "rename", "move", "insert", "delete"])
    if kind == "add":
        url = reverse("raci:activity_add", args=[org, slug])
        data = {"name": f"Added {chance.random()}", "category": "delivery"}
    elif kind == "rename":
        url = reverse("raci:activity_rename", args=args)
        data = {"name": f"Renamed {chance.random()}"}
    elif kind == "move":
        url = reverse("raci:activity_move", args=args)
        data = {"direction": chance.choice(["up", "down"])}
    elif kind == "insert":
        url = reverse("raci:activity_insert", args=args)
        data = {"where": chance.choice(["above", "below"])}
    else:
        url = reverse("raci:activity_delete", args=args)
        data = {}
    assert client.post(url, data, **HTMX).status_code == 200


def change_settings(client, team, **changed):
    team = Team.objects.get(pk=team.pk)
    settings = {
        "name": team.name,
        "uses_scrum": "on" if team.uses_scrum else "",
        "stage": team.stage,
        "max_responsible": team.max_responsible,
        "max_consulted": team.max_consulted,
        "based_on": team.settings_version,
        **changed,
    }
    url = reverse("raci:team_settings", args=[team.organization.slug, team.slug])
    assert client.post(url, settings).status_code == 302


def accept_a_finding(team, user):
    team = Team.objects.get(pk=team.pk)
    open_findings = [finding for finding in team.analyse() if not finding.accepted]
    if open_findings:
        finding = open_findings[0]
        assert team.accept_finding(
            rule=finding.rule,
            activity=finding.activity_key or "",
            role=finding.role_key or "",
            person=finding.person_key or "",
            subject=finding.subject,
            letters_digest=finding.letters_digest,
            reason="We live with it.",
            user=user,
        )


def findings_panel(response) -> str:
    html = response.content.decode()
    # The panel's forms carry a CSRF token masked anew on every page.
    panel = html[html.index('<section id="findings"') : html.index("</section>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", panel)


def test_a_new_activity_by_a_colleague_shows_on_the_next_view(
    editor_client, owner_client, organization
):
    team = make_filled_team(organization, "Checkout", activities=5)
    editor_client.get(matrix_url(team))

    with served_by_another_worker(team):
        owner_client.post(
            reverse("raci:activity_add", args=[organization.slug, team.slug]),
            {"name": "Run the demo", "category": "delivery"},
            **HTMX,
        )

    page = editor_client.get(matrix_url(team))
    assert "Run the demo" in page.content.decode()
    assert grid_markup(page) == grid_markup(fresh_view(editor_client, team)[0])


def test_a_change_recorded_without_a_change_set_reads_the_team_again(editor_client, organization):
    """An admin's edit moves the revision on but writes no change set."""
    team = make_team(organization, "Checkout", kinds=(PM,))
    activity = make_activity(team, "Write the roadmap", letters={PM: "R"})
    editor_client.get(matrix_url(team))

    with transaction.atomic():
        Team.objects.filter(pk=team.pk).record_change()
        Assignment.objects.filter(activity=activity).update(letters="A", version=2)

    page = editor_client.get(matrix_url(team)).content.decode()
    assert 'data-letters="A" data-version="2"' in page


def test_the_findings_panel_of_a_kept_grid_carries_each_users_own_csrf_token(
    owner, editor, organization
):
    team = make_team(organization, "Checkout")
    # No accountable: a finding with an Apply fix form.
    make_activity(team, "Order the product backlog", catalogue_key="backlog-ordering")
    tokens = {}
    for user in (owner, editor):  # the second view is drawn from the kept grid
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        page = client.get(matrix_url(team)).content.decode()
        lists = page[page.index('<ul class="list-unstyled findings-list">') :]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', lists).group(1)
        tokens[user.username] = token

        answer = client.post(
            reverse("raci:editor_preferences"),
            {"density": "comfortable", "csrfmiddlewaretoken": token},
            **HTMX,
        )
        assert answer.status_code == 204  # not 403: the token is this user's

    assert "<!--csrf-field-->" not in page
    assert tokens[owner.username] != tokens[editor.username]


def test_a_row_deleted_and_brought_back_by_a_colleague_shows_with_its_letters(
    editor_client, owner_client, organization
):
    team = make_team(organization, "Checkout", kinds=(PM, PO))
    doomed = make_activity(team, "Order the backlog", letters={PM: "C", PO: "AR"})
    make_activity(team, "Set the vision", letters={PM: "AR"})
    editor_client.get(matrix_url(team))

    for write in (
        lambda: owner_client.post(
            reverse("raci:activity_delete", args=[organization.slug, team.slug, doomed.pk]),
            **HTMX,
        ),
        lambda: owner_client.post(
            reverse("raci:undo", args=[organization.slug, team.slug]), **HTMX
        ),
    ):
        with served_by_another_worker(team):
            assert write().status_code == 200
        with reads_of_whole_teams() as read_whole:
            caught_up = editor_client.get(matrix_url(team))
        fresh, _ = fresh_view(editor_client, team)

        assert read_whole == []
        assert grid_markup(caught_up) == grid_markup(fresh)
        assert findings_panel(caught_up) == findings_panel(fresh)
        editor_client.get(matrix_url(team))  # kept again for the next write

    assert 'data-letters="AR"' in grid_markup(caught_up)


def test_rows_drawn_again_after_a_colleagues_change_show_their_new_findings_and_columns(
    editor_client, owner_client, organization
):
    """Rows whose letters did not change are written once and used again
    (Grid.follow), as long as their findings and the columns are the same."""
    team = make_team(organization, "Checkout", kinds=(PM, PO, DEV))
    crowded = make_activity(team, "Refine the backlog", letters={PM: "C", PO: "AC", DEV: "RC"})
    make_activity(team, "Set the vision", letters={PM: "A", PO: "C", DEV: "R"})
    page = editor_client.get(matrix_url(team)).content.decode()
    assert "crowded-consulted" not in page

    # Fewer consulted allowed: the first row is marked, no letter changed.
    with served_by_another_worker(team):
        change_settings(owner_client, team, max_consulted=1)
    marked = editor_client.get(matrix_url(team))
    row = re.search(rf'<tr id="row-{crowded.pk}" class="activity-row has-warning"', marked.text)
    assert row is not None
    assert grid_markup(marked) == grid_markup(fresh_view(editor_client, team)[0])

    # A new column: every row gets a cell for it.
    scrum_master = canonical_role(organization, SM)
    with served_by_another_worker(team):
        owner_client.post(
            reverse("raci:column_add", args=[organization.slug, team.slug]),
            {"role": scrum_master.pk},
            **HTMX,
        )
    widened = editor_client.get(matrix_url(team))
    assert f'id="cell-{crowded.pk}-{scrum_master.pk}"' in widened.text
    assert grid_markup(widened) == grid_markup(fresh_view(editor_client, team)[0])


def test_a_fix_says_what_a_cell_holds_after_a_colleagues_change(
    editor_client, owner_client, organization
):
    """A fix's button lists the letters each cell holds now: the findings
    panel is not taken over from the grid before a colleague changed one."""
    team = make_team(organization, "Checkout")
    ordering = make_activity(
        team, "Order the backlog", catalogue_key="backlog-ordering", letters={PM: "A", DEV: "R"}
    )
    page = editor_client.get(matrix_url(team)).content.decode()
    assert "Product Owner: not involved → AR; Product Manager: A → not involved" in page

    with served_by_another_worker(team):
        edit_cell(owner_client, team, ordering.pk, canonical_role(organization, PO).pk, "C")
    page = editor_client.get(matrix_url(team)).content.decode()

    assert "Product Owner: C → AR; Product Manager: A → not involved" in page
    assert "Product Owner: not involved → AR" not in page
