"""Working-day arithmetic on the official Chinese calendar, and which years of it are loaded.

The WorkCalendarDay table (seeded from `chinesecalendar`, imported from the State Council's annual
notice, editable in the admin) decides each listed day; a day not listed follows Monday to Friday.
A year counts as loaded (official) only when a WorkCalendarYear row says so: past the loaded years the
arithmetic still answers, by Monday to Friday, and `calendar_warning` says so wherever a deadline
falls there — it is never passed off as the official calendar.

The arithmetic reads, in one query, only the days that differ from Monday to Friday (some 30 a year:
holidays on weekdays, make-up working days on weekends) and counts the weekdays between them with
closed formulas: its cost grows with those exceptions, not with the number of days counted.
"""
import datetime as dt

from django.db.models import Q
from django.utils import timezone

# Deadlines in working days are capped where they are entered (forms, API, Excel): a year of working
# days covers every deadline the programme sets; more is a typing error.
MAX_DEADLINE_WORKDAYS = 250
# The arithmetic itself refuses spans beyond this (ten years of working days): past it a date would
# reach beyond any calendar anyone has loaded, and eventually beyond year 9999.
MAX_WORKDAY_SPAN = 2500

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


# --- Monday to Friday, in closed form ----------------------------------------------------------------
# date.toordinal() 1 is Monday 0001-01-01, so the weekdays in [day 1, day o] are 5 per full week plus
# the first five days of the last partial one.

def _weekdays_upto(ordinal: int) -> int:
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def _nth_weekday(count: int) -> int:
    """The ordinal of the weekday whose _weekdays_upto is `count` (count >= 1)."""
    weeks, rest = divmod(count - 1, 5)
    return weeks * 7 + rest + 1


def weekdays_between(start: dt.date, end: dt.date) -> int:
    """Monday-to-Friday days in (start, end]."""
    return max(0, _weekdays_upto(end.toordinal()) - _weekdays_upto(start.toordinal()))


def _weekday_after(day: dt.date, n: int) -> dt.date:
    """The n-th Monday-to-Friday day after `day` (n >= 1)."""
    return dt.date.fromordinal(_nth_weekday(_weekdays_upto(day.toordinal()) + n))


def _weekday_before(day: dt.date, n: int) -> dt.date:
    """The n-th Monday-to-Friday day before `day`, not counting `day` (n >= 1)."""
    return dt.date.fromordinal(_nth_weekday(_weekdays_upto(day.toordinal() - 1) - n + 1))


# --- the official calendar: its exceptions to Monday to Friday ----------------------------------------

def _exceptions(**date_range) -> list[tuple[dt.date, bool]]:
    """(date, is_workday) of the listed days that differ from Monday to Friday, in date order."""
    from .models import WorkCalendarDay

    differs = Q(is_workday=False, date__iso_week_day__lte=5) | Q(is_workday=True, date__iso_week_day__gte=6)
    return list(WorkCalendarDay.objects.filter(differs, **date_range).order_by("date").values_list("date", "is_workday"))


def _check_span(n: int):
    if n < 0:
        raise ValueError("n must not be negative")
    if n > MAX_WORKDAY_SPAN:
        raise ValueError(f"working-day spans are limited to {MAX_WORKDAY_SPAN}")


def is_workday(day: dt.date) -> bool:
    from .models import WorkCalendarDay

    listed = WorkCalendarDay.objects.filter(date=day).values_list("is_workday", flat=True).first()
    return day.weekday() < 5 if listed is None else listed


def _walk(cursor: dt.date, need: int, exceptions, stretch, jump) -> dt.date:
    """The need-th working day from `cursor` in one direction: between two exceptions (met in order)
    every day follows Monday to Friday, so each stretch is crossed in one step. stretch(cursor, day)
    counts the weekdays strictly between them; jump(cursor, k) is the k-th weekday past cursor."""
    for day, workday in exceptions:
        between = stretch(cursor, day)
        if between >= need:
            return jump(cursor, need)
        need -= between
        if workday:
            need -= 1
            if need == 0:
                return day
        cursor = day
    return jump(cursor, need)


ONE_DAY = dt.timedelta(days=1)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (0 <= n <= MAX_WORKDAY_SPAN); n == 0 answers `start` itself."""
    _check_span(n)
    if n == 0:
        return start
    return _walk(start, n, _exceptions(date__gt=start), lambda cursor, day: weekdays_between(cursor, day - ONE_DAY),
                 _weekday_after)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: how many working days have passed after `start` by `end`."""
    if end <= start:
        return 0
    count = weekdays_between(start, end)
    for _, workday in _exceptions(date__gt=start, date__lte=end):
        count += 1 if workday else -1
    return count


def nth_working_day_back(end: dt.date, n: int) -> dt.date:
    """The n-th working day counting back from `end` (`end` itself counts when it is a working day):
    exactly the days d before it have working_days_between(d, end) >= n."""
    _check_span(n)
    if n == 0:
        raise ValueError("n must be at least 1")
    return _walk(end + ONE_DAY, n, reversed(_exceptions(date__lte=end)),
                 lambda cursor, day: weekdays_between(day, cursor - ONE_DAY), _weekday_before)


# --- which years are loaded ---------------------------------------------------------------------------

def loaded_years() -> set[int]:
    from .models import WorkCalendarYear

    return set(WorkCalendarYear.objects.values_list("year", flat=True))


def unconfirmed_years(start: dt.date, end: dt.date, loaded: set[int] | None = None) -> list[int]:
    """The years touching [start, end] whose official calendar is not loaded."""
    loaded = loaded_years() if loaded is None else loaded
    return [year for year in range(start.year, end.year + 1) if year not in loaded]


def calendar_warning(deadline: dt.date | None, loaded: set[int] | None = None) -> str:
    """The Chinese flag for a deadline in a year whose calendar is not loaded; "" when it is official."""
    if deadline is None or not unconfirmed_years(deadline, deadline, loaded):
        return ""
    return (f"{deadline.year} 年法定节假日安排尚未导入工作日历：该年度的日期暂按周一至周五推算，"
            f"未计入节假日和调休，导入国务院办公厅通知后请核对办理期限 {deadline:%Y-%m-%d}。")


def reachable_calendar_warning(today: dt.date | None = None) -> str:
    """The flag for the deadlines a form can still produce: any year without its calendar between
    today and the farthest deadline MAX_DEADLINE_WORKDAYS working days allow."""
    today = today or timezone.localdate()
    years = unconfirmed_years(today, today + dt.timedelta(days=MAX_DEADLINE_WORKDAYS * 7 // 5 + 30))
    if not years:
        return ""
    listed = "、".join(f"{year} 年" for year in years)
    return (f"{listed}的法定节假日安排尚未导入工作日历：落在该年度的办理期限（含按工作日数推算的）暂按周一至周五计算，"
            f"未计入节假日和调休，导入国务院办公厅通知后请核对。")


def missing_year_notices(today: dt.date, loaded: set[int] | None = None) -> list[int]:
    """Years the clerks should load now: this year if missing, and from November next year."""
    loaded = loaded_years() if loaded is None else loaded
    due = [today.year] + ([today.year + 1] if today.month >= 11 else [])
    return [year for year in due if year not in loaded]


def missing_year_text(year: int) -> str:
    return (f"{year} 年法定节假日安排尚未导入工作日历：落在该年度的办理期限暂按周一至周五推算。"
            f"请省专班工作人员导入国务院办公厅的节假日安排通知（工作日历导入），或在管理后台录入并标记该年度已完整导入。")
