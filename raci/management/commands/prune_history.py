"""Delete the change log older than HISTORY_KEPT_DAYS: run it daily (cron, a
systemd timer) to keep the log's growth bounded."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from raci.models import ChangeSet


class Command(BaseCommand):
    help = "Delete change sets older than HISTORY_KEPT_DAYS, with their changes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.HISTORY_KEPT_DAYS,
            help="Keep this many days (default: HISTORY_KEPT_DAYS).",
        )

    def handle(self, *args, days, **options):
        if days < 1:
            self.stderr.write("prune_history: --days must be 1 or more.")
            raise SystemExit(2)
        cutoff = timezone.now() - timedelta(days=days)
        _count, by_model = ChangeSet.objects.filter(created__lt=cutoff).delete()
        change_sets = by_model.get("raci.ChangeSet", 0)
        changes = by_model.get("raci.Change", 0)
        self.stdout.write(
            f"Deleted {change_sets} change sets and {changes} changes older than {days} days."
        )
