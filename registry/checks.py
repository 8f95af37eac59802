"""Deployment checks (`manage.py check --deploy`) for what the product needs beyond one process."""
from django.conf import settings
from django.core import checks

# Caches that live inside one process: each web process would keep its own to-do counts, figures and
# filter forms, and an action in one process would not invalidate the others' copies.
PER_PROCESS_CACHES = ("django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache")


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache_check(app_configs, **kwargs):
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [checks.Warning(
        f"The default cache is per process ({backend.rsplit('.', 1)[-1]}).",
        hint="Set REDIS_URL: with several web processes (gunicorn -w N, several machines) the cached to-do counts, "
             "board figures and project filter forms must be shared, or each process serves stale copies until "
             "they expire.",
        id="registry.W001",
    )]
