"""Settings of the database (DATABASE_URL, the owner role for migrations)."""
from .env import BASE_DIR, env

# Embedded default: SQLite next to the code, so `make demo` needs no server.
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
# Prefork Celery workers and gunicorn: persistent connections with health checks, no pool.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE: a transaction takes the write lock when it begins, so one that reads then writes waits
    # for another process's write (a worker's) instead of failing at once with "database is locked".
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# Production's second role: the owner of the schema. When set, `manage.py migrate` (and
# create_app_role) connect with its user and password (the database name stays DATABASE_URL's), and
# migrate re-grants the application role of DATABASE_URL afterwards. See the README, "Database roles".
DATABASE_OWNER_URL = env("DATABASE_OWNER_URL", default="")
