"""Every change to a case: one transaction each, the case row locked, its event and notifications
written with it. The rules of who may do what live in `cases.workflow`."""
import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404

from registry import uploads as evidence_types
from registry.api.errors import Conflict
from registry.generations import bump_now_and_on_commit
from registry.models import Division, DivisionLevel, Organisation, OrganisationKind
# The inbox is the ground's; imported here for this module's actions and for the callers that take it from here.
from registry.notifications.services import inbox_generation, notification_mark_read, notify_units, notify_users  # noqa: F401
from registry.scoping import OUT_OF_REACH, user_can_see_division, visible_or_404

from . import clock
from .concerns import check_concern
from .ledger import chain_event
from .numbering import allocate_number
from .models import (
    Attachment,
    Case,
    CaseCategory,
    CaseEvent,
    CaseLevel,
    CaseState,
    JointConfirmation,
    NotificationKind,
)
from .workdays import (
    MAX_DEADLINE_WORKDAYS, add_working_days, loaded_years, nth_working_day_back, unconfirmed_years,
    working_days_between,
)
from .workflow import COMMENT, DEADLINE, EVIDENCE, LEAD_UNIT, case_context, check_action, check_edit

LEVEL_BY_DIVISION_LEVEL = {
    DivisionLevel.COUNTY: CaseLevel.COUNTY,
    DivisionLevel.CITY: CaseLevel.CITY,
    DivisionLevel.PROVINCE: CaseLevel.PROVINCE,
}
TASK_FORCE_BY_LEVEL = {
    CaseLevel.COUNTY: OrganisationKind.COUNTY_TASK_FORCE,
    CaseLevel.CITY: OrganisationKind.CITY_TASK_FORCE,
    CaseLevel.PROVINCE: OrganisationKind.PROVINCE_TASK_FORCE,
}
# Cards and auto-escalation apply while the responsible units still owe the work.
DEADLINE_STATES = (CaseState.ASSIGNED, CaseState.RECTIFYING)
DUE_SOON_WORKDAYS = 3
logger = logging.getLogger(__name__)


class StaleVersion(Conflict):
    default_detail = "该事项已被他人修改，请刷新页面后重试。"
    default_code = "stale_version"


def local_today() -> dt.date:
    return clock.today()


# --- events -----------------------------------------------------------------------------------

def _record_event(case: Case, *, action: str, from_state: str, by, comment="", payload=None, **changes) -> CaseEvent:
    last = case.events.order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, "")
    event = chain_event(
        case_id=case.pk,
        seq=seq,
        action=action,
        from_state=from_state,
        to_state=case.state,
        actor_id=by.pk if by else None,
        actor_unit_id=by.organisation_id if by else None,
        created_at=clock.now(),
        comment=comment,
        payload=payload or {},
        prev_hash=prev_hash,
        case_version=case.version,
        **changes,
    )
    event.save(force_insert=True)
    return event


# --- creating a case ----------------------------------------------------------------------------

def check_may_log_cases(user) -> None:
    """Cases are logged by a task force, which then owns them: only its clerks may."""
    owner = user.organisation
    if not user.is_clerk or owner is None or not owner.is_task_force:
        raise ValidationError("只有工作专班工作人员可以登记交办事项。")


REPEAT_WINDOW = dt.timedelta(seconds=30)


def _refuse_repeat(by, title: str, county: Division):
    # The clerk's row lock queues two submits of the same form, so the second sees the first's case.
    get_user_model().objects.select_for_update().filter(pk=by.pk).exists()
    first = (
        Case.objects.filter(created_by=by, county=county, title=title, created_at__gte=clock.now() - REPEAT_WINDOW)
        .order_by("pk").values_list("pk", flat=True).first()
    )
    if first is not None:
        raise ValidationError(
            {"title": f"您刚刚已在该县（市、区）登记过同名事项（编号 {first}），请勿重复提交；如确需再登记，请稍候再试。"},
            code="duplicate",
        )


