"""manage.py relay_outbox: publish queued tasks the broker has not taken."""
from django.core.management.base import BaseCommand

from registry import outbox


class Command(BaseCommand):
    help = "Publish queued tasks the broker has not taken or has lost (beat runs this every minute)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="also rows committed a moment ago (no grace)")

    def handle(self, *args, all=False, **options):
        sent = outbox.relay_due(grace=0 if all else None)
        left = outbox.due(grace=0).count()
        self.stdout.write(f"sent {sent}; still due {left}")
