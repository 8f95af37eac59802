import datetime as dt

import pytest

from cases.models import WorkCalendarDay
from cases.workdays import add_working_days, is_workday, nth_working_day_back, working_days_between

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