@transaction.atomic
def case_create(
    *,
    by,
    title: str,
    category: CaseCategory,
    county: Division,
    description: str = "",
    source: str = "inspection",
    priority: int = 1,
    township: Division | None = None,
    concerns=None,
    tags: str = "",
    external_ref: str | None = None,
    joint_parties=(),
    refuse_repeat: bool = False,
) -> Case:
    """Log a case (待交办) owned by the creating clerk's task force, at that task force's level.

    `refuse_repeat` (the case form and the API set it): the same clerk logging the same title in the
    same county again within REPEAT_WINDOW is a double submit (a double click, a retried request) and
    is refused, naming the first case. Imports and generated data log repeats on purpose.
    """
    check_may_log_cases(by)
    if refuse_repeat:
        _refuse_repeat(by, title, county)
    owner = by.organisation
    if county.level != DivisionLevel.COUNTY:
        raise ValidationError({"county": "请选择县（市、区）。"})
    if not user_can_see_division(by, county):
        raise ValidationError({"county": "该县（市、区）不在您的管辖范围内。"})
    if township is not None and (township.level != DivisionLevel.TOWNSHIP or township.parent_id != county.pk):
        raise ValidationError({"township": "乡镇（街道）须属于所选县（市、区）。"})
    check_concern(by, concerns)
    case = Case(
        title=title,
        description=description,
        category=category,
        source=source,
        priority=priority,
        county=county,
        township=township,
        concerns=concerns,
        tags=tags,
        external_ref=external_ref or None,
        assigning_unit=owner,
        owner=owner,
        level=LEVEL_BY_DIVISION_LEVEL[owner.division.level],
        created_by=by,
        created_at=clock.now(),
    )
    allocate_number(case)
    case.full_clean()
    case.save()
    parties = list(dict.fromkeys(joint_parties))
    JointConfirmation.objects.bulk_create([JointConfirmation(case=case, party=p) for p in parties])
    payload = {"joint_parties": [p.pk for p in parties]} if parties else {}
    _record_event(case, action="create", from_state="", by=by, comment=description[:500], payload=payload)
    return case


def _json_value(value):
    return value.pk if hasattr(value, "pk") else value


EDITABLE_FIELDS = ("title", "description", "category", "source", "priority", "township", "tags")


@transaction.atomic
def case_update(*, case: Case, by, version: int, comment: str = "", **fields) -> Case:
    """Change the case's descriptive fields at `version`; the event keeps every old and new value."""
    locked = _lock_for(by, case.pk)
    if locked.version != version:
        raise StaleVersion(f"该事项已被他人修改（您提交的版本 {version}，当前版本 {locked.version}），请刷新页面后重试。")
    check_edit(locked, by)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "该字段不能在此修改。" for name in sorted(unknown)})
    township = fields.get("township", locked.township)
    if township is not None and (township.level != DivisionLevel.TOWNSHIP or township.parent_id != locked.county_id):
        raise ValidationError({"township": "乡镇（街道）须属于事项所在县（市、区）。"})
    changes = {}
    for name, value in fields.items():
        old = getattr(locked, name)
        if old != value:
            changes[name] = [_json_value(old), _json_value(value)]
            setattr(locked, name, value)
    if not changes:
        return locked
    locked.version += 1
    locked.full_clean()
    locked.save()
    _record_event(locked, action="edit", from_state=locked.state, by=by, comment=comment, payload={"changes": changes})
    return locked


# --- evidence -----------------------------------------------------------------------------------

@transaction.atomic
def attachment_upload(*, case: Case, by, file) -> Attachment:
    """Store an evidence file under a random name, after checking what it really is and its size."""
    if not by.can_write:
        raise ValidationError("您没有上传佐证材料的权限。")
    content_type, sha256 = evidence_types.check_upload(file)
    attachment = Attachment(
        case=case,
        original_name=(file.name or "附件")[:255],
        content_type=content_type,
        size=file.size,
        sha256=sha256,
        uploaded_by=by,
    )
    attachment.file.save("upload", file, save=False)
    attachment.full_clean()
    attachment.save()
    return attachment


