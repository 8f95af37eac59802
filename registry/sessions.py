"""Sessions kept in the database and read through the cache (Django's cached_db), safe with Redis down.

Reads fall back to the database on a cache miss, which is what an unreachable Redis answers. Writes go
to the database first; the cache copy is written, or deleted, under the cache epoch, and a cache write
that fails moves the epoch (registry.generations): a logged-out or re-keyed session can never be read
back from a Redis that missed the change while it was away.
"""
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

from .generations import current_epoch, invalidating


class SessionStore(CachedDBStore):
    @property
    def cache_key_prefix(self):
        return f"{KEY_PREFIX}:{current_epoch()}:"

    def save(self, must_create=False):
        with invalidating():
            super().save(must_create)

    def delete(self, session_key=None):
        with invalidating():
            super().delete(session_key)
