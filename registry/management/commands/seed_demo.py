"""manage.py seed_demo: demo organisations, users and data on the real divisions (small or province scale)."""
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils.module_loading import import_string

from registry.divisions import load_divisions
from registry.models import Division

DEFAULT_PASSWORD = "Demo@2026zj"


class Command(BaseCommand):
    help = "Create demo organisations, users and data on the real divisions (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="password of every demo account")
        parser.add_argument("--scale", choices=["small", "province"], default="small")
        parser.add_argument("--seed", type=int, default=20261122, help="random seed: same seed, same data")
        parser.add_argument("--history", type=int, default=1, help="years of case history (province scale)")

    def handle(self, *args, **options):
        if not Division.objects.exists():
            load_divisions()
        for path in settings.DEMO_SEEDERS:
            summary = import_string(path)(
                password=options["password"], scale=options["scale"], seed=options["seed"], history=options["history"]
            )
            self.stdout.write(f"{path}: {summary}")
        if connection.vendor == "postgresql":
            # Bulk loads leave the planner's statistics describing the empty tables until autovacuum
            # gets round to them: a seeded province was planned as if it held a few thousand rows.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                "Demo logins (password: {pw}):\n"
                "  clerk            province task-force clerk (专班工作人员)\n"
                "  manager          province manager (领导)\n"
                "  clerk_330700     Jinhua city task-force clerk; manager_330700 its manager\n"
                "  clerk_330782     Yiwu county task-force clerk (any 6-digit county code works)\n"
                "  staff_330782     Yiwu county staff (县乡工作人员)".format(pw=options["password"])
            )
        )
