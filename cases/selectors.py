"""Reads of cases: querysets scoped to the user's jurisdiction, ready for lists, pages and exports."""
from django.db.models import Count, Q

from .models import Case, CaseState, Notification
from .services import DEADLINE_STATES, DUE_SOON_WORKDAYS, local_today
from .workdays import add_working_days


def case_list(*, user):
    return Case.objects.for_user(user).select_related("category", "county", "lead_unit", "owner")


def case_detail_queryset(*, user):
    return (
        Case.objects.for_user(user)
        .select_related(
            "category", "county", "township", "lead_unit", "owner__division", "assigning_unit", "content_type", "created_by"
        )
        .prefetch_related("co_units", "joint_parties__party", "joint_parties__confirmed_by")
    )


def overdue_q(today=None) -> Q:
    return Q(state__in=DEADLINE_STATES, deadline__lt=today or local_today())


def due_soon_q(today=None) -> Q:
    today = today or local_today()
    return Q(state__in=DEADLINE_STATES, deadline__gte=today, deadline__lte=add_working_days(today, DUE_SOON_WORKDAYS))


def responsible_unit_q(unit_id) -> Q:
    # The ids from two indexed lookups: "lead unit OR an EXISTS on the co-units" made PostgreSQL read
    # every case of the jurisdiction (100k at province scale) for each to-do page.
    led = Case.objects.filter(lead_unit_id=unit_id).order_by().values("pk")
    co = Case.co_units.through.objects.filter(organisation_id=unit_id).order_by().values("case_id")
    return Q(pk__in=led.union(co))


def todo_counts(*, user) -> dict:
    """The county staff's to-do list counts for the units they belong to (one query)."""
    # Every count is of cases still owed (已交办 / 整改中): only those are read, through the state index.
    qs = Case.objects.for_user(user).filter(responsible_unit_q(user.organisation_id), state__in=DEADLINE_STATES)
    return qs.aggregate(
        to_accept=Count("pk", filter=Q(state=CaseState.ASSIGNED)),
        rectifying=Count("pk", filter=Q(state=CaseState.RECTIFYING)),
        due_soon=Count("pk", filter=due_soon_q()),
        overdue=Count("pk", filter=overdue_q()),
    )


def unread_notification_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

