"""Signing in with a username or an email address.

Invited people get a username made from their email, cut to fit the column,
so their email is what they know; any account may sign in with either.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


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
