"""One email, one account: a case-insensitive unique index on the users' email.

auth.User is Django's own model, so the index is added here, with the SQL
Django writes for a UniqueConstraint on each database. Accounts that already
share an email stop the migration with the list of them instead of a bare
integrity error; blank emails (users made in the admin) stay allowed.
"""

from django.conf import settings
from django.core.management.base import CommandError
from django.db import migrations, models
from django.db.models.functions import Lower

CONSTRAINT = models.UniqueConstraint(
    Lower("email"), condition=~models.Q(email=""), name="raci_user_email_unique_ci"
)


def _user_model(apps):
    return apps.get_model(settings.AUTH_USER_MODEL)


def add_constraint(apps, schema_editor):
    User = _user_model(apps)
    shared = (
        User.objects.exclude(email="")
        .annotate(folded=Lower("email"))
        .values("folded")
        .annotate(accounts=models.Count("pk"))
        .filter(accounts__gt=1)
        .values_list("folded", flat=True)
    )
    if shared:
        lines = []
        for email in shared:
            usernames = User.objects.filter(email__iexact=email).values_list("username", flat=True)
            lines.append(f"  {email}: {', '.join(sorted(usernames))}")
        raise CommandError(
            "Cannot make emails unique: these emails belong to more than one account.\n"
            + "\n".join(lines)
            + "\nGive each of these accounts its own email (or a blank one) in the admin "
            "or `manage.py shell`, then run `manage.py migrate` again."
        )
    schema_editor.add_constraint(User, CONSTRAINT)


def remove_constraint(apps, schema_editor):
    schema_editor.remove_constraint(_user_model(apps), CONSTRAINT)


class Migration(migrations.Migration):
    dependencies = [
        ("raci", "0004_import_upload"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(add_constraint, remove_constraint)]
