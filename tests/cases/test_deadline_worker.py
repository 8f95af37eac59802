import datetime as dt

import pytest
from celery.result import EagerResult
from django.utils import timezone

from cases.models import Case, CaseState
from cases.tasks import check_case_deadlines

from .factories import case_at

pytestmark = pytest.mark.worker


def test_real_worker_runs_the_daily_deadline_job(celery_worker, people):
    case = case_at(CaseState.RECTIFYING, people)
    Case.objects.filter(pk=case.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    result = check_case_deadlines.delay()
    assert not isinstance(result, EagerResult)
    assert result.get(timeout=60)["red"] == 1
    case.refresh_from_db()
    assert case.red_card
    assert case.events.order_by("-seq").first().action == "red_card"
    # The second run the same day changes nothing.
    assert check_case_deadlines.delay().get(timeout=60) == {"yellow": 0, "red": 0, "escalated": 0}
