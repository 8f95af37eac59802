"""领导批示: a manager's instruction on a case, or on the list behind a board figure, and what managers
are told of on their own (red cards, escalations into their level).

A 批示 is an event ("instruct") on the case's ledger, chained like every other, with the manager as its
actor and the text as its comment; it changes neither the case's state nor its version (a clerk's form
open on the case stays valid). The owning task force and the responsible units are notified. A 批示
on a list is one such event on each case of the list (at most INSTRUCTION_LIST_MAX), each carrying the
list's address and size, so every case's ledger shows the instruction and where it was given from.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from registry.models.notifications import NotificationKind
from registry.notifications.services import notify_managers, notify_units
from registry.scoping import OUT_OF_REACH, visible_or_404

from .models import Case, CaseEvent
from .services.common import _record_event  # the ledger's one writer of events (chained, keyed)

INSTRUCT = "instruct"
INSTRUCTION_MAX_CHARS = 2000
INSTRUCTION_LIST_MAX = 200


def check_may_instruct(user) -> None:
    if not (user.is_manager or user.is_superuser):
        raise ValidationError("只有领导可以作出批示。")


def _clean_text(text) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写批示内容。"})
    if len(text) > INSTRUCTION_MAX_CHARS:
        raise ValidationError({"text": f"批示内容不超过{INSTRUCTION_MAX_CHARS}字（现为{len(text)}字）。"})
    return text


def _clean_link(link: str) -> str:
    # Only a path on this site: it is shown as a link on the case page and in the inbox.
    link = (link or "").strip()
    return link if link.startswith("/") and not link.startswith("//") else ""


def _record(case_id: int, by, text: str, payload: dict) -> CaseEvent:
    try:
        case = Case.objects.select_for_update(of=("self",)).select_related("owner__division", "county").get(pk=case_id)
    except Case.DoesNotExist:
        raise Http404(OUT_OF_REACH) from None
    case = visible_or_404(by, case)
    event = _record_event(case, action=INSTRUCT, from_state=case.state, by=by, comment=text, payload=payload)
    units = [case.owner_id, case.lead_unit_id, *case.co_units.values_list("pk", flat=True)]
    notify_units(units=units, kind=NotificationKind.INSTRUCTION, case=case, exclude_user=by,
                 message=f"领导批示（{by}）：{case.title}。{text}")
    return event


@transaction.atomic
def instruction_create(*, case, by, text: str) -> CaseEvent:
    """A manager's 批示 on one case."""
    check_may_instruct(by)
    return _record(case.pk, by, _clean_text(text), {})


@transaction.atomic
def instruction_for_list(*, cases, by, text: str, list_link: str = "") -> int:
    """A manager's 批示 on a list of cases (a board figure's list): on each case of it, referencing the
    list. `cases` is the filtered queryset the list shows (within the manager's jurisdiction)."""
    check_may_instruct(by)
    text = _clean_text(text)
    ids = list(cases.order_by("pk").values_list("pk", flat=True)[: INSTRUCTION_LIST_MAX + 1])
    if not ids:
        raise ValidationError("清单中没有事项，无法批示。")
    if len(ids) > INSTRUCTION_LIST_MAX:
        raise ValidationError(f"清单超过{INSTRUCTION_LIST_MAX}件事项，请缩小范围后再批示。")
    payload = {"list": _clean_link(list_link), "list_size": len(ids)}
    for pk in ids:
        _record(pk, by, text, payload)
    return len(ids)


# --- what managers are told of on their own ---------------------------------------------------------

def _alert_managers(event_id: int):
    event = CaseEvent.objects.select_related("case__owner__division").filter(pk=event_id).first()
    if event is None:
        return
    case = event.case
    if event.action == "red_card":
        kind, text = NotificationKind.DEADLINE, f"红牌（已逾期）：{case.title}，办理期限 {case.deadline:%Y-%m-%d}。"
    else:
        kind, text = NotificationKind.ESCALATED, f"事项提级至{case.get_level_display()}（{case.owner.name}）：{case.title}。"
    # The owner after an escalation is the task force of the level it was raised into.
    notify_managers(division=case.owner.division, kind=kind, message=text, case=case)


def case_event_saved(sender, instance, created, **kwargs):
    """Red cards and escalations reach the managers of the task force that owns the case (after an
    escalation: the level it was raised into), once the event is committed."""
    if created and instance.action in ("red_card", "escalate", "auto_escalate"):
        transaction.on_commit(lambda: _alert_managers(instance.pk))
