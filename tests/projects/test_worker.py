import pytest
from celery.result import EagerResult
from django.utils import timezone

from projects.models import ReportingWindow, ReportReminder
from registry.periods import add_months, month_start
from projects.tasks import remind_missing_reports

from .factories import ProjectFactory

pytestmark = pytest.mark.worker


def test_real_worker_sends_the_daily_reminders(celery_worker):
    today = timezone.localdate()
    ReportingWindow.objects.create(month=add_months(month_start(today), -1), opens_on=today, closes_on=today)
    ProjectFactory()

    result = remind_missing_reports.delay()
    assert not isinstance(result, EagerResult)
    assert result.get(timeout=60) == 1
    assert ReportReminder.objects.get().county.code == "330782"
