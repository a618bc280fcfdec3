"""One email, one account: the database refuses a second account with the same
email in any case, and the migration that says so first lists the accounts
that already share one instead of failing on a bare integrity error."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader

pytestmark = pytest.mark.django_db(transaction=True)


def _email_migration():
    """(this migration, the one before it), whatever they are numbered."""
    loader = MigrationLoader(connection)
    (node,) = [key for key in loader.graph.nodes if key[1].endswith("_user_email_unique_ci")]
    (parent,) = [key for key in loader.graph.node_map[node].parents if key[0] == "raci"]
    return node[1], parent[1]


def test_a_second_account_with_the_same_email_in_another_case_is_refused():
    User = get_user_model()
    User.objects.create_user("ann", "ann@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("ann2", "Ann@Example.COM")
    # Accounts without an email (made in the admin) are not concerned.
    User.objects.create_user("blank1", "")
    User.objects.create_user("blank2", "")


def test_the_migration_lists_accounts_sharing_an_email_then_applies_once_fixed():
    User = get_user_model()
    migration, previous = _email_migration()
    call_command("migrate", "raci", previous, verbosity=0)
    try:
        User.objects.create_user("ann", "ann@example.com")
        User.objects.create_user("ann2", "ANN@example.com")
        User.objects.create_user("bob", "bob@example.com")
        User.objects.create_user("blank1", "")
        User.objects.create_user("blank2", "")

        with pytest.raises(CommandError) as refused:
            call_command("migrate", "raci", migration, verbosity=0)

        message = str(refused.value)
        assert "these emails belong to more than one account" in message
        assert "ann@example.com: ann, ann2" in message
        assert "bob@example.com" not in message and "blank1" not in message
        assert "then run `manage.py migrate` again" in message

        User.objects.filter(username="ann2").update(email="ann.two@example.com")
        call_command("migrate", "raci", migration, verbosity=0)
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create_user("ann3", "Ann@example.com")
    finally:
        call_command("migrate", verbosity=0)
