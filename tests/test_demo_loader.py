import json
from contextlib import suppress
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from raci.grid import build_grid
from raci.matrix_io import read_matrix, write_json
from raci.models import Activity, Assignment, Organization, Person, RoleHolder, Team
from raci.rules import analyse
from raci.vocabulary import Severity

pytestmark = pytest.mark.django_db


def _counts():
    return [
        model.objects.count()
        for model in (Organization, Team, Person, RoleHolder, Activity, Assignment)
    ] + [get_user_model().objects.count()]


def test_demo_loader_creates_a_demo_organization_with_teams_people_and_findings(capsys):
    call_command("load_demo")

    organization = Organization.objects.get(slug="acme")
    checkout = organization.teams.get(slug="checkout")
    assert checkout.activities.filter(catalogue_key="backlog-ordering").exists()
    assert checkout.role_holders.count() >= 6
    assert {finding.rule for finding in checkout.analyse()} >= {"owner-mismatch"}
    assert "demo-raci-2026" in capsys.readouterr().out


def test_demo_loader_run_twice_duplicates_nothing():
    call_command("load_demo")
    first = _counts()

    call_command("load_demo")

    assert _counts() == first


def test_demo_loader_keeps_edits_made_since():
    call_command("load_demo")
    team = Team.objects.get(slug="checkout")
    team.activities.filter(catalogue_key="pricing").delete()

    call_command("load_demo")

    assert not team.activities.filter(catalogue_key="pricing").exists()


# What the demo has to show a lead (issue 12's "Done when").


def _findings(slug):
    return Team.objects.get(slug=slug).analyse()


def test_growth_a_setup_the_sources_call_normal_has_no_warning():
    call_command("load_demo")

    found = _findings("growth")

    assert [f for f in found if f.severity != Severity.INFO] == []


def test_checkout_shows_a_documented_alternative_as_info_not_a_warning():
    call_command("load_demo")

    rows = [f for f in _findings("checkout") if f.activity == "Daily task breakdown"]

    assert [(f.rule, f.severity) for f in rows] == [("documented-alternative", Severity.INFO)]


@pytest.mark.parametrize(
    "rule", ["product-owner-committee", "inverted-pm-po-split", "scrum-master-project-work"]
)
def test_payments_names_each_anti_pattern_with_its_source(rule):
    call_command("load_demo")

    found = [f for f in _findings("payments") if f.rule == rule]

    assert found and all(f.severity == Severity.WARNING for f in found)
    assert all(f.sources and f.sources[0].title for f in found)


def test_checkout_has_a_row_to_link_a_choice_of_fixes_and_an_accepted_finding():
    call_command("load_demo")
    team = Team.objects.get(slug="checkout")
    found = team.analyse()

    matched = [f for f in found if f.matched_by_name]
    assert matched and matched[0].activity == "Draft stories"
    criteria = next(f for f in found if f.rule == "no-accountable")
    assert len(criteria.fixes) == 2  # The Product Owner, or the Business Analyst acting as one.
    (accepted,) = [f for f in found if f.accepted]
    assert accepted.activity == "Backlog ordering" and accepted.accepted.reason


@pytest.mark.parametrize("slug", ["checkout", "growth", "payments"])
def test_lint_agrees_with_the_editor_on_every_demo_team(slug, tmp_path):
    """The editor's panel, `raci lint --team` and `raci lint` on the team's JSON export
    report the same open findings and the same accepted ones."""
    call_command("load_demo")
    team = Team.objects.get(slug=slug)
    grid = build_grid(team.snapshot())
    editor = {**grid.counts, "accepted": len(grid.accepted)}

    by_team = _lint_summary("--team", f"acme/{slug}")
    path = tmp_path / f"{slug}.json"
    path.write_text(write_json(team.to_matrix()))
    by_file = _lint_summary(path)

    assert editor == by_team == by_file
    editor_rules = sorted(f.rule for f in grid.findings)
    assert editor_rules == sorted(
        f.rule for f in analyse(read_matrix(path.read_text(), "x.json")) if not f.accepted
    )


def _lint_summary(*args) -> dict:
    out = StringIO()
    with suppress(SystemExit):  # Exit 1: the team has open errors.
        call_command("raci", "lint", *map(str, args), "--format", "json", stdout=out)
    return json.loads(out.getvalue())["summary"]


def test_the_demo_starts_with_nothing_to_undo(client):
    call_command("load_demo", stdout=StringIO())
    client.force_login(get_user_model().objects.get(username="demo"))
    checkout = Team.objects.get(slug="checkout")

    response = client.post(f"/o/acme/t/{checkout.slug}/undo/", follow=True)

    # The demo's accepted finding is part of the data, not an edit of the
    # user's to take back with their first Ctrl+Z.
    assert "Nothing of yours to undo in this team." in response.content.decode()
    assert checkout.accepted_findings.count() == 1
    assert not checkout.change_sets.exists()
