"""Logging a case (待交办) and editing its descriptive fields."""
import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from registry.models import Division, DivisionLevel
from registry.scoping import user_can_see_division

from .. import clock
from ..concerns import check_concern
from ..models import Case, CaseCategory, JointConfirmation
from ..numbering import allocate_number
from ..workflow import check_edit
from .common import LEVEL_BY_DIVISION_LEVEL, _lock_for, _record_event, check_version


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
    check_version(locked, version)
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
