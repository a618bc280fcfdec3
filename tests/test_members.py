"""Members: everyone sees them; only owners add, change and remove; an
organization always keeps an owner."""

import re
import socket

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from raci import services
from raci.models import Membership
from tests.builders import make_user, sign_in


def members_url(organization):
    return reverse("raci:members", args=[organization.slug])


def update_url(membership):
    return reverse("raci:member_update", args=[membership.organization.slug, membership.pk])


def remove_url(membership):
    return reverse("raci:member_remove", args=[membership.organization.slug, membership.pk])


def membership_of(user, organization):
    return Membership.objects.get(user=user, organization=organization)


def test_viewer_sees_members_but_no_management_forms(viewer_client, organization, owner):
    response = viewer_client.get(members_url(organization))
    assert response.status_code == 200
    assert "olivia" in response.text
    assert "Add a member" not in response.text
    assert "Remove" not in response.text


def test_owner_sees_management_forms(owner_client, organization):
    response = owner_client.get(members_url(organization))
    assert "Add a member" in response.text
    assert 'for="level-' in response.text


def test_owner_adds_an_existing_user_without_email(owner_client, organization):
    known = make_user("kim")
    response = owner_client.post(
        members_url(organization), {"email": "KIM@example.com", "level": "editor"}
    )
    assert response.status_code == 302
    assert membership_of(known, organization).level == Membership.Level.EDITOR
    assert mail.outbox == []
    page = owner_client.get(response.url)
    assert "Added KIM@example.com as Editor. If they are new here" in page.text


def test_unknown_email_gets_an_account_and_a_set_password_link(client, owner, organization):
    client.force_login(owner)
    response = client.post(
        members_url(organization), {"email": "new.person@example.com", "level": "viewer"}
    )
    assert response.status_code == 302

    invited = get_user_model().objects.get(email="new.person@example.com")
    assert not invited.has_usable_password()
    assert membership_of(invited, organization).level == Membership.Level.VIEWER
    (message,) = mail.outbox
    assert message.to == ["new.person@example.com"]
    assert "Acme Product" in message.subject
    assert invited.username in message.body

    # The invited person follows the link, sets a password and can sign in.
    client.logout()
    link = re.search(r"https?://\S+", message.body).group(0)
    page = client.get(link, follow=True)
    assert page.status_code == 200
    assert f"Your username is <strong>{invited.username}</strong>" in page.text
    set_url = page.redirect_chain[-1][0]
    password = "a-fresh-long-password"
    client.post(set_url, {"new_password1": password, "new_password2": password})
    assert sign_in(client, invited.username, password).status_code == 302
    assert client.get(reverse("raci:organization", args=[organization.slug])).status_code == 200


def test_adding_someone_says_the_same_whether_or_not_they_had_an_account(
    owner_client, organization
):
    """The inviter is not told who is registered here; each gets what they need."""
    make_user("kim")

    def message_for(email):
        response = owner_client.post(members_url(organization), {"email": email, "level": "viewer"})
        page = owner_client.get(response.url).text
        return re.search(r'role="status">(.*?)</div>', page).group(1).replace(email, "EMAIL")

    assert message_for("kim@example.com") == message_for("someone.new@example.com")
    assert [message.to for message in mail.outbox] == [["someone.new@example.com"]]


def test_an_invitation_that_cannot_be_sent_is_reported_and_can_be_resent(
    owner_client, organization, settings
):
    # A real SMTP connection, to a port where no mail server listens.
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }

    response = owner_client.post(
        members_url(organization), {"email": "unlucky@example.com", "level": "viewer"}, follow=True
    )

    assert "the email with their link to set a password could not be sent" in response.text
    assert "emailed" not in response.text
    member = organization.memberships.get(user__email="unlucky@example.com")
    resend = reverse("raci:member_resend", args=[organization.slug, member.pk])
    assert f'action="{resend}"' in response.text
    assert owner_client.post(resend, follow=True).status_code == 200

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    response = owner_client.post(resend, follow=True)

    assert "Sent unlucky@example.com a fresh link" in response.text
    (message,) = mail.outbox
    assert message.to == ["unlucky@example.com"]


def test_resending_to_a_member_with_a_password_sends_nothing(owner_client, organization, editor):
    member = membership_of(editor, organization)
    response = owner_client.post(
        reverse("raci:member_resend", args=[organization.slug, member.pk]), follow=True
    )
    assert "has set a password already" in response.text
    assert mail.outbox == []


def test_only_owners_resend_invitations(editor_client, organization, owner):
    member = membership_of(owner, organization)
    url = reverse("raci:member_resend", args=[organization.slug, member.pk])
    assert editor_client.post(url).status_code == 403
    assert editor_client.get(url).status_code == 405


def test_a_long_email_gets_an_account_that_signs_in_with_it(client, owner, organization):
    """A valid 201-character email is longer than a username may be."""
    domain = "b" * 60 + "." + "c" * 60 + ".example.com"
    email = "a" * (201 - 1 - len(domain)) + "@" + domain
    assert len(email) == 201
    client.force_login(owner)

    response = client.post(members_url(organization), {"email": email, "level": "viewer"})

    assert response.status_code == 302
    invited = get_user_model().objects.get(email=email)
    assert len(invited.username) <= 150
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    client.logout()
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(
        set_url,
        {"new_password1": "a-fresh-long-password", "new_password2": "a-fresh-long-password"},
    )
    response = client.post(
        reverse("login"), {"username": email.upper(), "password": "a-fresh-long-password"}
    )
    assert response.status_code == 302
    assert client.get(reverse("raci:organization", args=[organization.slug])).status_code == 200


