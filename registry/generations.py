"""Cached reads invalidated by generation.

A cached value's key carries the current token of each generation it was computed from; changing the
data moves a generation to a new random token, so the old entry is never read again (and expires).
The apps name their generations (the board's live pipeline, the project figures...) and move them
where their data changes; timeouts bound what a change made outside the services can leave stale.
"""
import hashlib
import uuid

from django.core.cache import cache
from django.db import transaction

PREFIX = "gen"


def cached(namespace: str, generations: list[str], parts: tuple, compute, timeout: int):
    """compute() under a key made of `parts` and the current tokens of `generations`."""
    tokens = cache.get_many([f"{PREFIX}:{g}" for g in generations])
    current = [tokens.get(f"{PREFIX}:{g}", "0") for g in generations]
    # Parts may carry a request's query string: hashed, so a key stays short and plain.
    digest = hashlib.sha1(repr(parts).encode()).hexdigest()
    key = ":".join([namespace, *current, digest])
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def bump(*generations: str):
    cache.set_many({f"{PREFIX}:{g}": uuid.uuid4().hex for g in generations}, timeout=None)


def bump_now_and_on_commit(*generations: str):
    """Now, so the writing transaction itself reads fresh figures; again after the commit, so a read
    that ran concurrently and cached the figures from before the commit is not served afterwards."""
    bump(*generations)
    transaction.on_commit(lambda: bump(*generations))
