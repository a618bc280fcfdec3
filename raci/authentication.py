"""Signing in with a username or an email address, and its throttling.

Invited people get a username made from their email, cut to fit the column,
so their email is what they know; any account may sign in with either.
Throttling is django-axes' (configured in settings); here is only what it
counts failures against and until when it pauses sign-in.
"""

from datetime import datetime

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Max, Q
from django.utils import timezone


def account_for(identifier: str | None):
    """The account a sign-in form names: by its username, or by its email in any case."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    User = get_user_model()
    account = User.objects.filter(username=identifier).first()
    if account is None and "@" in identifier:
        # One email, one account: the database holds emails unique in any case.
        account = User.objects.filter(email__iexact=identifier).first()
    return account


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if password is None:
            return None
        user = account_for(username)
        if user is None:
            # Hash anyway, so that an unknown name takes as long as a wrong password.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The signed-in account, read on every request with the editor's
        preferences in the same query: the matrix pages need both."""
        User = get_user_model()
        try:
            user = User._default_manager.select_related("editor_preferences").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def throttle_key(request, credentials) -> str:
    """What failed sign-ins count against: the account, however the form named
    it (username or email in any case), or the name as typed for no account."""
    identifier = (credentials or {}).get("username")
    if identifier is None and request is not None:
        identifier = request.POST.get("username")
    account = account_for(identifier)
    return account.get_username() if account else (identifier or "").strip().lower()


def paused_until(request, credentials) -> datetime:
    """When a paused sign-in may be tried again: a pause ends a cool-off after
    the last failure counted for the account or the address (at the latest)."""
    last = AccessAttempt.objects.filter(
        Q(username=get_client_username(request, credentials))
        | Q(ip_address=request.axes_ip_address)
    ).aggregate(last=Max("attempt_time"))["last"]
    return (last or timezone.now()) + get_cool_off(request)
