"""Runs that overlap or die: two at once cannot duplicate or interleave a month, and a worker killed
mid-month leaves nothing half-written for the next run to trip over."""
import datetime as dt
import time

import pytest

from rollups import tasks
from rollups.models import FillStatus, MonthlySnapshot, RollupMonth, RollupRun, RunStatus
from rollups.services import missing_months, rollup_month
from tests.conftest import requires_postgres
from tests.support.threads import run_in_threads

from .test_figures import figures
from .test_services import snapshot

SEPTEMBER = dt.date(2026, 9, 1)
YIWU_SEPTEMBER = {
    "dispatched": 5, "closed": 3, "closed_on_time": 2, "open_at_end": 3, "overdue_at_end": 1,
    "closure_rate": 50.0, "on_time_rate": 66.67, "median_close_workdays": 10.0,
    "urged": 1, "escalated": 1, "awaiting_joint": 1,
}


@requires_postgres
@pytest.mark.postgres
def test_two_runs_at_once_write_one_month_once(transactional_db, history, settings):
    # Each run holds the month open between its batches, so the second must wait for the first's lock.
    settings.ROLLUP_BATCH_PAUSE_SECONDS = 0.5
    _, errors = run_in_threads(lambda i: rollup_month(month=SEPTEMBER), 2)
    assert errors == []
    # In the order they finished: the run that started second may be the one that took the lock first.
    runs = list(RollupRun.objects.filter(month=SEPTEMBER).order_by("finished_at"))
    assert [r.status for r in runs] == [RunStatus.DONE, RunStatus.DONE]
    # The second waited: it started writing only after the first had finished.
    assert runs[1].finished_at - runs[0].finished_at >= dt.timedelta(seconds=1)
    state = RollupMonth.objects.get(month=SEPTEMBER)
    assert MonthlySnapshot.objects.filter(month=SEPTEMBER).count() == state.row_count == runs[0].row_count
    concurrent = snapshot(SEPTEMBER)
    settings.ROLLUP_BATCH_PAUSE_SECONDS = 0
    rollup_month(month=SEPTEMBER)
    assert snapshot(SEPTEMBER) == concurrent
    assert figures(SEPTEMBER, "330782") == YIWU_SEPTEMBER


@pytest.fixture
def slow_worker_env(monkeypatch):
    # Read by the worker process only (its settings load from the environment it is started with).
    monkeypatch.setenv("ROLLUP_BATCH_PAUSE_SECONDS", "30")


def _wait_for(predicate, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.worker
def test_worker_killed_mid_month_leaves_nothing_and_the_next_run_completes_it(slow_worker_env, history, celery_worker):
    tasks.rollup_month.delay("2026-09")
    assert _wait_for(lambda: RollupRun.objects.filter(month=SEPTEMBER, status=RunStatus.RUNNING).exists()), celery_worker.log()
    # The worker is now inside the month's transaction, pausing after its first batch of rows.
    time.sleep(3)
    celery_worker.kill()

    assert MonthlySnapshot.objects.filter(month=SEPTEMBER).count() == 0
    assert RollupMonth.objects.get(month=SEPTEMBER).status == FillStatus.PENDING
    assert RollupRun.objects.get(month=SEPTEMBER).status == RunStatus.RUNNING  # visible as interrupted
    assert SEPTEMBER in missing_months(until=SEPTEMBER)

    run = rollup_month(month=SEPTEMBER)
    assert run.status == RunStatus.DONE
    assert figures(SEPTEMBER, "330782") == YIWU_SEPTEMBER
    assert MonthlySnapshot.objects.filter(month=SEPTEMBER).count() == RollupMonth.objects.get(month=SEPTEMBER).row_count
    first = snapshot(SEPTEMBER)
    rollup_month(month=SEPTEMBER)
    assert snapshot(SEPTEMBER) == first
