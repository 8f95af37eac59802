"""The projects' scheduled job: remind counties that have not reported the month."""
from celery import shared_task
from django.utils import timezone

from .services import reminders_send


@shared_task(name="projects.tasks.remind_missing_reports", expires=6 * 3600)
def remind_missing_reports():
    """Daily during the reporting window: remind counties whose projects have not submitted."""
    return reminders_send(today=timezone.localdate())
