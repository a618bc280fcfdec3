"""Sign-in throttling (django-axes): wrong passwords for one account, or from
one address, pause sign-in for a while, on our sign-in page and the admin's,
with a message that says until when; the pause ends by itself."""

import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.db.models import F
from django.test import Client
from django.urls import reverse

from tests.builders import PASSWORD, make_user

SIGN_IN = reverse("login")
ADMIN_SIGN_IN = reverse("admin:login")
LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture
def olivia(db):
    return make_user("olivia")


def attempt(client, username, password="wrong-password", url=SIGN_IN, **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def time_passes():
    """The pause's cool-off goes by: every failure counted is that much older."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME)


def assert_paused(response):
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.text
    assert re.search(
        r"signing in is paused until \d\d:\d\d UTC \(about 15 minutes\)", response.text
    )
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60


def test_wrong_passwords_for_an_account_pause_its_sign_in_until_the_cool_off(client, olivia):
    assert LIMIT == 5
    for _ in range(LIMIT - 1):
        response = attempt(client, "olivia")
        assert response.status_code == 200
        assert "do not match an account" in response.text

    # The fifth pauses sign-in and says so; the sixth is refused with the message.
    assert_paused(attempt(client, "olivia"))
    assert_paused(attempt(client, "olivia"))
    # The right password waits too, from any address.
    assert_paused(attempt(client, "olivia", PASSWORD))
    assert_paused(attempt(Client(REMOTE_ADDR="198.51.100.7"), "olivia", PASSWORD))

    time_passes()

    response = attempt(client, "olivia", PASSWORD)
    assert response.status_code == 302
    # A successful sign-in starts the count afresh.
    assert not AccessAttempt.objects.exists()


def test_attempts_during_a_pause_do_not_make_it_longer(client, olivia):
    for _ in range(LIMIT):
        attempt(client, "olivia")
    paused_at = AccessAttempt.objects.get().attempt_time

    for _ in range(10):
        assert_paused(attempt(client, "olivia"))

    assert AccessAttempt.objects.get().attempt_time == paused_at
    assert AccessAttempt.objects.get().failures_since_start == LIMIT


def test_the_username_and_the_email_count_against_the_same_account(client, olivia):
    for name in [
        "olivia",
        "olivia@example.com",
        "OLIVIA@EXAMPLE.COM",
        "olivia",
        "Olivia@example.com",
    ]:
        attempt(client, name)

    assert_paused(attempt(client, "olivia@example.com", PASSWORD))


def test_wrong_passwords_from_one_address_pause_it_for_every_account(db):
    make_user("kim")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for number in range(LIMIT):
        attempt(attacker, f"guess{number}")

    # Kim's right password from that address waits; from Kim's own, it works.
    assert_paused(attempt(attacker, "kim", PASSWORD))
    assert attempt(Client(REMOTE_ADDR="198.51.100.7"), "kim", PASSWORD).status_code == 302


def test_the_admin_sign_in_is_throttled_too(client, db):
    make_user("root").__class__.objects.filter(username="root").update(is_staff=True)
    for _ in range(LIMIT):
        attempt(client, "root", url=ADMIN_SIGN_IN)

    assert_paused(attempt(client, "root", PASSWORD, url=ADMIN_SIGN_IN))
    # The pause is the account's, wherever the next attempt comes from.
    assert_paused(attempt(client, "root", PASSWORD))


def test_choosing_a_new_password_from_the_emailed_link_lifts_the_pause(client, olivia):
    for _ in range(LIMIT):
        attempt(client, "olivia")
    assert_paused(attempt(client, "olivia", PASSWORD))

    client.post(reverse("password_reset"), {"email": "olivia@example.com"})
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    new = "a-brand-new-long-password"
    client.post(set_url, {"new_password1": new, "new_password2": new})

    assert attempt(client, "olivia", new).status_code == 302


@pytest.fixture
def behind_one_proxy(settings):
    """What TRUSTED_PROXIES=1 sets (see test_settings)."""
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.IPWARE_STRICT = False


def test_behind_a_trusted_proxy_the_address_it_saw_counts(client, olivia, behind_one_proxy):
    # The client wrote its own X-Forwarded-For; the proxy appended the address it saw.
    attempt(client, "olivia", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")

    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"


def test_without_a_trusted_proxy_a_forged_forwarded_for_is_ignored(client, olivia):
    for number in range(LIMIT):
        attempt(client, f"guess{number}", HTTP_X_FORWARDED_FOR=f"6.6.6.{number}")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}
    assert_paused(attempt(client, "olivia", PASSWORD, HTTP_X_FORWARDED_FOR="6.6.6.99"))
