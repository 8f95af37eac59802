from django.core import checks
from django.test import override_settings

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {"default": {"BACKEND": "registry.redis_cache.PooledClientRedisCache", "LOCATION": "redis://127.0.0.1:6379/0"}}


def _deploy_ids():
    return {message.id for message in checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.caches])}


@override_settings(CACHES=LOCMEM)
def test_deploy_check_warns_when_web_processes_would_not_share_the_cache():
    assert "registry.W001" in _deploy_ids()
    # Only a deployment concern: `make demo` (one process) stays quiet.
    assert "registry.W001" not in {m.id for m in checks.run_checks(tags=[checks.Tags.caches])}


@override_settings(CACHES=REDIS)
def test_deploy_check_accepts_the_shared_redis_cache():
    assert "registry.W001" not in _deploy_ids()
