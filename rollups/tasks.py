"""Thin tasks over the roll-up and bulletin services. Roll-ups rewrite a month in one transaction and
upsert, so a task redelivered after its worker died simply does the month again: acks_late is safe."""
from celery import shared_task

from registry.periods import parse_month
from registry.models import User

from . import bulletins, services
from .models import RunTrigger


@shared_task(name="rollups.refresh_current_month", acks_late=True, reject_on_worker_lost=True, expires=6 * 3600)
def refresh_current_month():
    run = services.rollup_refresh_current()
    return {"month": run.month.isoformat(), "status": run.status}


@shared_task(name="rollups.finalise_previous_month", acks_late=True, reject_on_worker_lost=True, expires=12 * 3600)
def finalise_previous_month():
    runs = services.rollup_finalise_due()
    for run in runs:
        bulletins.bulletins_after_finalising(month=run.month)
    return [{"month": r.month.isoformat(), "status": r.status} for r in runs]


@shared_task(name="rollups.rollup_month", acks_late=True, reject_on_worker_lost=True)
def rollup_month(month: str, trigger: str = RunTrigger.MANUAL, user_id: int | None = None, force: bool = False, reason: str = ""):
    by = User.objects.get(pk=user_id) if user_id else None
    run = services.rollup_month(month=parse_month(month), trigger=trigger, by=by, force=force, reason=reason)
    return {"month": run.month.isoformat(), "status": run.status, "rows": run.row_count}


@shared_task(name="rollups.generate_bulletin", acks_late=True, reject_on_worker_lost=True)
def generate_bulletin(bulletin_id: int):
    bulletins.bulletin_render(bulletin_id=bulletin_id)


@shared_task(name="rollups.sweep_dead_runs", ignore_result=True, expires=9 * 60)
def sweep_dead_runs():
    """Runs whose worker died: failed, and their month queued again (never "running" for ever)."""
    return len(services.rollup_sweep_dead_runs())
