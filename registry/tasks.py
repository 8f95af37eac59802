from celery import shared_task
from django.core.cache import cache
from django.utils import timezone


@shared_task(name="registry.tasks.heartbeat", ignore_result=True, expires=300)
def heartbeat():
    """Beat's proof of life: the last time a worker ran a scheduled task."""
    now = timezone.now().isoformat()
    cache.set("celery:heartbeat", now, timeout=3600)
    return now


@shared_task(name="registry.tasks.echo")
def echo(value):
    """Round-trip check used by the worker test and operators: returns what it was given."""
    return value
