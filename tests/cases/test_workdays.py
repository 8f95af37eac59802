import datetime as dt

import pytest

from cases.models import WorkCalendarDay, WorkCalendarYear
from cases.workdays import (
    MAX_DEADLINE_WORKDAYS, MAX_WORKDAY_SPAN, add_working_days, calendar_warning, is_workday, nth_working_day_back,
    unconfirmed_years, working_days_between,
)

D = dt.date


@pytest.fixture
def calendar(people):
    return WorkCalendarDay.objects


@pytest.mark.parametrize(
    "day, workday",
    [
        (D(2025, 9, 28), True),  # Sunday make-up working day
        (D(2025, 10, 1), False),
        (D(2025, 10, 8), False),
        (D(2025, 10, 9), True),
        (D(2025, 10, 11), True),  # Saturday make-up working day
        (D(2025, 10, 12), False),
    ],
)
def test_national_day_2025_calendar(calendar, day, workday):
    assert is_workday(day) is workday


def test_adding_working_days_across_national_day_2025(calendar):
    assert add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)
    assert add_working_days(D(2025, 9, 28), 1) == D(2025, 9, 29)
    assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert add_working_days(D(2025, 9, 30), 3) == D(2025, 10, 11)
    assert add_working_days(D(2025, 9, 30), 4) == D(2025, 10, 13)


def test_counting_working_days_across_national_day_2025(calendar):
    assert working_days_between(D(2025, 9, 30), D(2025, 10, 8)) == 0
    assert working_days_between(D(2025, 9, 26), D(2025, 10, 13)) == 7  # 28, 29, 30, 9, 10, 11, 13
    assert nth_working_day_back(D(2025, 10, 9), 2) == D(2025, 9, 30)


def test_an_administrator_edit_changes_the_arithmetic(calendar):
    WorkCalendarDay.objects.filter(date=D(2025, 10, 9)).update(is_workday=False, note="临时调整")
    assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 10)


def test_days_outside_the_table_follow_monday_to_friday(calendar):
    assert add_working_days(D(2030, 1, 4), 1) == D(2030, 1, 7)


# --- the arithmetic is bounded and does not walk day by day -------------------------------------------

def _naive_is_workday(day, listed):
    return listed.get(day, day.weekday() < 5)


def _naive_add(start, n, listed):
    day, found = start, 0
    while found < n:
        day += dt.timedelta(days=1)
        found += _naive_is_workday(day, listed)
    return day


@pytest.mark.parametrize("start", [D(2024, 1, 1), D(2024, 9, 13), D(2025, 1, 25), D(2025, 9, 26), D(2025, 9, 28),
                                   D(2025, 10, 11), D(2026, 2, 14), D(2026, 9, 30), D(2026, 12, 3), D(2026, 12, 31)])
def test_the_arithmetic_agrees_with_counting_each_day(calendar, start):
    """The closed-form jumps between the calendar's exceptions give exactly what a walk over every day gives."""
    WorkCalendarDay.objects.update_or_create(date=D(2027, 1, 1), defaults={"is_workday": False, "note": "测试：跨出已导入年度"})
    listed = dict(WorkCalendarDay.objects.values_list("date", "is_workday"))
    for n in [1, 2, 3, 5, 7, 10, 20, 60, 137, MAX_DEADLINE_WORKDAYS]:
        expected = _naive_add(start, n, listed)
        assert add_working_days(start, n) == expected, (start, n)
        assert working_days_between(start, expected) == n
        assert working_days_between(start, expected - dt.timedelta(days=1)) == n - 1
        assert nth_working_day_back(expected, n) == _naive_add(start, 1, listed)
        assert is_workday(expected)


def test_counting_back_agrees_with_counting_each_day(calendar):
    listed = dict(WorkCalendarDay.objects.values_list("date", "is_workday"))
    for end in [D(2025, 10, 9), D(2025, 10, 12), D(2026, 2, 28), D(2026, 5, 6), D(2027, 1, 4)]:
        for n in [1, 2, 5, 30, MAX_DEADLINE_WORKDAYS]:
            day, found = end + dt.timedelta(days=1), 0
            while found < n:
                day -= dt.timedelta(days=1)
                found += _naive_is_workday(day, listed)
            assert nth_working_day_back(end, n) == day, (end, n)


def test_a_capped_deadline_is_one_query_whatever_its_length(calendar, django_assert_num_queries):
    for n in (1, MAX_DEADLINE_WORKDAYS, MAX_WORKDAY_SPAN):
        with django_assert_num_queries(1):
            add_working_days(D(2026, 12, 3), n)
        with django_assert_num_queries(1):
            nth_working_day_back(D(2026, 12, 3), n)
    with django_assert_num_queries(1):
        working_days_between(D(2024, 1, 1), D(2030, 12, 31))


def test_spans_beyond_the_bound_are_refused(calendar):
    """Two million working days was a 500 (and a million, 2.45 s of CPU): the arithmetic has a bound."""
    with pytest.raises(ValueError):
        add_working_days(D(2026, 12, 3), MAX_WORKDAY_SPAN + 1)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 12, 3), 2_000_000)
    with pytest.raises(ValueError):
        nth_working_day_back(D(2026, 12, 3), 2_000_000)


def test_past_the_loaded_calendar_new_years_day_is_a_working_day_and_flagged(calendar):
    """chinesecalendar 1.11.0 stops at 2026: 2027-01-01 counts Monday to Friday until the notice is
    imported, and a deadline there says so."""
    WorkCalendarYear.objects.filter(year=2027).delete()
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)
    assert "2027 年法定节假日安排尚未导入" in calendar_warning(D(2027, 1, 1))
    assert "按周一至周五" in calendar_warning(D(2027, 1, 1))
    assert calendar_warning(D(2026, 12, 31)) == ""
    assert unconfirmed_years(D(2026, 12, 3), D(2028, 1, 1)) == [2027, 2028]
