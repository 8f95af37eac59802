"""The daily deadline job: yellow and red cards, and escalation of cases overdue too long."""
import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from registry.notifications.services import notify_units

from ..models import Case, CaseLevel, NotificationKind
from ..workdays import add_working_days, loaded_years, nth_working_day_back, unconfirmed_years, working_days_between
from .common import DEADLINE_STATES, DUE_SOON_WORKDAYS, _lock, _record_event, _responsible_units, local_today
from .handlers import _escalate, _notify_escalated

logger = logging.getLogger(__name__)


def deadline_check(*, today: dt.date | None = None) -> dict:
    """Yellow cards for cases due within 3 working days, red cards for overdue ones, auto-escalation
    after CASE_AUTO_ESCALATE_AFTER_WORKDAYS overdue working days. Running it twice a day changes
    nothing the second time: every condition below is false once acted on."""
    today = today or local_today()
    soon = add_working_days(today, DUE_SOON_WORKDAYS)
    # Escalate when more than N working days have passed since the deadline (or the last escalation).
    escalate_before = nth_working_day_back(today, settings.CASE_AUTO_ESCALATE_AFTER_WORKDAYS)
    base = Case.objects.filter(state__in=DEADLINE_STATES, deadline__isnull=False)
    red = base.filter(red_card=False, deadline__lt=today)
    yellow = base.filter(yellow_card=False, red_card=False, deadline__gte=today, deadline__lte=soon)
    escalate = base.filter(level__lt=CaseLevel.PROVINCE, deadline__lt=escalate_before).filter(
        Q(escalated_on__isnull=True) | Q(escalated_on__lt=escalate_before)
    )
    _log_unconfirmed_calendar(today, base, escalate_before, soon)
    summary = {"yellow": 0, "red": 0, "escalated": 0}
    for case_id in yellow.values_list("pk", flat=True):
        summary["yellow"] += _card(case_id, "yellow_card", today, soon)
    for case_id in red.values_list("pk", flat=True):
        summary["red"] += _card(case_id, "red_card", today, soon)
    for case_id in escalate.values_list("pk", flat=True):
        try:
            summary["escalated"] += _auto_escalate(case_id, today, escalate_before)
        except ValidationError as exc:
            # One case without a higher task force must not stop the others.
            logger.warning("case %s not escalated: %s", case_id, exc.messages)
    return summary


def _log_unconfirmed_calendar(today, cases, first, last):
    """Say in the job's log where it counted past the official calendar (Monday to Friday only)."""
    loaded = loaded_years()
    counted = unconfirmed_years(first, last, loaded)
    if counted:
        logger.warning("deadline check %s: no official calendar loaded for %s; working days there were counted "
                       "Monday to Friday only (unconfirmed)", today, counted)
    by_year = dict(cases.exclude(deadline__year__in=loaded).order_by().values_list("deadline__year").annotate(n=Count("pk")))
    if by_year:
        logger.warning("deadline check %s: open cases with a deadline in a year without an official calendar "
                       "(deadline unconfirmed, Monday to Friday only): %s", today,
                       ", ".join(f"{year}: {n}" for year, n in sorted(by_year.items())))


@transaction.atomic
def _card(case_id, card: str, today, soon) -> int:
    case = _lock(case_id)
    if case.state not in DEADLINE_STATES or getattr(case, card) or case.deadline is None:
        return 0
    if card == "red_card" and not case.deadline < today:
        return 0
    if card == "yellow_card" and not (today <= case.deadline <= soon):
        return 0
    setattr(case, card, True)
    case.save(update_fields=[card, "updated_at"])
    _record_event(case, action=card, from_state=case.state, by=None, payload={"date": today.isoformat()})
    text = "即将到期（黄牌）" if card == "yellow_card" else "已逾期（红牌）"
    notify_units(
        units=_responsible_units(case),
        kind=NotificationKind.DEADLINE,
        case=case,
        message=f"{text}：{case.title}，办理期限 {case.deadline:%Y-%m-%d}。",
    )
    return 1


@transaction.atomic
def _auto_escalate(case_id, today, escalate_before) -> int:
    case = _lock(case_id)
    if (
        case.state not in DEADLINE_STATES
        or case.level >= CaseLevel.PROVINCE
        or case.deadline is None
        or case.deadline >= escalate_before
        or (case.escalated_on is not None and case.escalated_on >= escalate_before)
    ):
        return 0
    overdue = working_days_between(case.deadline, today)
    changes = _escalate(case, today)
    # The owner changed under anyone holding the page open: their next action must re-read it.
    case.version += 1
    case.save()
    reason = f"逾期 {overdue} 个工作日，系统自动提级。"
    _record_event(case, action="auto_escalate", from_state=case.state, by=None, comment=reason, **changes)
    _notify_escalated(case, reason)
    return 1
