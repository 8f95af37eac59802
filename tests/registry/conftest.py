import pytest

from registry import generations

from ..support.redis_server import RedisServer


@pytest.fixture
def own_redis():
    """A redis-server of the test's own, which it may kill, freeze and bring back."""
    server = RedisServer().start()
    yield server
    server.close()


@pytest.fixture
def cache_on(own_redis, settings):
    """The product's cache and sessions on the test's own Redis, as production configures them (the
    process tries a failed Redis again after 1 s rather than 5, and reads the cache epoch every time)."""
    settings.CACHES = {"default": {
        "BACKEND": "registry.redis_cache.PooledClientRedisCache",
        "LOCATION": own_redis.url,
        "OPTIONS": {"socket_timeout": settings.REDIS_CACHE_TIMEOUT, "socket_connect_timeout": settings.REDIS_CACHE_TIMEOUT},
        "RETRY_AFTER": 1.0,
    }}
    settings.SESSION_ENGINE = "registry.sessions"
    settings.CACHE_EPOCH_SECONDS = 0
    generations._epoch["value"] = None
    yield own_redis
    generations._epoch.update(value=0, read_at=0.0)
