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
    return ":".join([namespace, *tokens, digest])


def bump(*generations: str):
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
