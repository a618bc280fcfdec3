"""The Django admin lists, searches and filters every model."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from raci.models import Organization

RACI_MODELS = [model for model in admin.site._registry if model._meta.app_label == "raci"]


@pytest.fixture
def admin_client_with_demo(client, db):
    call_command("load_demo")
    client.force_login(get_user_model().objects.get(username="demo"))
    return client


def test_every_raci_model_is_in_the_admin():
    names = {model.__name__ for model in RACI_MODELS}
    assert names == {
        "Organization",
        "Membership",
        "Team",
        "Person",
        "Role",
        "TeamRole",
        "RoleHolder",
        "Activity",
        "Assignment",
        "AcceptedFinding",
    }


@pytest.mark.parametrize("model", RACI_MODELS, ids=lambda model: model.__name__)
def test_admin_changelist_search_and_add_pages_load(admin_client_with_demo, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    assert admin_client_with_demo.get(changelist).status_code == 200
    assert admin_client_with_demo.get(changelist, {"q": "product"}).status_code == 200
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    assert admin_client_with_demo.get(add).status_code == 200


def test_the_demo_organization_shows_in_the_admin(admin_client_with_demo):
    organization = Organization.objects.get(slug="acme")

    page = admin_client_with_demo.get(reverse("admin:raci_organization_changelist"))
    change = admin_client_with_demo.get(
        reverse("admin:raci_organization_change", args=[organization.pk])
    )

    assert "Acme Product" in page.content.decode()
    assert change.status_code == 200


def test_an_organization_added_in_the_admin_gets_the_canonical_roles(admin_client_with_demo):
    admin_client_with_demo.post(
        reverse("admin:raci_organization_add"),
        {
            "name": "Made in admin",
            "slug": "made-in-admin",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    organization = Organization.objects.get(slug="made-in-admin")
    assert organization.roles.count() == 4


def test_an_email_taken_by_another_account_is_refused_in_the_admin(admin_client_with_demo):
    User = get_user_model()
    other = User.objects.create_user("kim", "kim@example.com")
    demo = User.objects.get(username="demo")
    url = reverse("admin:auth_user_change", args=[demo.pk])
    form = admin_client_with_demo.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("groups", "user_permissions", "password")
    }
    data.update(email="KIM@example.com", last_login_0="", last_login_1="")
    data.update(date_joined_0="2026-01-01", date_joined_1="00:00:00")

    response = admin_client_with_demo.post(url, data)

    assert response.status_code == 200
    assert "Another account has this email" in response.text
    assert User.objects.filter(email__iexact=other.email).count() == 1
