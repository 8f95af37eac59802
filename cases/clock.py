"""The moment the cases' services record: now, unless a history is being replayed.

The demo seeder replays weeks of work through the same services a clerk uses, so each event must carry
the moment it is meant to have happened at when it is written: the ledger chains events by an HMAC over
their timestamps (cases.ledger), so a timestamp cannot be changed afterwards. `recorded_at` sets that
moment for the services called inside it; nothing in the product's requests or tasks uses it.
"""
import contextlib
import contextvars
import datetime as dt

from django.utils import timezone

_moment: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("cases_recorded_at", default=None)


def now() -> dt.datetime:
    return _moment.get() or timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())


@contextlib.contextmanager
def recorded_at(moment: dt.datetime):
    if moment > timezone.now():
        raise ValueError("a replayed history cannot be recorded in the future")
    token = _moment.set(moment)
    try:
        yield
    finally:
        _moment.reset(token)
