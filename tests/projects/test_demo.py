import pytest

from projects.demo import seed
from projects.models import MonthlyReport, PeriodLock, Project, ReportStatus
from registry.periods import add_months, current_month
from registry.demo import seed_people


@pytest.mark.django_db
def test_small_demo_locks_old_months_leaves_the_previous_in_its_chain_and_the_current_open(divisions):
    seed_people(password="Demo@2026zj")
    summary = seed(scale="small", seed=7)
    previous = add_months(current_month(), -1)

    assert 24 <= summary["projects"] <= 60
    locked = set(PeriodLock.objects.values_list("month", flat=True))
    assert max(locked) == add_months(previous, -1) and len(locked) == 23
    assert previous not in locked and current_month() not in locked
    assert not MonthlyReport.objects.filter(month__lt=previous).exclude(status=ReportStatus.APPROVED).exists()
    previous_states = set(MonthlyReport.objects.filter(month=previous).values_list("status", flat=True))
    assert {ReportStatus.SUBMITTED, ReportStatus.CONFIRMED} <= previous_states
    assert not MonthlyReport.objects.filter(month=current_month()).exists()
    assert seed(scale="small", seed=7)["skipped"] and Project.objects.count() == summary["projects"]
