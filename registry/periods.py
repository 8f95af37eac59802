"""Months, reporting windows and period locks."""
import datetime

from django.conf import settings
from django.utils import timezone

from registry.inputs import month_from_text

from .models import LockException, PeriodLock, ReportingWindow


class PeriodLocked(Exception):
    """A write to a month the province has locked (the API answers 423)."""

    def __init__(self, month: datetime.date):
        self.month = month
        super().__init__(f"{month.year}年{month.month}月已由省专班锁定，不能修改；如确需修改，请联系省专班为本县开通例外。")


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def current_month() -> datetime.date:
    return month_start(timezone.localdate())


def parse_month(value: str) -> datetime.date:
    """'2026-10' (or '2026-10-01') → 2026-10-01; ValueError (with a Chinese message) for anything else,
    including months outside the plausible years (registry.inputs decides them for every input)."""
    return month_from_text(value)


def reporting_window(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The dates between which `month` is reported: an override for that month, else the setting."""
    override = ReportingWindow.objects.filter(month=month).first()
    if override is not None:
        return override.opens_on, override.closes_on
    opens_day, closes_day = settings.PROJECT_REPORTING_WINDOW
    following = add_months(month, 1)
    return following.replace(day=opens_day), following.replace(day=closes_day)


def window_closes(months) -> dict[datetime.date, datetime.date]:
    """The closing day of each month's reporting window, with one query for all their overrides."""
    overrides = dict(ReportingWindow.objects.filter(month__in=set(months)).values_list("month", "closes_on"))
    closes_day = settings.PROJECT_REPORTING_WINDOW[1]
    return {m: overrides.get(m) or add_months(m, 1).replace(day=closes_day) for m in months}


def month_in_window(day: datetime.date) -> datetime.date | None:
    """The month whose reporting window contains `day` (the previous month, normally), if any."""
    for month in (add_months(month_start(day), -1), add_months(month_start(day), -2), month_start(day)):
        opens, closes = reporting_window(month)
        if opens <= day <= closes:
            return month
    return None


def is_locked(month: datetime.date) -> bool:
    return PeriodLock.objects.filter(month=month).exists()


def write_permits(pairs: set[tuple[int, datetime.date]]) -> dict[tuple[int, datetime.date], LockException | None]:
    """For each (county id, month) about to be written: None if open, the exception allowing a write to a
    locked month, or PeriodLocked raised for the first month that is locked without one."""
    months = {month for _, month in pairs}
    locked = set(PeriodLock.objects.filter(month__in=months).values_list("month", flat=True))
    if not locked:
        return {pair: None for pair in pairs}
    exceptions = {
        (e.county_id, e.month): e
        for e in LockException.objects.filter(month__in=locked, county_id__in={c for c, _ in pairs})
    }
    permits = {}
    for pair in sorted(pairs, key=lambda p: (p[1], p[0])):
        if pair[1] in locked and pair not in exceptions:
            raise PeriodLocked(pair[1])
        permits[pair] = exceptions.get(pair)
    return permits
