"""Delivering, reading and counting inbox messages."""
from django.apps import apps
from django.conf import settings
from django.utils import timezone

from registry.generations import bump_now_and_on_commit, cached
from registry.models import Organisation, OrganisationKind, User

INBOX_SECONDS = 10 * 60


def notification_model():
    """The concrete inbox model (settings.NOTIFICATION_MODEL, e.g. "cases.Notification")."""
    return apps.get_model(settings.NOTIFICATION_MODEL, require_ready=False)


def notify_users(*, users, kind: str, message: str, link: str = "", organisation=None, **subject) -> int:
    """Put a message in each user's inbox (one row per person); answers how many were delivered.
    `subject`: what the message is about, in the concrete model's fields (e.g. case=...)."""
    if link and (not link.startswith("/") or link.startswith("//")):
        # Only paths on this site: an inbox must never carry a javascript: or off-site link.
        raise ValueError("notification link must be a path on this site")
    Notification = notification_model()
    rows = [
        Notification(recipient_id=uid, organisation_id=oid if organisation is None else organisation.pk, kind=kind,
                     message=message[:500], link=link, **subject)
        for uid, oid in users.values_list("pk", "organisation_id")
    ]
    Notification.objects.bulk_create(rows)
    if rows:
        bump_now_and_on_commit(*{inbox_generation(row.recipient_id) for row in rows})
    return len(rows)


def notify_units(*, units, kind: str, message: str, link: str = "", exclude_user=None, **subject) -> int:
    """Deliver a message to every active member of each unit (Organisation instances or ids)."""
    unit_ids = {u.pk if isinstance(u, Organisation) else u for u in units if u is not None}
    if not unit_ids:
        return 0
    members = User.objects.filter(organisation_id__in=unit_ids, is_active=True)
    if exclude_user is not None:
        members = members.exclude(pk=exclude_user.pk)
    return notify_users(users=members, kind=kind, message=message, link=link, **subject)


def notify_county_offices(*, county_ids, kind: str, message: str) -> int:
    """Deliver a message to the county governments and county task forces of `county_ids` (reminders)."""
    units = Organisation.objects.filter(
        division_id__in=list(county_ids), kind__in=[OrganisationKind.COUNTY_GOVERNMENT, OrganisationKind.COUNTY_TASK_FORCE],
    ).values_list("pk", flat=True)
    return notify_units(units=list(units), kind=kind, message=message)


def notification_mark_read(*, user, ids=None) -> int:
    """Mark the user's notifications read (all unread ones when `ids` is None)."""
    qs = notification_model().objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    marked = qs.update(read_at=timezone.now())
    if marked:
        bump_now_and_on_commit(inbox_generation(user.pk))
    return marked


def inbox_generation(user_id) -> str:
    """Moved whenever the user's unread notifications change (unread_notification_count)."""
    return f"inbox:{user_id}"


def unread_notification_count(*, user) -> int:
    """The badge in every page's navigation bar: cached until the user's inbox changes (the services
    move inbox_generation); the timeout bounds what a write outside them can leave stale."""
    def count():
        return notification_model().objects.filter(recipient_id=user.pk, read_at__isnull=True).count()

    return cached("inbox-unread", [inbox_generation(user.pk)], (user.pk,), count, INBOX_SECONDS)
