"""Deployment check (`manage.py check --deploy`): the official working calendar must not run out."""
import datetime as dt

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
