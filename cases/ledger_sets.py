"""The sets of cases behind the board's figures, read from the cases' event chain, each defined once.

Shared by the monthly roll-up (rollups.figures counts them per group) and the case list's filters
(cases.filters lists them), so that a figure and the list it opens cannot disagree.

Times are in the project's time zone. "At the end of a day" is the first moment of the next day: a
case's state then is the `to_state` of its last event before that moment, its deadline then the
`new_deadline` of the last event before it that set one (DEADLINE_ACTIONS)."""
import datetime as dt
import zoneinfo

from django.conf import settings
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate

from registry.periods import add_months

from .models import Case, CaseEvent, CaseState, JointConfirmation

OPEN_AT_END = (CaseState.ASSIGNED, CaseState.RECTIFYING, CaseState.FEEDBACK)
OWED_STATES = (CaseState.ASSIGNED, CaseState.RECTIFYING)
# The events after which `Case.deadline` holds their new_deadline; "extend" only asks for one.
DEADLINE_ACTIONS = ("assign", "approve_extension", "deny_extension", "reopen")
ESCALATE_ACTIONS = ("escalate", "auto_escalate")


def _tz():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the month as aware datetimes in the project's time zone."""
    start = dt.datetime.combine(month, dt.time.min, tzinfo=_tz())
    end = dt.datetime.combine(add_months(month, 1), dt.time.min, tzinfo=_tz())
    return start, end


def end_of_day(day: dt.date) -> dt.datetime:
    """The first moment after `day`: what "at the end of the day" reads the event chain up to."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=_tz())


def _events(case_ref: str = "pk", **filters):
    return CaseEvent.objects.filter(case=OuterRef(case_ref), **filters).order_by()


def _count_of(queryset):
    return Coalesce(
        Subquery(queryset.values("case").annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
    )


# --- in a period: the case's own assignment, or an event of the period --------------------------------

def dispatched_q(start: dt.datetime, end: dt.datetime) -> Q:
    """First assigned (交办) in [start, end)."""
    return Q(assigned_at__gte=start, assigned_at__lt=end)


def urged_q(start: dt.datetime, end: dt.datetime) -> Q:
    """Urged (督办) in [start, end)."""
    return Q(Exists(_events(action="urge", created_at__gte=start, created_at__lt=end)))


def escalated_q(start: dt.datetime, end: dt.datetime) -> Q:
    """Escalated (提级), by hand or automatically, in [start, end)."""
    return Q(Exists(_events(action__in=ESCALATE_ACTIONS, created_at__gte=start, created_at__lt=end)))


# --- at a moment: the state, deadline and joint confirmations read from the chain ----------------------

def at_moment(moment: dt.datetime) -> dict:
    """Annotations of a case's situation at `moment`, named as the predicates below read them:
    `_state_end`, `_deadline_end`, `_parties` and `_confirms` (confirmations since the last feedback)."""
    before = {"created_at__lt": moment}
    return {
        "_state_end": Subquery(_events(**before).order_by("-seq").values("to_state")[:1]),
        "_deadline_end": Subquery(
            _events(action__in=DEADLINE_ACTIONS, **before).order_by("-seq").values("new_deadline")[:1]
        ),
        "_feedback_seq": Subquery(_events(action="feedback", **before).order_by("-seq").values("seq")[:1]),
        "_parties": _count_of(JointConfirmation.objects.filter(case=OuterRef("pk")).order_by()),
    }


def confirms_at(moment: dt.datetime) -> dict:
    """Confirmations after the last feedback before `moment` (reads `_feedback_seq` of at_moment)."""
    return {"_confirms": _count_of(_events(action="confirm", seq__gt=OuterRef("_feedback_seq"), created_at__lt=moment))}


def open_q() -> Q:
    """Open (已交办 / 整改中 / 已反馈) at the moment of the at_moment annotations."""
    return Q(_state_end__in=OPEN_AT_END)


def overdue_q(moment: dt.datetime) -> Q:
    """Still owed by the responsible units at `moment`, with the deadline then in force before that
    moment's day (for the end of a month: before the first day of the next one)."""
    return Q(_state_end__in=OWED_STATES, _deadline_end__lt=moment.astimezone(_tz()).date())


def awaiting_joint_q() -> Q:
    """Fed back, with joint parties who have not all confirmed since."""
    return Q(_state_end=CaseState.FEEDBACK, _parties__gt=0, _confirms__lt=F("_parties"))


def cases_at(moment: dt.datetime, condition: Q):
    """The ids of the cases (existing before `moment`) for which `condition` (open_q, overdue_q,
    awaiting_joint_q) held at `moment`."""
    return (
        Case.objects.filter(created_at__lt=moment).annotate(**at_moment(moment)).annotate(**confirms_at(moment))
        .filter(condition).order_by().values("pk")
    )


# --- closings -----------------------------------------------------------------------------------------

def closings(start: dt.datetime, end: dt.datetime):
    """The close events in [start, end) that still stood at `end` — neither followed by a later close
    (counted then) nor undone by a reopening (回头看) — each with the deadline in force at that close
    (`_deadline`) and its day (`_closed_on`): a case closed twice counts once."""
    later = CaseEvent.objects.filter(
        case=OuterRef("case"), action__in=("close", "reopen"), seq__gt=OuterRef("seq"), created_at__lt=end
    )
    deadline = (
        CaseEvent.objects.filter(case=OuterRef("case"), action__in=DEADLINE_ACTIONS, seq__lt=OuterRef("seq"))
        .order_by("-seq").values("new_deadline")[:1]
    )
    return (
        CaseEvent.objects.filter(action="close", created_at__gte=start, created_at__lt=end)
        .exclude(Exists(later))
        .annotate(_deadline=Subquery(deadline), _closed_on=TruncDate("created_at", tzinfo=_tz()))
    )


ON_TIME = Q(_closed_on__lte=F("_deadline"))


def closed_q(start: dt.datetime, end: dt.datetime, *, on_time: bool = False) -> Q:
    """Closed in [start, end) and still closed at its end (closed on time, if asked)."""
    events = closings(start, end)
    if on_time:
        events = events.filter(ON_TIME)
    return Q(pk__in=events.order_by().values("case_id"))

