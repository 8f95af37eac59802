"""Thin tasks over the monitoring services. A period's computation rewrites its rows in one transaction
and upserts, so a task redelivered after its worker died does the period again: acks_late is safe."""
from celery import shared_task

from registry.models import User


@shared_task(name="monitoring.compute_period", acks_late=True, reject_on_worker_lost=True, expires=6 * 3600)
def compute_period(period: str, user_id: int | None = None):
    from . import services

    by = User.objects.filter(pk=user_id).first() if user_id else None
    run = services.index_compute(period=period, by=by)
    return {"period": run.period, "kind": run.kind, "rows": run.row_count, "changed": run.changed_rows}


@shared_task(name="monitoring.quarterly_report", acks_late=True, reject_on_worker_lost=True, expires=6 * 3600)
def quarterly_report(period: str, user_id: int | None = None):
    """A redelivered run adds one more version of the report: harmless, every version is kept."""
    from .quarterly import quarterly_report_create

    by = User.objects.filter(pk=user_id).first() if user_id else None
    report = quarterly_report_create(period=period, by=by)
    return {"period": period, "version": report.version if report else None}


@shared_task(name="monitoring.evaluation_documents", acks_late=True, reject_on_worker_lost=True, expires=12 * 3600)
def evaluation_documents(year: int):
    """Rewrites every county's document and the workbook: a redelivered run produces the same files."""
    from .evaluation_documents import evaluation_documents_write

    return evaluation_documents_write(year=year)
