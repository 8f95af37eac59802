"""The cases' scheduled jobs: the daily deadline check (cards, escalation) and the ledger anchors."""
from celery import shared_task

from .services import deadline_check


@shared_task(acks_late=True, expires=6 * 3600)
def check_case_deadlines() -> dict:
    # Idempotent (a second run the same day changes nothing), so acks_late is safe.
    return deadline_check()


@shared_task(acks_late=True, expires=12 * 3600)
def anchor_ledger_daily() -> dict:
    # Idempotent (one anchor per day), so acks_late is safe. The reconciliation that follows keeps
    # the audit page's "latest verification" at most a day old.
    from .anchors import anchor_daily
    from .ledger import record_check, verify

    anchor = anchor_daily()
    check = record_check(verify())
    return {"anchor": anchor.pk if anchor else None, "ok": check.ok, "findings": len(check.findings)}


@shared_task(acks_late=True, expires=12 * 3600)
def anchor_ledger_month_end() -> int | None:
    # Idempotent (one anchor per month).
    from .anchors import anchor_month_end

    anchor = anchor_month_end()
    return anchor.pk if anchor else None
