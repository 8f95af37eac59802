"""Celery tasks queued through the database (the transactional outbox).

`enqueue(task, *args)` writes an OutboxTask row in the current transaction, so the task exists exactly
when the change that wants it commits; after the commit the row is published to the broker, with
short timeouts, no publish retries and a per-process circuit breaker, so a broker that is down or
frozen costs a request at most OUTBOX_PUBLISH_TIMEOUT seconds. Rows left unsent, and rows sent but not
run within OUTBOX_REDELIVER_SECONDS (a broker that lost its queue in a crash), are published again by
the periodic relay (`relay_outbox`: beat every minute, and a management command). A worker marks its
row done when the task succeeds. So every task runs at least once, and may run twice: only idempotent
tasks may be queued here. In eager mode (no broker: the embedded default, the tests) the task runs
in-process after the commit, as `.delay()` did.
"""
import datetime as dt
import logging
import time
from contextlib import nullcontext

from celery import current_app
from celery.signals import task_failure, task_success
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutboxTask

logger = logging.getLogger(__name__)
HEADER = "outbox_id"
_broker = {"down_until": 0.0}


def enqueue(task, *args, **kwargs) -> OutboxTask:
    """Queue `task(*args, **kwargs)` (JSON arguments) with the current transaction."""
    row = OutboxTask.objects.create(name=task.name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: relay([row]))
    return row


def relay(rows) -> int:
    """Publish these rows (or run them, in eager mode); answers how many went out."""
    app = current_app
    if app.conf.task_always_eager:
        for row in rows:
            _run_eagerly(app, row)
        return len(rows)
    if time.monotonic() < _broker["down_until"]:
        return 0  # the broker failed a moment ago: the periodic relay will send these
    timeout = settings.OUTBOX_PUBLISH_TIMEOUT
    # max_retries 0: kombu otherwise retries a refused connection for seconds before giving up.
    options = {**app.conf.broker_transport_options, "socket_timeout": timeout, "socket_connect_timeout": timeout,
               "max_retries": 0}
    sent = 0
    with app.connection_for_write(transport_options=options, connect_timeout=timeout) as conn:
        for row in rows:
            try:
                app.tasks[row.name].apply_async(
                    row.args, row.kwargs, connection=conn, retry=False, ignore_result=True, headers={HEADER: row.pk},
                )
            except Exception as exc:  # whatever the transport raises: the row stays due, with the reason
                _broker["down_until"] = time.monotonic() + settings.OUTBOX_RETRY_AFTER
                _record(row, error=f"{exc.__class__.__name__}: {exc}")
                logger.warning("outbox: task %s #%s not published (%s); the relay will retry", row.name, row.pk, exc)
                break
            _record(row, sent=True)
            sent += 1
    return sent


def _run_eagerly(app, row):
    try:
        app.tasks[row.name].apply_async(row.args, row.kwargs, headers={HEADER: row.pk})
    except Exception as exc:
        _record(row, error=f"{exc.__class__.__name__}: {exc}")
        raise
    now = timezone.now()
    _record(row, sent=True, done_at=now)


def _record(row, *, sent=False, error="", done_at=None):
    changes = {"attempts": F("attempts") + 1, "last_error": error[:2000]}
    if sent:
        changes["sent_at"] = timezone.now()
    if done_at:
        changes["done_at"] = done_at
    OutboxTask.objects.filter(pk=row.pk).update(**changes)


def due(*, now: dt.datetime | None = None, grace: float | None = None):
    """Rows the periodic relay must publish: unsent for longer than the grace (the commit's own
    relay had its chance), or sent and not run after OUTBOX_REDELIVER_SECONDS; oldest first."""
    now = now or timezone.now()
    grace = settings.OUTBOX_RELAY_GRACE_SECONDS if grace is None else grace
    redeliver = now - dt.timedelta(seconds=settings.OUTBOX_REDELIVER_SECONDS)
    return OutboxTask.objects.filter(
        Q(sent_at__isnull=True, created_at__lte=now - dt.timedelta(seconds=grace)) | Q(sent_at__lt=redeliver),
        done_at__isnull=True,
        attempts__lt=settings.OUTBOX_MAX_ATTEMPTS,
    ).order_by("id")


def relay_due(*, grace: float | None = None, batch: int = 200) -> int:
    """The periodic relay: publish every due row, a batch at a time, each batch locked against a
    second relay running at once (skipped, not waited for, on PostgreSQL)."""
    _broker["down_until"] = 0.0  # a periodic run always tries the broker
    # SQLite has no row locks, and a transaction that reads then writes fails at once ("database is
    # locked") while a worker writes: there each row's update commits on its own.
    locking = connection.features.has_select_for_update_skip_locked
    total = 0
    while True:
        with transaction.atomic() if locking else nullcontext():
            rows = due(grace=grace)
            if locking:
                rows = rows.select_for_update(skip_locked=True)
            rows = list(rows[:batch])
            sent = relay(rows) if rows else 0
        total += sent
        if sent < batch or not rows:
            return total


def prune(*, keep_days: int = 30) -> int:
    """Drop rows done long ago (the table is a queue, not a history)."""
    cutoff = timezone.now() - dt.timedelta(days=keep_days)
    return OutboxTask.objects.filter(done_at__lt=cutoff).delete()[0]


@task_success.connect
def _mark_done(sender=None, **kwargs):
    outbox_id = getattr(sender.request, HEADER, None) if sender is not None else None
    if outbox_id is not None and not sender.request.is_eager:
        OutboxTask.objects.filter(pk=outbox_id, done_at__isnull=True).update(done_at=timezone.now())


@task_failure.connect
def _mark_failed(sender=None, exception=None, **kwargs):
    outbox_id = getattr(sender.request, HEADER, None) if sender is not None else None
    if outbox_id is not None and not sender.request.is_eager:
        OutboxTask.objects.filter(pk=outbox_id).update(last_error=f"{exception.__class__.__name__}: {exception}"[:2000])
