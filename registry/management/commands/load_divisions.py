"""manage.py load_divisions: load Zhejiang's divisions from the committed file (idempotent)."""
from django.core.management.base import BaseCommand

from registry.divisions import DATA_FILE, load_divisions


class Command(BaseCommand):
    help = "Load Zhejiang's administrative divisions from the committed data file (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DATA_FILE))

    def handle(self, *args, **options):
        result = load_divisions(options["file"])
        self.stdout.write(
            self.style.SUCCESS(
                f"divisions: {result.created} created, {result.updated} updated, {result.unchanged} unchanged"
            )
        )
