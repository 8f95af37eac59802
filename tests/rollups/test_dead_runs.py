"""A roll-up run whose worker died is marked failed and its month queued again: never "running" for ever."""
import datetime as dt

import pytest
from django.utils import timezone

from rollups import tasks
from rollups.models import FillStatus, RollupMonth, RollupRun, RunStatus, RunTrigger
from rollups.services import rollup_sweep_dead_runs
from registry.models import OutboxTask

from .test_concurrency import SEPTEMBER, YIWU_SEPTEMBER, _wait_for, slow_worker_env  # noqa: F401
from .test_figures import figures


def dead_run(month=SEPTEMBER, minutes=31, **kw):
    return RollupRun.objects.create(month=month, started_at=timezone.now() - dt.timedelta(minutes=minutes), **kw)


@pytest.mark.django_db(transaction=True)
def test_a_run_past_the_timeout_is_failed_and_its_month_redone(history, settings):
    settings.ROLLUP_RUN_TIMEOUT_SECONDS = 30 * 60
    dead = dead_run(trigger=RunTrigger.MANUAL, forced=False, reason="县里更正数据")
    alive = dead_run(month=dt.date(2026, 8, 1), minutes=5, trigger=RunTrigger.SCHEDULE)

    assert rollup_sweep_dead_runs() == [dead]
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED and dead.finished_at and "重新排队" in dead.message
    alive.refresh_from_db()
    assert alive.status == RunStatus.RUNNING  # still within its time
    # Queued through the outbox and, in eager mode, run after the commit: the month is complete.
    row = OutboxTask.objects.get()
    assert (row.name, row.args[:2], row.args[4]) == ("rollups.rollup_month", ["2026-09", RunTrigger.CATCH_UP], "县里更正数据")
    assert row.done_at is not None
    retry = RollupRun.objects.filter(month=SEPTEMBER).exclude(pk=dead.pk).get()
    assert retry.status == RunStatus.DONE and retry.trigger == RunTrigger.CATCH_UP
    assert figures(SEPTEMBER, "330782") == YIWU_SEPTEMBER
    # A second sweep finds nothing more to do.
    assert rollup_sweep_dead_runs() == []


@pytest.mark.django_db(transaction=True)
def test_a_dead_run_is_not_redone_when_a_later_run_already_did_the_month(history):
    dead = dead_run(minutes=90, trigger=RunTrigger.SCHEDULE)
    RollupRun.objects.create(month=SEPTEMBER, started_at=timezone.now() - dt.timedelta(minutes=60),
                             finished_at=timezone.now(), status=RunStatus.DONE, trigger=RunTrigger.SCHEDULE)
    assert rollup_sweep_dead_runs() == [dead]
    assert not OutboxTask.objects.exists()


@pytest.mark.worker
def test_the_sweeper_retries_the_month_of_a_worker_killed_mid_run(slow_worker_env, history, celery_worker, settings, monkeypatch):  # noqa: F811
    tasks.rollup_month.delay("2026-09")
    assert _wait_for(lambda: RollupRun.objects.filter(month=SEPTEMBER, status=RunStatus.RUNNING).exists()), celery_worker.log()
    celery_worker.kill()
    celery_worker.proc = None
    dead = RollupRun.objects.get(month=SEPTEMBER)

    # The next sweep after the timeout: failed, and the month queued again for a healthy worker.
    later = timezone.now() + dt.timedelta(seconds=settings.ROLLUP_RUN_TIMEOUT_SECONDS + 1)
    assert rollup_sweep_dead_runs(now=later) == [dead]
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED
    monkeypatch.setenv("ROLLUP_BATCH_PAUSE_SECONDS", "0")
    celery_worker.start()
    assert _wait_for(lambda: RollupMonth.objects.filter(month=SEPTEMBER, status=FillStatus.DONE).exists()), celery_worker.log()
    assert _wait_for(lambda: OutboxTask.objects.filter(done_at__isnull=False).exists()), celery_worker.log()
    assert RollupRun.objects.filter(month=SEPTEMBER, status=RunStatus.DONE, trigger=RunTrigger.CATCH_UP).count() == 1
    assert figures(SEPTEMBER, "330782") == YIWU_SEPTEMBER
