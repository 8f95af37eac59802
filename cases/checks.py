"""Deployment checks (`manage.py check --deploy`): the official working calendar must not run out, and
the ledger is keyed with its own key."""
import datetime as dt

from django.conf import settings
from django.core import checks
from django.db import DatabaseError
from django.utils import timezone


@checks.register("calendar", deploy=True)
def work_calendar_check(app_configs=None, today: dt.date | None = None, **kwargs):
    """From November, next year's State Council holiday notice must be loaded (and this year's always):
    without it deadlines in that year are counted Monday to Friday, flagged, but not official."""
    from .workdays import missing_year_notices

    try:
        missing = missing_year_notices(today or timezone.localdate())
    except DatabaseError:
        return []  # not migrated yet: `migrate` comes first, the check will run again
    return [
        checks.Warning(
            f"The official working calendar for {year} is not loaded (cases.WorkCalendarYear).",
            hint="Deadlines falling in that year are computed Monday to Friday and flagged as unconfirmed. A province "
                 "clerk imports the State Council's holiday notice at /calendar/import/ (or an administrator enters the "
                 "days in the admin and marks the year loaded).",
            id="cases.W010",
        )
        for year in missing
    ]


@checks.register(checks.Tags.security, deploy=True)
def ledger_key_check(app_configs, **kwargs):
    if settings.LEDGER_HMAC_KEY:
        return []
    return [checks.Warning(
        "LEDGER_HMAC_KEY is not set: the ledger's HMAC key is derived from DJANGO_SECRET_KEY.",
        hint="Set LEDGER_HMAC_KEY (at least 32 random bytes, kept outside the database and apart from the secret "
             "key) before the first event is written, and never change it: events and anchors keyed with another "
             "key fail verify_ledger.",
        id="cases.W011",
    )]


@checks.register()
def case_number_pattern_check(app_configs, **kwargs):
    """A pattern naming an unknown placeholder would fail every case page: refuse it at start-up."""
    from .numbering import DEFAULT_PATTERN, NUMBER_FIELDS

    pattern = getattr(settings, "CASE_NUMBER_PATTERN", None) or DEFAULT_PATTERN
    try:
        pattern.format(**{name: 1 for name in NUMBER_FIELDS})
    except (KeyError, IndexError, ValueError) as exc:
        return [checks.Error(
            f"CASE_NUMBER_PATTERN {pattern!r} cannot be formatted ({exc!r}).",
            hint=f"Use the placeholders {', '.join('{' + n + '}' for n in NUMBER_FIELDS)}, e.g. {DEFAULT_PATTERN}.",
            id="cases.E012",
        )]
    return []
