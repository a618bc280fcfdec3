"""Sign-up creates an account and its organization; sign-in and password resets
use Django's views with our templates."""

import re

from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from raci.models import Membership, Organization
from tests.builders import PASSWORD, make_user, sign_in

SIGNUP = reverse("raci:signup")


def _signup_data(**overrides):
    data = {
        "username": "nina",
        "email": "nina@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "organization_name": "Nina's Shop",
    }
    return data | overrides


def test_signup_page_has_labelled_fields(client):
    response = client.get(SIGNUP)
    assert response.status_code == 200
    for label in ("Username", "Email", "Password", "Organization name"):
        assert label in response.text


def test_signup_creates_owned_organization_and_signs_in(client, db):
    response = client.post(SIGNUP, _signup_data())

    organization = Organization.objects.get(name="Nina's Shop")
    assert response.status_code == 302
    assert response.url == reverse("raci:organization", args=[organization.slug])
    membership = Membership.objects.get(organization=organization)
    assert membership.user.username == "nina"
    assert membership.level == Membership.Level.OWNER
    # The new organization has the four documented roles, and the user is signed in.
    assert organization.roles.exclude(canonical="").count() == 4
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Nina&#x27;s Shop is ready" in page.text


def test_signup_gives_a_free_slug_when_the_name_is_taken(client, db):
    Organization.objects.create(name="Nina's Shop", slug="ninas-shop")
    client.post(SIGNUP, _signup_data())
    assert Organization.objects.filter(slug="ninas-shop-2").exists()


def test_signup_refuses_a_taken_email(client, db):
    make_user("nina2")  # nina2@example.com
    response = client.post(SIGNUP, _signup_data(email="NINA2@example.com"))
    assert response.status_code == 200
    assert "An account with this email already exists" in response.text
    assert not Organization.objects.filter(name="Nina's Shop").exists()


def test_signup_refuses_mismatched_passwords(client, db):
    response = client.post(SIGNUP, _signup_data(password2="something-else-entirely"))
    assert response.status_code == 200
    assert "The two password fields didn" in response.text
    assert not get_user_model().objects.filter(username="nina").exists()


def test_signup_refuses_a_blank_organization_name(client, db):
    response = client.post(SIGNUP, _signup_data(organization_name="   "))
    assert response.status_code == 200
    assert "This field is required" in response.text
    assert not get_user_model().objects.filter(username="nina").exists()


def test_signed_in_user_is_sent_home_from_signup(owner_client):
    response = owner_client.get(SIGNUP)
    assert response.status_code == 302
    assert response.url == reverse("raci:home")


def test_sign_in_page_and_sign_in(client, owner):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "olivia", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("raci:home")


def test_wrong_password_is_refused_with_a_message(client, owner):
    response = client.post(reverse("login"), {"username": "olivia", "password": "nope"})
    assert response.status_code == 200
    assert "That username or email and password do not match an account" in response.text


def test_sign_in_with_the_email_in_any_case(client, owner):
    page = client.get(reverse("login"))
    assert "Username or email" in page.text

    response = client.post(
        reverse("login"), {"username": "OLIVIA@example.com", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.get(reverse("raci:home")).wsgi_request.user == owner


def test_sign_out_goes_back_to_sign_in(owner_client):
    response = owner_client.post(reverse("logout"))
    assert response.url == reverse("login")


def test_password_reset_sends_a_working_link(client, owner):
    response = client.post(reverse("password_reset"), {"email": "olivia@example.com"})
    assert response.status_code == 302
    assert client.get(response.url).status_code == 200  # "Check your email"

    (message,) = mail.outbox
    link = re.search(r"https?://\S+", message.body).group(0)
    page = client.get(link, follow=True)
    assert "Your username is <strong>olivia</strong>" in page.text

    new_password = "a-brand-new-long-password"
    set_url = page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    assert client.get(done.url).status_code == 200
    assert sign_in(client, "olivia", new_password).status_code == 302


def test_signup_with_an_invited_email_points_to_the_invitation(client, db):
    invited = make_user("pending")
    invited.set_unusable_password()
    invited.save()
    response = client.post(SIGNUP, _signup_data(email="pending@example.com"))
    assert "You have been invited already" in response.text