# --- actions ------------------------------------------------------------------------------------

def _clean_inputs(action, case: Case, by, inputs: dict) -> dict:
    """Validate what the action needs; unknown inputs are ignored, missing ones named in Chinese."""
    errors = {}
    clean = {"comment": (inputs.get("comment") or "").strip()}
    if COMMENT in action.requires and not clean["comment"]:
        errors["comment"] = f"请填写{action.comment_label}。"

    deadline, workdays = inputs.get("deadline"), inputs.get("deadline_workdays")
    if deadline is None and workdays not in (None, ""):
        try:
            workdays = int(workdays)
        except (TypeError, ValueError):
            workdays = -1
        if workdays < 1:
            errors["deadline_workdays"] = "工作日数须为正整数。"
        elif workdays > MAX_DEADLINE_WORKDAYS:
            errors["deadline_workdays"] = f"工作日数不能超过 {MAX_DEADLINE_WORKDAYS} 个。"
        else:
            deadline = add_working_days(local_today(), workdays)
    if isinstance(deadline, str):
        try:
            deadline = dt.date.fromisoformat(deadline)
        except ValueError:
            errors["deadline"] = "期限格式应为 YYYY-MM-DD。"
            deadline = None
    if DEADLINE in action.requires and deadline is None and "deadline_workdays" not in errors:
        errors.setdefault("deadline", "请填写办理期限（日期或工作日数）。")
    if deadline is not None and deadline < local_today():
        errors["deadline"] = "期限不能早于今天。"
    if action.name == "extend" and deadline is not None and case.deadline and deadline <= case.deadline:
        errors["deadline"] = f"延期后的期限须晚于现有期限 {case.deadline:%Y-%m-%d}。"
    clean["deadline"] = deadline

    if LEAD_UNIT in action.requires:
        lead = inputs.get("lead_unit")
        if lead is None:
            errors["lead_unit"] = "请选择牵头责任单位。"
        elif not lead.is_active:
            errors["lead_unit"] = "该单位已停用。"
        co_units = [u for u in (inputs.get("co_units") or []) if u != lead]
        outside = [u.name for u in [lead, *co_units] if u is not None and not user_can_see_division(by, u.division)]
        if outside:
            errors["co_units" if lead is not None and lead.name not in outside else "lead_unit"] = (
                f"责任单位须在您的管辖范围内：{'、'.join(outside)}。"
            )
        clean["lead_unit"], clean["co_units"] = lead, co_units

    attachment_ids = list(inputs.get("attachments") or [])
    attachments = list(case.attachments.filter(pk__in=attachment_ids, event__isnull=True))
    if len(attachments) != len(set(attachment_ids)):
        errors["attachments"] = "佐证材料不存在、不属于本事项或已被使用。"
    elif EVIDENCE in action.requires and not attachments:
        errors["attachments"] = "请至少上传一份佐证材料。"
    clean["attachments"] = attachments

    if errors:
        raise ValidationError(errors)
    return clean


def _responsible_units(case: Case) -> list:
    return [case.lead_unit_id, *case.co_units.values_list("pk", flat=True)]


def _do_assign(case, by, clean, ctx):
    case.lead_unit = clean["lead_unit"]
    old, case.deadline = case.deadline, clean["deadline"]
    case.assigned_at = clock.now()
    payload = {"lead_unit": case.lead_unit.pk, "co_units": [u.pk for u in clean["co_units"]]}

    def after_save():
        case.co_units.set(clean["co_units"])
        notify_units(
            units=[case.lead_unit, *clean["co_units"]],
            kind=NotificationKind.ASSIGNED,
            case=case,
            message=f"新交办事项：{case.title}，办理期限 {case.deadline:%Y-%m-%d}。",
        )

    return {"old_deadline": old, "new_deadline": case.deadline, "payload": payload}, after_save


