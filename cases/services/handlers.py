"""What each action does to the case besides its state, and whom it tells: one handler per action,
answering the event's changes and a function to run once the case row is saved."""
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects

from registry.models import Organisation
from registry.notifications.services import notify_units

from .. import clock
from ..models import Case, CaseLevel, NotificationKind
from .common import TASK_FORCE_BY_LEVEL, _responsible_units, local_today


def _do_assign(case, by, clean, ctx):
    case.lead_unit = clean["lead_unit"]
    old, case.deadline = case.deadline, clean["deadline"]
    case.assigned_at = clock.now()
    payload = {"lead_unit": case.lead_unit.pk, "co_units": [u.pk for u in clean["co_units"]]}

    def after_save():
        _set_co_units(case, clean["co_units"])
        notify_units(
            units=[case.lead_unit, *clean["co_units"]],
            kind=NotificationKind.ASSIGNED,
            case=case,
            message=f"新交办事项：{case.title}，办理期限 {case.deadline:%Y-%m-%d}。",
        )

    return {"old_deadline": old, "new_deadline": case.deadline, "payload": payload}, after_save


def _set_co_units(case, units):
    """The co-units the lock read, replaced by `units` in at most two statements (the related manager's
    set() read them again and checked each new one first: three or four)."""
    old = {unit.pk for unit in case.co_units.all()}
    new = {unit.pk for unit in units}
    through = Case.co_units.through
    if old - new:
        through.objects.filter(case_id=case.pk, organisation_id__in=old - new).delete()
    through.objects.bulk_create([through(case_id=case.pk, organisation_id=pk) for pk in new - old])
    getattr(case, "_prefetched_objects_cache", {}).pop("co_units", None)
    prefetch_related_objects([case], "co_units")  # as they now are, for the to-do counts and the answer


def _do_accept(case, by, clean, ctx):
    return {}, None


def _do_progress(case, by, clean, ctx):
    return {}, None


def _do_feedback(case, by, clean, ctx):
    def after_save():
        notify_units(units=[case.owner], kind=NotificationKind.FEEDBACK, case=case, message=f"事项已反馈，待审核：{case.title}。")

    return {}, after_save


def _do_confirm(case, by, clean, ctx):
    # The joint parties' rows change only under the case's lock, which this action holds.
    party = next(jc for jc in case.joint_parties.all() if jc.party_id == by.organisation_id)
    party.confirmed_by, party.confirmed_at = by, clock.now()
    party.save(update_fields=["confirmed_by", "confirmed_at"])
    remaining = len(ctx["pending_party_ids"]) - 1

    def after_save():
        if remaining == 0:
            notify_units(units=[case.owner], kind=NotificationKind.FEEDBACK, case=case, message=f"联合销号各方已全部确认，可销号：{case.title}。")

    return {"payload": {"party": by.organisation_id, "remaining": remaining}}, after_save


def _do_close(case, by, clean, ctx):
    case.closed_at = clock.now()
    case.yellow_card = case.red_card = False
    case.extension_deadline, case.extension_reason = None, ""

    def after_save():
        notify_units(units=_responsible_units(case), kind=NotificationKind.CLOSED, case=case, message=f"事项已销号：{case.title}。")

    return {}, after_save


def _reset_joint_confirmations(case):
    # The parties the lock read are the rows as they are (they change only under that lock): no
    # statement when none has confirmed, the common case.
    parties = case.joint_parties.all()
    if any(jc.confirmed_at is not None or jc.confirmed_by_id is not None for jc in parties):
        case.joint_parties.update(confirmed_by=None, confirmed_at=None)
        for jc in parties:  # as the answer shows them
            jc.confirmed_by, jc.confirmed_at = None, None


def _do_reject(case, by, clean, ctx):
    _reset_joint_confirmations(case)

    def after_save():
        notify_units(
            units=_responsible_units(case),
            kind=NotificationKind.REJECTED,
            case=case,
            message=f"反馈被退回：{case.title}。原因：{clean['comment']}",
        )

    return {}, after_save


