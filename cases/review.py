"""The review queue's reading aids (待审核反馈): each case's feedback as the clerk will judge it (the
lead unit's text and photos, inline), and the next case to open without going back to the list."""
from django.db.models import Prefetch, Q

from .models import Attachment, CaseEvent
from .selectors import review_queue

IMAGE_TYPES = {"image/jpeg", "image/png"}
QUEUE_ORDER = ("deadline", "id")


def feedback_previews(case_ids) -> dict:
    """{case id: its latest feedback event, with .photos and .files}: two queries for the page."""
    events = (
        CaseEvent.objects.filter(case_id__in=list(case_ids), action="feedback")
        .select_related("actor", "actor_unit").order_by("case_id", "-seq")
        .prefetch_related(Prefetch("attachments", Attachment.objects.order_by("id")))
    )
    latest = {}
    for event in events:
        if event.case_id not in latest:
            attachments = list(event.attachments.all())
            event.photos = [a for a in attachments if a.content_type in IMAGE_TYPES]
            event.files = [a for a in attachments if a.content_type not in IMAGE_TYPES]
            latest[event.case_id] = event
    return latest


def next_in_review(*, user, case):
    """The case after `case` in the clerk's queue (its order: deadline, then id), else the queue's first
    other case; None when nothing else waits."""
    others = review_queue(user=user).exclude(pk=case.pk).order_by(*QUEUE_ORDER)
    after = None
    if case.deadline is not None:
        after = others.filter(Q(deadline__gt=case.deadline) | Q(deadline=case.deadline, pk__gt=case.pk)).first()
    return after or others.first()
