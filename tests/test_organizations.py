"""The home page and the organization page with its teams' finding counts."""

from django.urls import reverse

from raci.models import Membership, Organization
from raci.vocabulary import CanonicalRole, Severity
from tests.builders import make_activity, make_organization, make_team, make_user, sign_in

HOME = reverse("raci:home")


def test_anonymous_is_asked_to_sign_in(client, db):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_home_goes_straight_to_the_only_organization(owner_client, organization):
    response = owner_client.get(HOME)
    assert response.status_code == 302
    assert response.url == reverse("raci:organization", args=[organization.slug])


def test_home_lists_several_organizations(owner_client, owner):
    second = make_organization("Second Shop")
    Membership.objects.create(organization=second, user=owner, level=Membership.Level.VIEWER)
    response = owner_client.get(HOME)
    assert response.status_code == 200
    assert "Acme Product" in response.text
    assert "Second Shop" in response.text


def test_home_without_organization_offers_to_create_one(client, db):
    make_user("loner")
    assert sign_in(client, "loner").status_code == 302
    response = client.get(HOME)
    assert response.status_code == 200
    assert "You do not belong to any organization yet" in response.text

    response = client.post(HOME, {"name": "Loner Labs"})
    organization = Organization.objects.get(name="Loner Labs")
    assert response.url == reverse("raci:organization", args=[organization.slug])
    assert organization.memberships.get().level == Membership.Level.OWNER


def test_create_organization_needs_a_name(owner_client):
    response = owner_client.post(HOME, {"name": ""})
    assert response.status_code == 200
    assert "This field is required" in response.text


def test_organization_page_lists_teams_with_finding_counts(viewer_client, organization):
    team = make_team(organization, "Checkout", kinds=[CanonicalRole.PRODUCT_MANAGER])
    # No A and no R: the engine reports errors for this activity.
    make_activity(team, "Pricing page", letters={CanonicalRole.PRODUCT_MANAGER: "C"})
    make_team(organization, "Search")

    response = viewer_client.get(reverse("raci:organization", args=[organization.slug]))

    assert response.status_code == 200
    by_name = {team.name: dict(counts) for team, counts, _ in response.context["teams"]}
    assert by_name["Checkout"]["error"] >= 1
    assert reverse("raci:matrix", args=[organization.slug, team.slug]) in response.text
    assert "Search" in response.text
    # A viewer is not offered the buttons that would answer 403.
    assert "New team" not in response.text


def test_organization_totals_leave_out_accepted_findings(owner_client, owner, organization):
    team = make_team(organization, "Checkout", kinds=[CanonicalRole.PRODUCT_MANAGER])
    make_activity(team, "Pricing page", letters={CanonicalRole.PRODUCT_MANAGER: "A"})
    url = reverse("raci:organization", args=[organization.slug])

    def counts():
        response = owner_client.get(url)
        ((_, by_severity, accepted),) = response.context["teams"]
        return dict(by_severity)[Severity.ERROR], accepted

    assert counts() == (1, 0)  # Nobody is responsible.
    finding = next(f for f in team.analyse() if f.rule == "no-responsible")
    assert team.accept_finding(
        rule=finding.rule,
        activity=finding.activity_key,
        letters_digest=finding.letters_digest,
        reason="The PM does it; we say so once, in the team charter.",
        user=owner,
    )

    assert counts() == (0, 1)
    assert reverse("raci:accepted_findings", args=[organization.slug, team.slug]) in (
        owner_client.get(url).text
    )


def test_editor_sees_new_team_button(editor_client, organization):
    response = editor_client.get(reverse("raci:organization", args=[organization.slug]))
    assert "New team" in response.text
