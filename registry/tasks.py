"""The ground's tasks: the worker heartbeat, an echo for the worker tests, the outbox relay."""
from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from . import outbox
from .generations import prune_epochs


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


@shared_task(name="registry.tasks.relay_outbox", ignore_result=True, expires=55)
def relay_outbox():
    """Publish the outbox rows the commit could not (broker down) or the broker lost; tidy up."""
    sent = outbox.relay_due()
    outbox.prune()
    prune_epochs()
    return sent
