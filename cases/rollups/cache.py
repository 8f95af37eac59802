"""The board's cached reads, invalidated by generation.

A cached value's key carries the current generation of what it was computed from; changing the data
moves the generation to a new random token, so the old entry is never read again (and expires).
- The live pipeline of a division: generation "cases:<division key>" moves (at once and after the commit) whenever a
  case below that division changes state, deadline or record (every such change writes a case event);
  "cases" moves for edits, which may move a case between divisions.
- Reference data (divisions, categories) for the board's filters: generation "reference".
Timeouts bound what a change made outside the services (bulk loads, the admin) can leave stale.
"""
import uuid

from django.core.cache import cache
from django.db import transaction

from registry.models import DivisionLevel
from registry.models.divisions import KEY_LENGTH

PIPELINE_SECONDS = 120
REFERENCE_SECONDS = 3600
# Actions that change no case's state, deadline, category, county or record: the pipeline stands.
PIPELINE_NEUTRAL_ACTIONS = frozenset({"progress", "urge", "escalate", "extend", "confirm"})
PREFIX = "rollups"


def cached(namespace: str, generations: list[str], parts: tuple, compute, timeout: int):
    """compute() under a key made of `parts` and the current tokens of `generations`."""
    tokens = cache.get_many([f"{PREFIX}:gen:{g}" for g in generations])
    current = [tokens.get(f"{PREFIX}:gen:{g}", "0") for g in generations]
    key = ":".join([PREFIX, namespace, *current, *map(str, parts)])
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def bump(*generations: str):
    cache.set_many({f"{PREFIX}:gen:{g}": uuid.uuid4().hex for g in generations}, timeout=None)


def bump_now_and_on_commit(*generations: str):
    """Now, so the writing transaction itself reads fresh figures; again after the commit, so a read
    that ran concurrently and cached the figures from before the commit is not served afterwards."""
    bump(*generations)
    transaction.on_commit(lambda: bump(*generations))


def county_generations(county_key: str) -> list[str]:
    """The pipeline generations a change in a county moves: its own, its city's and the province's."""
    levels = (DivisionLevel.PROVINCE, DivisionLevel.CITY, DivisionLevel.COUNTY)
    return [f"cases:{county_key[: KEY_LENGTH[level]]}" for level in levels]


def case_event_saved(sender, instance, created, **kwargs):
    if not created or instance.action in PIPELINE_NEUTRAL_ACTIONS:
        return
    from cases.models import Case

    if instance.action == "edit":
        generations = ["cases"]
    else:
        county_key = Case.objects.filter(pk=instance.case_id).values_list("county__key", flat=True).first()
        if county_key is None:
            return
        generations = county_generations(county_key)
    bump_now_and_on_commit(*generations)


def reference_changed(sender, **kwargs):
    bump_now_and_on_commit("reference")
