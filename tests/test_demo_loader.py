import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from raci.models import Activity, Assignment, Organization, Person, RoleHolder, Team

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
