"""Thin tasks over the deliverables' services (registered by deliverables.ready())."""
from celery import shared_task
from django.utils import timezone

from .reporting import workshop_reminders_send


@shared_task(name="registry.deliverables.tasks.remind_missing_workshop_reports", expires=6 * 3600)
def remind_missing_workshop_reports():
    """Daily during the reporting window (the projects' one): remind counties whose workshops owe the month."""
    return workshop_reminders_send(today=timezone.localdate())
