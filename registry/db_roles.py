"""The two PostgreSQL roles: the owner, which runs migrations, and the application role, which the web
and the workers connect as and which owns nothing.

The application role may read and write ordinary tables, only read and append to the append-only ones
(models with `append_only = True`: the case ledger and its anchors), use the sequences, and nothing
else: no TRUNCATE, no REFERENCES, no TRIGGER, no DDL (it owns no table and may not create any), so it
can neither empty the ledger nor switch its triggers off.
"""
from contextlib import contextmanager

import environ
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

CONNECTION_KEYS = ("USER", "PASSWORD", "HOST", "PORT")


def append_only_tables() -> list[str]:
    return sorted(m._meta.db_table for m in apps.get_models() if getattr(m, "append_only", False))


def owner_settings() -> dict | None:
    """USER, PASSWORD, HOST, PORT of DATABASE_OWNER_URL, or None when it is not set."""
    if not settings.DATABASE_OWNER_URL:
        return None
    config = environ.Env.db_url_config(settings.DATABASE_OWNER_URL)
    return {key: config.get(key, "") for key in CONNECTION_KEYS}


@contextmanager
def connected_as(alias: str, credentials: dict | None):
    """Run the block on `alias` reconnected with other credentials (same database name); None: as is."""
    if not credentials:
        yield connections[alias]
        return
    connection = connections[alias]
    saved = {key: connection.settings_dict.get(key) for key in CONNECTION_KEYS}
    connection.close()
    connection.settings_dict.update(credentials)
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def _quote(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def grant_app_role(connection, *, role: str, password: str | None = None, create: bool = True) -> list[str]:
    """Create (if asked) or update `role` and set its grants; idempotent. Run as the owner (creating a
    role also needs CREATEROLE). Answers the statements run, for the command's report."""
    if connection.vendor != "postgresql":
        raise ImproperlyConfigured("数据库角色只用于 PostgreSQL。")
    run = []
    with connection.cursor() as cursor:
        def execute(sql, params=None):
            cursor.execute(sql, params)
            run.append(sql)

        cursor.execute("SELECT current_user, current_database(), current_schema()")
        owner, database, schema = cursor.fetchone()
        if role == owner:
            raise ImproperlyConfigured(f"应用角色 {role} 不能是迁移所用的属主角色。")
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        exists = cursor.fetchone() is not None
        if not exists and not create:
            return run
        r = _quote(connection, role)
        attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
        statement = f"{'ALTER' if exists else 'CREATE'} ROLE {r} {attributes}"
        execute(statement + (" PASSWORD %s" if password else ""), [password] if password else None)
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner"
            " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE r.rolname = %s AND n.nspname = %s ORDER BY 1",
            [role, schema],
        )
        owned = [name for (name,) in cursor.fetchall()]
        if owned:
            raise ImproperlyConfigured(
                f"应用角色 {role} 拥有 {len(owned)} 个对象（{', '.join(owned[:5])}…）：请由属主执行 "
                f"REASSIGN OWNED BY {role} TO {owner}; 后重试。"
            )
        s = _quote(connection, schema)
        execute(f"GRANT CONNECT, TEMPORARY ON DATABASE {_quote(connection, database)} TO {r}")
        execute(f"GRANT USAGE ON SCHEMA {s} TO {r}")
        execute(f"REVOKE CREATE ON SCHEMA {s} FROM {r}")
        execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}")
        execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}")
        # The migration record is the owner's: the application only reads it.
        read_or_append = [(t, "UPDATE, DELETE") for t in append_only_tables()] + [("django_migrations", "INSERT, UPDATE, DELETE")]
        existing = set(connection.introspection.table_names(cursor))  # none yet before the first migrate
        for table, privileges in read_or_append:
            if table in existing:
                execute(f"REVOKE {privileges} ON {_quote(connection, table)} FROM {r}")
        execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {r}")
        execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}")
        cursor.execute("SELECT has_schema_privilege(%s, %s, 'CREATE')", [role, schema])
        if cursor.fetchone()[0]:
            raise ImproperlyConfigured(
                f"角色 {role} 仍可在模式 {schema} 中建表（PostgreSQL 14 及以前 PUBLIC 默认有此权限）：请由模式属主执行 "
                f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC; 后重试。"
            )
    return run
