"""Django's Redis cache, keeping one client per connection pool.

Django builds a new redis.Redis object for every cache operation, and each one copies a table of
some 170 response callbacks: on a board page's eight cache reads that was a measurable share of the
request. A redis.Redis client is thread-safe and only borrows connections from its pool, so one per
pool serves every thread of the process.
"""
from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class PooledClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class PooledClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledClientRedisCacheClient
