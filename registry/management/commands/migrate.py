"""manage.py migrate, run as the owner role when DATABASE_OWNER_URL is set, then re-granting the app role."""
from django.conf import settings
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import DEFAULT_DB_ALIAS

from registry.db_roles import connected_as, grant_app_role, owner_settings


class Command(MigrateCommand):
    """`migrate` as the owner when DATABASE_OWNER_URL is set, then the application role's grants again
    (new tables get them; the ledger's stay append-only). Without DATABASE_OWNER_URL: Django's migrate."""

    help = MigrateCommand.help + " Runs as DATABASE_OWNER_URL's role when it is set, then re-grants DATABASE_URL's role."

    def handle(self, *args, **options):
        database = options["database"]
        owner = owner_settings() if database == DEFAULT_DB_ALIAS else None
        app_role = settings.DATABASES[database].get("USER")  # before the connection takes the owner's
        with connected_as(database, owner) as connection:
            super().handle(*args, **options)
            if owner and connection.vendor == "postgresql" and app_role and app_role != owner["USER"]:
                # create=False: making the role is create_app_role's job (it needs CREATEROLE).
                if grant_app_role(connection, role=app_role, create=False) and options["verbosity"]:
                    self.stdout.write(f"已为应用角色 {app_role} 重新授权。")
