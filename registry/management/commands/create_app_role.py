"""manage.py create_app_role: the PostgreSQL application role and its grants."""
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from registry.db_roles import connected_as, grant_app_role, owner_settings


class Command(BaseCommand):
    help = ("Create or update the PostgreSQL application role and its grants (run as the owner: "
            "DATABASE_OWNER_URL when set). Idempotent; `migrate` re-runs the grants after migrating.")

    def add_arguments(self, parser):
        parser.add_argument("--role", help="the application role (default: DATABASE_URL's user)")
        parser.add_argument("--password", help="its password (default: DATABASE_URL's, when --role is its user)")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, role=None, password=None, database=DEFAULT_DB_ALIAS, **options):
        app = settings.DATABASES[database]
        if role is None or role == app.get("USER"):
            role, password = app.get("USER"), password or app.get("PASSWORD") or None
        if not role:
            raise CommandError("请用 --role 指定应用角色，或在 DATABASE_URL 中写明用户名。")
        with connected_as(database, owner_settings()) as connection:
            try:
                statements = grant_app_role(connection, role=role, password=password)
            except ImproperlyConfigured as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"应用角色 {role} 已就绪（{len(statements)} 条授权语句）。"))
