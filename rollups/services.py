"""Rolling a month up: the whole month in one transaction under its row lock, upserted so that a re-run
rewrites the same rows.

A month the province has locked is only recomputed when a clerk forces it, with a reason, and every
attempt is recorded as a RollupRun."""
import datetime as dt
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from registry import outbox
from registry.periods import add_months, current_month, is_locked, reporting_window
from registry.generations import bump_now_and_on_commit
from registry.models import DivisionLevel

from . import cache, figures, tasks
from .graph.services import graph_write_month
from .models import FillStatus, MonthlySnapshot, RollupMonth, RollupRun, RunStatus, RunTrigger

KEY_FIELDS = ("month", "division", "dimension", "dimension_value")
UPDATE_FIELDS = [
    f.name
    for f in MonthlySnapshot._meta.concrete_fields
    if f.name not in (*KEY_FIELDS, "id")
]
# Catch-up never goes further back than this many months on its own (older months: the command).
CATCH_UP_MONTHS = 24


def _fill_state(month: dt.date) -> RollupMonth:
    try:
        return RollupMonth.objects.get_or_create(month=month)[0]
    except IntegrityError:
        # Another run created it between our read and write.
        return RollupMonth.objects.get(month=month)


def _is_final(month: dt.date) -> bool:
    return timezone.localdate() > reporting_window(month)[1]


def _lock_month(month: dt.date) -> RollupMonth:
    """Serialise runs of the same month: a row lock, and on PostgreSQL also a transaction-scoped advisory
    lock so that even the first run of a month (before its row is visible) is exclusive."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x524F4C4C, month.year * 100 + month.month])
    return RollupMonth.objects.select_for_update().get(month=month)


def _pause_between_batches():
    # Lets the worker-kill test stop a run half-way through its transaction; zero everywhere else.
    if settings.ROLLUP_BATCH_PAUSE_SECONDS:
        time.sleep(settings.ROLLUP_BATCH_PAUSE_SECONDS)


def _write_month(month: dt.date) -> int:
    divisions = figures.divisions_by_level()
    labels = figures.dimension_labels()
    # The running month is read as of now (its overdue: a deadline before today); an ended month at its end.
    stock = figures.case_stock_rows(month, until=timezone.now())
    kept = []
    for level in (DivisionLevel.COUNTY, DivisionLevel.CITY, DivisionLevel.PROVINCE):
        values = figures.level_rows(month, level, divisions[level], labels, stock)
        rows = [MonthlySnapshot(month=month, **v) for v in values]
        written = MonthlySnapshot.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=list(KEY_FIELDS), update_fields=UPDATE_FIELDS
        )
        kept.extend(row.pk for row in written)
        _pause_between_batches()
    # A group that no longer has cases (a category changed since the last run) must not linger.
    MonthlySnapshot.objects.filter(month=month).exclude(pk__in=kept).delete()
    # The same month along the programme's structure, from the rows just written (rollups/graph).
    graph_write_month(month)
    bump_now_and_on_commit(cache.SNAPSHOTS)
    return len(kept)


def check_rerun(*, by, force: bool, reason: str):
    """Only the province task force's clerks may force a month the province locked to be recomputed (the
    lock is theirs), and they must say why; the run records who and why."""
    if force:
        if not may_force_rerun(by):
            raise ValidationError("只有省专班工作人员可以强制重算已锁定月份。")
        if not (reason or "").strip():
            raise ValidationError({"reason": "请填写重算原因。"})


def may_force_rerun(user) -> bool:
    if user is None:
        return False
    return user.is_superuser or (user.is_clerk and user.division is not None and user.division.level == DivisionLevel.PROVINCE)


def rollup_request(*, month: dt.date, by, force: bool = False, reason: str = ""):
    """A clerk's re-run from the API: checked now, computed by a worker after the commit."""
    if not by.is_clerk:
        raise ValidationError("只有专班工作人员可以发起重算。")
    check_rerun(by=by, force=force, reason=reason)
    month = month.replace(day=1)
    outbox.enqueue(tasks.rollup_month, month.strftime("%Y-%m"), RunTrigger.MANUAL, by.pk, force, reason.strip())