def _do_accept(case, by, clean, ctx):
    return {}, None


def _do_progress(case, by, clean, ctx):
    return {}, None


def _do_feedback(case, by, clean, ctx):
    def after_save():
        notify_units(units=[case.owner], kind=NotificationKind.FEEDBACK, case=case, message=f"事项已反馈，待审核：{case.title}。")

    return {}, after_save


def _do_confirm(case, by, clean, ctx):
    party = case.joint_parties.select_for_update().get(party_id=by.organisation_id)
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
    case.joint_parties.update(confirmed_by=None, confirmed_at=None)


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


def _lock(case_id) -> Case:
    # The responsible and joint units come along: the rules (case_context) and the to-do bookkeeping
    # (_owed) read them, and a handler that changes them clears the prefetched set itself.
    return (Case.objects.select_for_update(of=("self",)).select_related("owner__division", "county__parent__parent")
            .prefetch_related("co_units", "joint_parties__party").get(pk=case_id))


def _lock_for(by, case_id) -> Case:
    """The case locked for a change by `by`, judged on the locked row: a case they may not see is
    the same 404 as a missing one (reading it a second time to judge it cost a query per write)."""
    try:
        locked = _lock(case_id)
    except Case.DoesNotExist:
        raise Http404(OUT_OF_REACH) from None
    return visible_or_404(by, locked)


def unit_todo_generation(unit_id) -> str:
    return f"unit-todo:{unit_id}"


def _owed(case: Case) -> tuple:
    """What a unit's to-do counts read of a case: its state, deadline and responsible units."""
    return case.state, case.deadline, case.lead_unit_id, frozenset(unit.pk for unit in case.co_units.all())


@transaction.atomic
def perform_action(*, case: Case, action: str, by, version: int, **inputs) -> Case:
    """Take `action` on `case` as `by`, if the case is still at `version`; answers the updated case.

    Inputs: comment, deadline (date) or deadline_workdays (int), lead_unit, co_units, attachments (ids).
    """
    locked = _lock_for(by, case.pk)
    if locked.version != version:
        raise StaleVersion(f"该事项已被他人修改（您提交的版本 {version}，当前版本 {locked.version}），请刷新页面后重试。")
    ctx = case_context(locked)
    spec = check_action(locked, by, action, ctx)
    clean = _clean_inputs(spec, locked, by, inputs)
    from_state = locked.state
    owed_before = _owed(locked)
    relations_before = {f.name: getattr(locked, f.attname) for f in Case._meta.concrete_fields if f.is_relation}
    changes, after_save = HANDLERS[action](locked, by, clean, ctx)
    if spec.to_state is not None:
        locked.state = spec.to_state
    locked.version += 1
    # A reference the row already held is vouched for by the database's foreign key; checking each
    # again cost a query apiece on every action.
    locked.full_clean(exclude=[name for name, value in relations_before.items()
                               if getattr(locked, Case._meta.get_field(name).attname) == value])
    locked.save()
    owed_after = _owed(locked)
    if owed_after != owed_before:
        # The to-do counts of every unit the case was or is owed by (selectors.todo_counts).
        units = {owed_before[2], owed_after[2], *owed_before[3], *owed_after[3]} - {None}
        bump_now_and_on_commit(*(unit_todo_generation(unit) for unit in units))
    payload = changes.pop("payload", {})
    if clean["attachments"]:
        payload["attachments"] = [{"id": a.pk, "sha256": a.sha256} for a in clean["attachments"]]
    event = _record_event(locked, action=action, from_state=from_state, by=by, comment=clean["comment"], payload=payload, **changes)
    if clean["attachments"]:
        Attachment.objects.filter(pk__in=[a.pk for a in clean["attachments"]]).update(event=event)
    if after_save:
        after_save()
    return locked


# --- the daily deadline job -------------------------------------------------------------------------

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
        message=f"{text}：{case.title}，期限 {case.deadline:%Y-%m-%d}。",
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
