"""Archiving inbox messages: out of the default list (未归档), kept under 已归档, restorable.

Beside services.py rather than in it: delivery (what is sent to whom) and keeping one's inbox tidy
change for different reasons."""
from django.db import transaction
from django.utils import timezone

from registry.generations import bump_now_and_on_commit

from .services import inbox_generation, notification_model


@transaction.atomic
def notification_archive(*, user, ids, archive: bool = True) -> int:
    """Archive (or restore) the user's messages `ids`; an archived unread message counts as read, so
    the badge does not point to a message the default list no longer shows. Answers how many changed."""
    now = timezone.now()
    mine = notification_model().objects.filter(recipient=user, pk__in=list(ids))
    if archive:
        mine.filter(read_at__isnull=True).update(read_at=now)
        changed = mine.filter(archived_at__isnull=True).update(archived_at=now)
    else:
        changed = mine.filter(archived_at__isnull=False).update(archived_at=None)
    if changed:
        bump_now_and_on_commit(inbox_generation(user.pk))
    return changed
