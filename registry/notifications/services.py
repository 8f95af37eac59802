"""Delivering, reading and counting inbox messages."""
from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.models import F
from django.utils import timezone

from registry.generations import bump_now_and_on_commit, cached
from registry.models import Organisation, OrganisationKind, Role, User
from registry.models.organisations import TASK_FORCE_KINDS

INBOX_SECONDS = 10 * 60


def notification_model():
    """The concrete inbox model (settings.NOTIFICATION_MODEL, e.g. "cases.Notification")."""
    return apps.get_model(settings.NOTIFICATION_MODEL, require_ready=False)


def notify_users(*, users, kind: str, message: str, link: str = "", organisation=None, **subject) -> int:
    """Put a message in each user's inbox (one row per person); answers how many were delivered.
    `users`: a queryset of users. `subject`: what the message is about, in the concrete model's fields
    (e.g. case=...)."""
    if link and (not link.startswith("/") or link.startswith("//")):
        # Only paths on this site: an inbox must never carry a javascript: or off-site link.
        raise ValueError("notification link must be a path on this site")
    Notification = notification_model()
    values = {"kind": kind, "message": message[:500], "link": link, "created_at": timezone.now(),
              **{Notification._meta.get_field(name).attname: getattr(value, "pk", value) for name, value in subject.items()}}
    if organisation is not None:
        values["organisation_id"] = organisation.pk
    recipients = _deliver(Notification, users, values)
    if recipients:
        bump_now_and_on_commit(*{inbox_generation(uid) for uid in recipients})
    return len(recipients)


def _deliver(model, users, values: dict) -> list:
    """One inbox row per user of `users` with `values`, in one statement (INSERT … SELECT … RETURNING):
    reading the members and then inserting their rows cost two round trips per notified action.
    Answers the recipients' ids."""
    connection = connections[users.db]
    if not connection.features.can_return_rows_from_bulk_insert:  # neither PostgreSQL nor SQLite ≥ 3.35
        rows = [model(recipient_id=uid, **{"organisation_id": oid, **values})
                for uid, oid in users.values_list("pk", "organisation_id")]
        model.objects.bulk_create(rows)
        return [row.recipient_id for row in rows]
    quote = connection.ops.quote_name
    # Named columns: SQLite names an unaliased "table"."column" of a subquery after its text.
    members = users.order_by().annotate(member_id=F("pk"), member_unit_id=F("organisation_id"))
    members, member_params = members.values_list("member_id", "member_unit_id").query.sql_with_params()
    constants = {name: model._meta.get_field(name).get_db_prep_save(value, connection) for name, value in values.items()}
    columns = ["recipient_id", *(["organisation_id"] if "organisation_id" not in constants else []), *constants]
    chosen = [f"m.{quote('member_id')}", *([f"m.{quote('member_unit_id')}"] if "organisation_id" not in constants else []),
              *(["%s"] * len(constants))]
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
           f"SELECT {', '.join(chosen)} FROM ({members}) m RETURNING {quote('recipient_id')}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*constants.values(), *member_params])
        return [row[0] for row in cursor.fetchall()]


# Messages that ask their reader to do something only a clerk or a responsible unit's staff can do
# (sign for a case, review a feedback, decide an extension, redo rejected work, report): a manager
# (领导) in such a unit is never sent them. Managers hear of red cards, escalations into their level,
# instructions and bulletins through notify_managers.
ASKS_FOR_A_WRITER = frozenset({"assigned", "feedback", "extension", "rejected", "reminder"})


def notify_units(*, units, kind: str, message: str, link: str = "", exclude_user=None, **subject) -> int:
    """Deliver a message to every active member of each unit (Organisation instances or ids)."""
    unit_ids = {u.pk if isinstance(u, Organisation) else u for u in units if u is not None}
    if not unit_ids:
        return 0
    members = User.objects.filter(organisation_id__in=unit_ids, is_active=True)
    if kind in ASKS_FOR_A_WRITER:
        members = members.exclude(role=Role.MANAGER)
    if exclude_user is not None:
        members = members.exclude(pk=exclude_user.pk)
    return notify_users(users=members, kind=kind, message=message, link=link, **subject)


def notify_managers(*, division, kind: str, message: str, link: str = "", exclude_user=None, **subject) -> int:
    """Deliver a message to the managers (领导) of the task force of `division`."""
    managers = User.objects.filter(
        role=Role.MANAGER, is_active=True, organisation__division=division, organisation__kind__in=TASK_FORCE_KINDS
    )
    if exclude_user is not None:
        managers = managers.exclude(pk=exclude_user.pk)
    return notify_users(users=managers, kind=kind, message=message, link=link, **subject)


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
