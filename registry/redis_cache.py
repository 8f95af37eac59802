"""Django's Redis cache, one client per connection pool, degrading to a miss when Redis fails.

One client per pool: Django builds a new redis.Redis object for every cache operation, and each one
copies a table of some 170 response callbacks: on a board page's eight cache reads that was a
measurable share of the request. A redis.Redis client is thread-safe and only borrows connections
from its pool, so one per pool serves every thread of the process.

Degrading: the database is the source of truth and the cache only saves work, so a Redis that is
down, unreachable or frozen must not fail or hang a request. Connections have short connect and read
timeouts and no retries (redis-py retries by default); an error is a miss for a read and a no-op for
a write; and after an error the process leaves Redis alone for RETRY_AFTER seconds (a circuit
breaker), so a page with eight cache reads pays at most one timeout, not eight.

A write that could not be made may leave an older value behind, readable once Redis answers again:
every failed (or skipped) operation is counted per thread, and `registry.generations.invalidating`
turns a failed invalidating write into a new cache epoch in the database (see there).
"""
import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger(__name__)
# What a Redis that is down, unreachable or frozen raises: redis-py's errors, and the socket's own.
ERRORS = (RedisError, OSError)
_failures = threading.local()


def failure_count() -> int:
    """Cache operations of this thread that failed or were skipped because Redis was down."""
    return getattr(_failures, "count", 0)


class PooledClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        # No retries: a retried timeout is a second timeout in the same request.
        kwargs.setdefault("retry", Retry(NoBackoff(), 0))
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class PooledClientRedisCache(RedisCache):
    """LOCATION is the Redis URL; OPTIONS go to redis-py (socket_timeout, socket_connect_timeout);
    RETRY_AFTER is how long, in seconds, the process leaves Redis alone after an error."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledClientRedisCacheClient
        self._retry_after = float(params.get("RETRY_AFTER", 5))
        self._down_until = 0.0

    def _call(self, fallback, method, *args):
        if time.monotonic() < self._down_until:
            _failures.count = failure_count() + 1
            return fallback
        try:
            return method(*args)
        except ERRORS as exc:
            _failures.count = failure_count() + 1
            self._down_until = time.monotonic() + self._retry_after
            logger.warning("Redis cache unavailable (%s: %s); serving from the database for %.0f s",
                           exc.__class__.__name__, exc, self._retry_after)
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._call({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        # Django's contract for a missing key, which is what an unreachable key is.
        missing = object()
        value = self._call(missing, super().incr, key, delta, version)
        if value is missing:
            raise ValueError(f"Key '{key}' not found.")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's contract: the keys that failed to be set.
        return self._call(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(None, super().delete_many, keys, version)

    def clear(self):
        return self._call(False, super().clear)
