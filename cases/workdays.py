"""Working-day arithmetic on the official Chinese calendar.

The WorkCalendarDay table (seeded from `chinesecalendar`, editable by administrators) decides each
listed day; a day not listed falls back to Monday to Friday.
"""
import datetime as dt

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
}


def official_days(start: dt.date, end: dt.date):
    """(date, is_workday, note) from the `chinesecalendar` package for every day in [start, end]."""
    import chinese_calendar

    day = start
    while day <= end:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
        workday = not is_holiday
        if name and workday:
            note = f"{HOLIDAY_NAMES.get(name, name)}调休上班"
        elif name:
            note = HOLIDAY_NAMES.get(name, name)
        else:
            note = ""
        yield day, workday, note
        day += dt.timedelta(days=1)


def _overrides(start: dt.date, end: dt.date) -> dict:
    from .models import WorkCalendarDay

    return dict(WorkCalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_workday"))


def _is_workday(day: dt.date, overrides: dict) -> bool:
    return overrides.get(day, day.weekday() < 5)


def is_workday(day: dt.date) -> bool:
    return _is_workday(day, _overrides(day, day))


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (n >= 1); n == 0 answers `start` itself."""
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return start
    # Long holidays are at most ~9 days: this window always holds n working days, read in one query.
    window_end = start + dt.timedelta(days=n * 2 + 20)
    overrides = _overrides(start, window_end)
    day, found = start, 0
    while True:
        day += dt.timedelta(days=1)
        if day > window_end:
            window_end = day + dt.timedelta(days=n * 2 + 20)
            overrides.update(_overrides(day, window_end))
        if _is_workday(day, overrides):
            found += 1
            if found == n:
                return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: how many working days have passed after `start` by `end`."""
    if end <= start:
        return 0
    overrides = _overrides(start, end)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if _is_workday(day, overrides):
            count += 1
    return count


def nth_working_day_back(end: dt.date, n: int) -> dt.date:
    """The n-th working day counting back from `end` (`end` itself counts when it is a working day):
    exactly the days d before it have working_days_between(d, end) >= n."""
    window_start = end - dt.timedelta(days=n * 2 + 20)
    overrides = _overrides(window_start, end)
    day, found = end, 0
    while True:
        if day < window_start:
            window_start = day - dt.timedelta(days=n * 2 + 20)
            overrides.update(_overrides(window_start, day))
        if _is_workday(day, overrides):
            found += 1
            if found == n:
                return day
        day -= dt.timedelta(days=1)