def rollup_month(*, month: dt.date, trigger: str = RunTrigger.SCHEDULE, by=None, force: bool = False, reason: str = "") -> RollupRun:
    """Roll `month` up. A locked month already complete is skipped unless a clerk forces it with a reason."""
    month = month.replace(day=1)
    reason = (reason or "").strip()
    check_rerun(by=by, force=force, reason=reason)
    state = _fill_state(month)
    run = RollupRun.objects.create(
        month=month, trigger=trigger, forced=force, requested_by=by, reason=reason[:500], started_at=timezone.now()
    )
    if is_locked(month) and state.status == FillStatus.DONE and not force:
        run.status, run.finished_at = RunStatus.SKIPPED, timezone.now()
        run.message = "该月份已由省专班锁定，未重算；如需重算请由专班工作人员强制执行并说明原因。"
        run.save(update_fields=["status", "finished_at", "message"])
        return run
    try:
        with transaction.atomic():
            state = _lock_month(month)
            count = _write_month(month)
            state.status, state.computed_at = FillStatus.DONE, timezone.now()
            state.finalised, state.row_count = _is_final(month), count
            state.full_clean()
            state.save()
    except Exception as exc:
        RollupRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, finished_at=timezone.now(), message=str(exc)[:2000])
        raise
    run.status, run.finished_at, run.row_count = RunStatus.DONE, timezone.now(), count
    run.save(update_fields=["status", "finished_at", "row_count"])
    return run


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def missing_months(*, until: dt.date | None = None) -> list[dt.date]:
    """Months up to `until` (default: the previous month) that have data but no complete roll-up."""
    until = (until or add_months(current_month(), -1)).replace(day=1)
    first = add_months(until, -(CATCH_UP_MONTHS - 1))
    earliest = figures.earliest_activity_month()
    if earliest is None:
        return []
    candidates = months_between(max(first, earliest), until)
    done = set(RollupMonth.objects.filter(month__in=candidates, status=FillStatus.DONE).values_list("month", flat=True))
    return [m for m in candidates if m not in done]


def rollup_range(*, first: dt.date, last: dt.date, trigger: str = RunTrigger.COMMAND, by=None, force=False, reason="") -> list[RollupRun]:
    """Backfill: each month in its own transaction, so one failure keeps the months before it."""
    return [
        rollup_month(month=m, trigger=trigger, by=by, force=force, reason=reason) for m in months_between(first, last)
    ]


def rollup_catch_up(*, until: dt.date | None = None) -> list[RollupRun]:
    """Complete every month a missed or killed run left incomplete."""
    return [rollup_month(month=m, trigger=RunTrigger.CATCH_UP) for m in missing_months(until=until)]


def rollup_refresh_current() -> RollupRun:
    return rollup_month(month=current_month(), trigger=RunTrigger.SCHEDULE)


def rollup_finalise_due() -> list[RollupRun]:
    """The previous month on the 1st (its cases are final), again once its reporting window has closed
    (its projects are final too), and any month a missed or killed run left incomplete."""
    today = timezone.localdate()
    previous = add_months(today.replace(day=1), -1)
    runs = rollup_catch_up(until=add_months(previous, -1))
    state = RollupMonth.objects.filter(month=previous).first()
    window_closed = today > reporting_window(previous)[1]
    if today.day == 1 or state is None or state.status != FillStatus.DONE or (window_closed and not state.finalised):
        runs.append(rollup_month(month=previous, trigger=RunTrigger.SCHEDULE))
    return runs


def rollup_sweep_dead_runs(*, now: dt.datetime | None = None) -> list[RollupRun]:
    """Runs still "running" ROLLUP_RUN_TIMEOUT_SECONDS after they started died with their worker (a run
    is one transaction, so nothing of it was kept): mark them failed and queue their month again, with
    the same force and reason, unless a later run of the month has finished or is under way."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.ROLLUP_RUN_TIMEOUT_SECONDS)
    swept = []
    for run in RollupRun.objects.filter(status=RunStatus.RUNNING, started_at__lt=cutoff).order_by("started_at"):
        with transaction.atomic():
            message = f"运行超过{settings.ROLLUP_RUN_TIMEOUT_SECONDS // 60}分钟未完成，视为工作进程中断，已标记失败并重新排队。"
            if not RollupRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                status=RunStatus.FAILED, finished_at=now, message=message
            ):
                continue  # it finished, or another sweeper took it, meanwhile
            later = RollupRun.objects.filter(
                month=run.month, started_at__gt=run.started_at, status__in=(RunStatus.RUNNING, RunStatus.DONE)
            )
            if not later.exists():
                outbox.enqueue(
                    tasks.rollup_month, f"{run.month:%Y-%m}", RunTrigger.CATCH_UP, run.requested_by_id, run.forced, run.reason
                )
        swept.append(run)
    return swept
