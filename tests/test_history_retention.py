"""The change log's growth is bounded: prune_history deletes what is older
than HISTORY_KEPT_DAYS and keeps the rest."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from raci.models import Change, ChangeSet
from tests.builders import PO, canonical_role, make_activity, make_team


def test_prune_history_deletes_only_what_is_older_than_kept(organization, editor, settings):
    settings.HISTORY_KEPT_DAYS = 30
    team = make_team(organization, "Checkout")
    row = make_activity(team, "Backlog ordering")
    role = canonical_role(organization, PO)
    for version, letters in enumerate(["A", "AR", "R"]):
        team.edit_cell(
            activity_id=row.pk, role_id=role.pk, letters=letters, version=version, by=editor
        )
    ChangeSet.objects.filter(revision__lt=3).update(created=timezone.now() - timedelta(days=31))
    out = StringIO()

    call_command("prune_history", stdout=out)

    assert list(ChangeSet.objects.values_list("revision", flat=True)) == [3]
    assert Change.objects.count() == 1
    assert "Deleted 2 change sets and 2 changes older than 30 days." in out.getvalue()


def test_prune_history_refuses_to_keep_nothing(db):
    with pytest.raises(SystemExit):
        call_command("prune_history", days=0, stderr=StringIO())