def _do_urge(case, by, clean, ctx):
    def after_save():
        units = _responsible_units(case) if case.lead_unit_id else [case.owner]
        notify_units(units=units, kind=NotificationKind.URGED, case=case, message=f"督办：{case.title}。{clean['comment']}", exclude_user=by)

    return {}, after_save


def _escalate(case, today) -> dict:
    """Raise the level one step and hand the case to the task force of that level."""
    new_level = CaseLevel(case.level + 1)
    target = case.county.parent if new_level == CaseLevel.CITY else case.county.parent.parent
    owner = Organisation.objects.filter(division=target, kind=TASK_FORCE_BY_LEVEL[new_level], is_active=True).order_by("pk").first()
    if owner is None:
        raise ValidationError(f"未找到{target.name}的工作专班，无法提级。")
    old_level, old_owner = case.level, case.owner
    case.level, case.owner, case.escalated_on = new_level, owner, today
    return {
        "old_level": old_level,
        "new_level": new_level,
        "payload": {"old_owner": old_owner.pk, "new_owner": owner.pk},
    }


def _notify_escalated(case, reason: str):
    notify_units(
        units=[case.owner, *(_responsible_units(case) if case.lead_unit_id else [])],
        kind=NotificationKind.ESCALATED,
        case=case,
        message=f"事项已提级至{case.get_level_display()}（{case.owner.name}）：{case.title}。{reason}",
    )


def _do_escalate(case, by, clean, ctx):
    changes = _escalate(case, local_today())
    return changes, lambda: _notify_escalated(case, clean["comment"])


def _do_extend(case, by, clean, ctx):
    case.extension_deadline, case.extension_reason = clean["deadline"], clean["comment"][:500]

    def after_save():
        notify_units(
            units=[case.owner],
            kind=NotificationKind.EXTENSION,
            case=case,
            message=f"延期申请待审批：{case.title}，申请延期至 {case.extension_deadline:%Y-%m-%d}。",
        )

    return {"old_deadline": case.deadline, "new_deadline": clean["deadline"]}, after_save


def _decide_extension(case, approved: bool, comment: str):
    old, requested = case.deadline, case.extension_deadline
    if approved:
        case.deadline = requested
        case.yellow_card = case.red_card = False
    case.extension_deadline, case.extension_reason = None, ""

    def after_save():
        verdict = f"同意延期至 {requested:%Y-%m-%d}" if approved else f"不同意延期。{comment}"
        notify_units(units=_responsible_units(case), kind=NotificationKind.EXTENSION, case=case, message=f"{case.title}：{verdict}")

    return {"old_deadline": old, "new_deadline": case.deadline, "payload": {"requested": requested.isoformat()}}, after_save


def _do_approve_extension(case, by, clean, ctx):
    return _decide_extension(case, True, clean["comment"])


def _do_deny_extension(case, by, clean, ctx):
    return _decide_extension(case, False, clean["comment"])


def _do_cancel(case, by, clean, ctx):
    case.extension_deadline, case.extension_reason = None, ""

    def after_save():
        if case.lead_unit_id:
            notify_units(units=_responsible_units(case), kind=NotificationKind.OTHER, case=case, message=f"事项已撤销：{case.title}。原因：{clean['comment']}")

    return {}, after_save


def _do_reopen(case, by, clean, ctx):
    case.closed_at = None
    _reset_joint_confirmations(case)
    changes = {}
    if clean["deadline"] is not None:
        changes = {"old_deadline": case.deadline, "new_deadline": clean["deadline"]}
        case.deadline = clean["deadline"]

    def after_save():
        notify_units(units=_responsible_units(case), kind=NotificationKind.REJECTED, case=case, message=f"回头看发现问题反弹，事项重新整改：{case.title}。{clean['comment']}")

    return changes, after_save


HANDLERS = {
    "assign": _do_assign,
    "accept": _do_accept,
    "progress": _do_progress,
    "feedback": _do_feedback,
    "confirm": _do_confirm,
    "close": _do_close,
    "reject": _do_reject,
    "urge": _do_urge,
    "escalate": _do_escalate,
    "extend": _do_extend,
    "approve_extension": _do_approve_extension,
    "deny_extension": _do_deny_extension,
    "cancel": _do_cancel,
    "reopen": _do_reopen,
}
