"""An action's inputs checked against what the workflow says it requires."""
import datetime as dt

from django.core.exceptions import ValidationError

from registry.scoping import user_can_see_division

from ..models import Case
from ..workdays import MAX_DEADLINE_WORKDAYS, add_working_days
from ..workflow import COMMENT, DEADLINE, EVIDENCE, LEAD_UNIT
from .common import local_today


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
            errors["deadline"] = "办理期限格式应为 YYYY-MM-DD。"
            deadline = None
    if DEADLINE in action.requires and deadline is None and "deadline_workdays" not in errors:
        errors.setdefault("deadline", "请填写办理期限（日期或工作日数）。")
    if deadline is not None and deadline < local_today():
        errors["deadline"] = "办理期限不能早于今天。"
    if action.name == "extend" and deadline is not None and case.deadline and deadline <= case.deadline:
        errors["deadline"] = f"延期后的办理期限须晚于现有办理期限 {case.deadline:%Y-%m-%d}。"
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
