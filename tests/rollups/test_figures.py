"""Roll-up figures against counts made by hand from tests/rollups/factories.build_history."""
import datetime as dt
from decimal import Decimal

import pytest

from cases.models import CaseCategory
from rollups.models import Dimension, MonthlySnapshot
from rollups.services import rollup_month

SEPTEMBER, OCTOBER = dt.date(2026, 9, 1), dt.date(2026, 10, 1)
FIGURES = (
    "dispatched", "closed", "closed_on_time", "open_at_end", "overdue_at_end", "closure_rate", "on_time_rate",
    "median_close_workdays", "urged", "escalated", "awaiting_joint",
)


def figures(month, code, dimension=Dimension.ALL, value=""):
    row = MonthlySnapshot.objects.get(month=month, division__code=code, dimension=dimension, dimension_value=value)
    return {name: getattr(row, name) for name in FIGURES}


@pytest.mark.django_db
def test_september_counts_by_assignment_and_closing_month_with_extensions_reopening_and_joint_close_out(history):
    rollup_month(month=SEPTEMBER)
    # Dispatched B C D E F; closed A B C (D's closing was undone by its reopening); on time A, B (extended);
    # open D E F; overdue F; median of 13, 10, 7 working days; F urged and escalated; E awaits party Y.
    assert figures(SEPTEMBER, "330782") == {
        "dispatched": 5, "closed": 3, "closed_on_time": 2, "open_at_end": 3, "overdue_at_end": 1,
        "closure_rate": 50.0, "on_time_rate": 66.67, "median_close_workdays": 10.0,
        "urged": 1, "escalated": 1, "awaiting_joint": 1,
    }
    # I was fed back in September and closed at 00:30 on 1 October, Shanghai time.
    assert figures(SEPTEMBER, "330783") == {
        "dispatched": 1, "closed": 0, "closed_on_time": 0, "open_at_end": 1, "overdue_at_end": 0,
        "closure_rate": 0.0, "on_time_rate": None, "median_close_workdays": None,
        "urged": 0, "escalated": 0, "awaiting_joint": 0,
    }
    city = {
        "dispatched": 6, "closed": 3, "closed_on_time": 2, "open_at_end": 4, "overdue_at_end": 1,
        "closure_rate": 42.86, "on_time_rate": 66.67, "median_close_workdays": 10.0,
        "urged": 1, "escalated": 1, "awaiting_joint": 1,
    }
    assert figures(SEPTEMBER, "330700") == city
    assert figures(SEPTEMBER, "330000") == city
    # A county without cases still has its row, all zero.
    assert figures(SEPTEMBER, "330102")["dispatched"] == 0


@pytest.mark.django_db
def test_october_counts_the_second_closing_of_a_reopened_case_and_the_deadline_in_force(history):
    rollup_month(month=OCTOBER)
    yiwu = figures(OCTOBER, "330782")
    # Dispatched H; closed D (again, by its reopening deadline of 20 Oct) and E (late); open F H; overdue F.
    assert {k: yiwu[k] for k in ("dispatched", "closed", "closed_on_time", "open_at_end", "overdue_at_end", "urged", "escalated", "awaiting_joint")} == {
        "dispatched": 1, "closed": 2, "closed_on_time": 1, "open_at_end": 2, "overdue_at_end": 1,
        "urged": 0, "escalated": 0, "awaiting_joint": 0,
    }
    # Median of an even count: D took 28 working days (2 Sep – 16 Oct, across the National Day holiday and
    # its make-up Saturday 10 Oct), E 21 (3 Sep – 9 Oct): (28 + 21) / 2.
    assert yiwu["median_close_workdays"] == 24.5
    dongyang = figures(OCTOBER, "330783")
    assert (dongyang["closed"], dongyang["closed_on_time"], dongyang["open_at_end"]) == (1, 0, 0)


@pytest.mark.django_db
def test_category_and_record_type_rows(history):
    rollup_month(month=SEPTEMBER)
    help_id = str(CaseCategory.objects.get(name="帮扶任务").pk)
    # 帮扶任务: D (closed then reopened: open) and F (overdue).
    help_rows = figures(SEPTEMBER, "330782", Dimension.CATEGORY, help_id)
    assert (help_rows["dispatched"], help_rows["closed"], help_rows["open_at_end"], help_rows["overdue_at_end"]) == (2, 0, 2, 1)
    record = figures(SEPTEMBER, "330782", Dimension.RECORD_TYPE, "registry.division")
    assert (record["dispatched"], record["closed"], record["open_at_end"]) == (1, 0, 1)
    label = MonthlySnapshot.objects.get(month=SEPTEMBER, division__code="330782", dimension=Dimension.CATEGORY, dimension_value=help_id).dimension_label
    assert label == "帮扶任务"


@pytest.mark.django_db
def test_project_figures_on_the_all_rows(history):
    rollup_month(month=SEPTEMBER)
    row = MonthlySnapshot.objects.get(month=SEPTEMBER, division__code="330782", dimension=Dimension.ALL)
    assert row.planned_investment == Decimal("1200")
    assert row.completed_investment == Decimal("660")
    assert row.investment_rate == 55.0
    assert row.schedule_share == 75.0
    assert row.schedule_gap == -20.0
    assert row.start_rate == 50.0
    assert row.reports_missing == 1
    assert row.project_count == 2
    province = MonthlySnapshot.objects.get(month=SEPTEMBER, division__code="330000", dimension=Dimension.ALL)
    assert province.completed_investment == Decimal("660")
