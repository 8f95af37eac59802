"""Deployment checks (`manage.py check --deploy`) for what the product needs beyond one process."""
from django.conf import settings
from django.core import checks

# Caches that live inside one process: each web process would keep its own to-do counts, figures and
# filter forms, and an action in one process would not invalidate the others' copies.
PER_PROCESS_CACHES = ("django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache")
# Caches the processes of one machine share (the embedded default's file cache): right for `make demo`
# and a single server, not for web processes on several machines.
ONE_MACHINE_CACHES = ("django.core.cache.backends.filebased.FileBasedCache",)


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache_check(app_configs, **kwargs):
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in ONE_MACHINE_CACHES:
        return [checks.Warning(
            f"The default cache ({backend.rsplit('.', 1)[-1]}) is shared by the processes of this machine only.",
            hint="Fine for one server (the embedded default: runserver, the rollup command and a worker see the "
                 "same figures). With web processes on several machines set REDIS_URL, or each machine serves its "
                 "own copies of the to-do counts and board figures until they expire.",
            id="registry.W001",
        )]
    if backend not in PER_PROCESS_CACHES:
        return []
    return [checks.Warning(
        f"The default cache is per process ({backend.rsplit('.', 1)[-1]}).",
        hint="Set REDIS_URL: with several web processes (gunicorn -w N, several machines) the cached to-do counts, "
             "board figures and project filter forms must be shared, or each process serves stale copies until "
             "they expire.",
        id="registry.W001",
    )]
