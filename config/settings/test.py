"""Test settings: the same product, with fast hashing. DATABASE_URL/REDIS_URL come from the environment."""
from config.settings import *  # noqa: F401,F403
from config.settings.env import BASE_DIR, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests queue tasks in-process unless a test starts a real worker itself.
CELERY_TASK_ALWAYS_EAGER = True
MEDIA_ROOT = env.path("DJANGO_TEST_MEDIA_ROOT", default=BASE_DIR / "var" / "test-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A fresh clone has no var/: the SQLite test database and test media live there.
(BASE_DIR / "var").mkdir(exist_ok=True)

# A file, not memory, so that a real Celery worker process can open the same SQLite test database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test.sqlite3")}  # noqa: F405

# The cache epoch (registry.generations) is read once and kept: the tests' query counts must not
# depend on when a process last re-read it. Tests about the epoch set this to 0.
CACHE_EPOCH_SECONDS = 10**9

# Without Redis the tests keep a per-process memory cache: the embedded default's file cache would
# outlive the run (and its test database), serving one run's figures to the next. A test about the
# shared file cache sets CACHE_DIR (tests/rollups/test_shared_cache.py).
if not env("REDIS_URL", default="") and not env("CACHE_DIR", default=""):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # noqa: F405
