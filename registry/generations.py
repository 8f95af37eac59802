"""Cached reads invalidated by generation.

A cached value's key carries the current token of each generation it was computed from; changing the
data moves a generation to a new random token, so the old entry is never read again (and expires).
The apps name their generations (the board's live pipeline, the project figures...) and move them
where their data changes; timeouts bound what a change made outside the services can leave stale.

When Redis is unreachable a bump cannot be made, and the value it should have hidden would be read
again once Redis answers (after a restart with persistence, a frozen process resumed, a network
partition healed). So every key also carries the cache epoch, kept in the database (`CacheEpoch`): a
cache write made under `invalidating()` that fails adds an epoch row, in the writer's transaction, so
it counts from the commit of the change it was for, and everything cached before is never read again.
Each process reads the epoch at most every CACHE_EPOCH_SECONDS (1 s), which bounds how long a value
hidden by a failed bump stays readable after the commit; a cache that cannot fail (the in-process one)
has no epoch.
"""
import hashlib
import time
import uuid
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction

from .redis_cache import PooledClientRedisCache, failure_count

PREFIX = "gen"
_epoch = {"value": None, "read_at": 0.0}


def current_epoch() -> int:
    if not isinstance(caches["default"], PooledClientRedisCache):
        return 0
    now = time.monotonic()
    if _epoch["value"] is None or now - _epoch["read_at"] >= settings.CACHE_EPOCH_SECONDS:
        from .models import CacheEpoch

        _epoch["value"] = CacheEpoch.objects.order_by("-id").values_list("id", flat=True).first() or 0
        _epoch["read_at"] = now
    return _epoch["value"]


def advance_epoch():
    """Hide everything cached so far (from the commit of the current transaction on)."""
    from .models import CacheEpoch

    CacheEpoch.objects.create()
    _epoch["value"] = None


@contextmanager
def invalidating():
    """Cache writes in this block hide or replace older values: if one fails, the epoch moves."""
    before = failure_count()
    yield
    if failure_count() != before:
        advance_epoch()


def cached(namespace: str, generations: list[str], parts: tuple, compute, timeout: int):
    """compute() under a key made of `parts` and the current tokens of `generations`."""
    return cached_many(namespace, {None: (generations, parts)}, lambda names: {None: compute()}, timeout)[None]


def cached_many(namespace: str, entries: dict, compute, timeout: int) -> dict:
    """Several cached values at once, each as `cached` keeps it: entries are {name: (generations,
    parts)}; compute(names) returns {name: value} for the names not in the cache. Two cache round
    trips whatever the number of entries, and one call of compute for all that are missing."""
    generations = {g for names, _ in entries.values() for g in names}
    tokens = cache.get_many([f"{PREFIX}:{g}" for g in generations])
    keys = {name: _key(namespace, [tokens.get(f"{PREFIX}:{g}", "0") for g in names], parts)
            for name, (names, parts) in entries.items()}
    found = cache.get_many(list(keys.values()))
    values = {name: found[key] for name, key in keys.items() if found.get(key) is not None}
    missing = [name for name in keys if name not in values]
    if missing:
        computed = compute(missing)
        cache.set_many({keys[name]: computed[name] for name in missing}, timeout)
        values.update(computed)
    return values


def _key(namespace: str, tokens: list[str], parts: tuple) -> str:
    # Parts may carry a request's query string: hashed, so a key stays short and plain.
    digest = hashlib.sha1(repr(parts).encode()).hexdigest()
    return ":".join([namespace, str(current_epoch()), *tokens, digest])


def bump(*generations: str):
    with invalidating():
        cache.set_many({f"{PREFIX}:{g}": uuid.uuid4().hex for g in generations}, timeout=None)


def bump_now_and_on_commit(*generations: str):
    """Now, so the writing transaction itself reads fresh figures; again after the commit, so a read
    that ran concurrently and cached the figures from before the commit is not served afterwards."""
    bump(*generations)
    transaction.on_commit(lambda: bump(*generations))


# Reference data (divisions, categories) cached by several apps (the case list's labels, the board's
# filters) under the generation "reference": the app owning a reference model connects
# `reference_changed` to its saves and deletes (registry: Division; cases: CaseCategory).
REFERENCE_SECONDS = 3600


def reference_changed(sender, **kwargs):
    bump_now_and_on_commit("reference")


def connect_reference_model(model):
    from django.db.models.signals import post_delete, post_save

    post_save.connect(reference_changed, sender=model, dispatch_uid=f"reference-save-{model._meta.label}")
    post_delete.connect(reference_changed, sender=model, dispatch_uid=f"reference-delete-{model._meta.label}")


def prune_epochs() -> int:
    """Only the latest epoch row counts; the others go."""
    from .models import CacheEpoch

    latest = CacheEpoch.objects.order_by("-id").values_list("id", flat=True).first()
    return CacheEpoch.objects.filter(id__lt=latest).delete()[0] if latest else 0