def test_an_email_too_long_for_any_account_is_refused_inline(owner_client, organization):
    email = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 63 + ".com"
    response = owner_client.post(members_url(organization), {"email": email, "level": "viewer"})
    assert response.status_code == 200
    assert "Ensure this value has at most 254 characters" in response.text
    assert not get_user_model().objects.filter(email=email).exists()


def test_adding_a_pending_member_again_resends_the_link(owner_client, organization):
    data = {"email": "late@example.com", "level": "viewer"}
    owner_client.post(members_url(organization), data)
    owner_client.post(members_url(organization), data)
    assert len(mail.outbox) == 2
    assert organization.memberships.filter(user__email="late@example.com").count() == 1


def test_adding_a_member_twice_is_refused(owner_client, organization, editor):
    response = owner_client.post(
        members_url(organization), {"email": editor.email, "level": "viewer"}
    )
    assert response.status_code == 200
    assert "This person is already a member." in response.text
    assert membership_of(editor, organization).level == Membership.Level.EDITOR


def test_invalid_email_is_refused_inline(owner_client, organization):
    response = owner_client.post(members_url(organization), {"email": "nope", "level": "viewer"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.text


def test_editor_cannot_add_members(editor_client, organization):
    response = editor_client.post(
        members_url(organization), {"email": "x@example.com", "level": "owner"}
    )
    assert response.status_code == 403
    assert not get_user_model().objects.filter(email="x@example.com").exists()


def test_owner_changes_a_level(owner_client, organization, viewer):
    membership = membership_of(viewer, organization)
    response = owner_client.post(update_url(membership), {"level": "editor"}, follow=True)
    assert "vera is now Editor." in response.text
    membership.refresh_from_db()
    assert membership.level == Membership.Level.EDITOR


def test_unknown_level_is_refused(owner_client, organization, viewer):
    membership = membership_of(viewer, organization)
    response = owner_client.post(update_url(membership), {"level": "king"}, follow=True)
    assert "Choose owner, editor or viewer." in response.text
    membership.refresh_from_db()
    assert membership.level == Membership.Level.VIEWER


def test_last_owner_cannot_be_demoted(owner_client, organization, owner):
    membership = membership_of(owner, organization)
    response = owner_client.post(update_url(membership), {"level": "viewer"}, follow=True)
    assert "olivia is the last owner and must stay one." in response.text
    membership.refresh_from_db()
    assert membership.level == Membership.Level.OWNER


def test_an_owner_can_step_down_when_another_owner_remains(owner_client, organization, owner):
    make_user("otto", organization=organization, level=Membership.Level.OWNER)
    membership = membership_of(owner, organization)
    owner_client.post(update_url(membership), {"level": "editor"})
    membership.refresh_from_db()
    assert membership.level == Membership.Level.EDITOR


def test_owner_removes_a_member(owner_client, organization, editor):
    response = owner_client.post(remove_url(membership_of(editor, organization)), follow=True)
    assert "Removed edgar from Acme Product." in response.text
    assert not organization.memberships.filter(user=editor).exists()
    # The account stays: it may belong to other organizations.
    assert get_user_model().objects.filter(pk=editor.pk).exists()


def test_last_owner_cannot_be_removed(owner_client, organization, owner):
    response = owner_client.post(remove_url(membership_of(owner, organization)), follow=True)
    assert "olivia is the last owner and cannot be removed." in response.text
    assert organization.memberships.filter(user=owner).exists()


def test_owner_leaving_goes_home(owner_client, organization, owner):
    make_user("otto", organization=organization, level=Membership.Level.OWNER)
    response = owner_client.post(remove_url(membership_of(owner, organization)))
    assert response.url == reverse("raci:home")


def test_editor_cannot_change_or_remove_members(editor_client, organization, viewer):
    membership = membership_of(viewer, organization)
    assert editor_client.post(update_url(membership), {"level": "owner"}).status_code == 403
    assert editor_client.post(remove_url(membership)).status_code == 403
    membership.refresh_from_db()
    assert membership.level == Membership.Level.VIEWER


def test_member_of_another_organization_is_not_found(owner_client, outsider):
    foreign = outsider.memberships.get()
    url = reverse("raci:member_update", args=["acme-product", foreign.pk])
    assert owner_client.post(url, {"level": "viewer"}).status_code == 404
    url = reverse("raci:member_remove", args=["acme-product", foreign.pk])
    assert owner_client.post(url).status_code == 404
    assert foreign.organization.memberships.filter(pk=foreign.pk).exists()


def test_member_changes_only_accept_post(owner_client, organization, viewer):
    membership = membership_of(viewer, organization)
    assert owner_client.get(update_url(membership)).status_code == 405
    assert owner_client.get(remove_url(membership)).status_code == 405


def test_an_owner_demoted_since_loading_the_page_changes_nothing(organization, owner, viewer):
    """The level is checked again under lock, not only when the request came in."""
    make_user("otto", organization=organization, level=Membership.Level.OWNER)
    acting = membership_of(owner, organization)
    Membership.objects.filter(pk=acting.pk).update(level=Membership.Level.EDITOR)

    with pytest.raises(PermissionDenied):
        services.member_set_level(
            membership=membership_of(viewer, organization), level="owner", by=acting
        )
    assert membership_of(viewer, organization).level == Membership.Level.VIEWER
