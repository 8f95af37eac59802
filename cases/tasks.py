from celery import shared_task

from .services import deadline_check


@shared_task(acks_late=True, expires=6 * 3600)
def check_case_deadlines() -> dict:
    # Idempotent (a second run the same day changes nothing), so acks_late is safe.
    return deadline_check()
