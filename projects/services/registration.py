"""Registering and editing projects: the code, the year plan, the records served, the change history."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from registry.history import record_changes, snapshot
from registry.models import Division, DivisionLevel

from ..cache import figures_changed
from ..models import Project, ProjectCodeSequence, ProjectRecordLink, ProjectYearPlan
from ..records import check_records
from .common import PROJECT_FIELDS, _require_clerk


def _next_code(county: Division, year: int) -> str:
    """County code + year + 4-digit sequence. The UPDATE takes the row lock, so concurrent creations in
    one county and year queue up instead of reading the same number."""
    for _ in range(2):
        if ProjectCodeSequence.objects.filter(county=county, year=year).update(last=F("last") + 1):
            break
        try:
            with transaction.atomic():
                ProjectCodeSequence.objects.create(county=county, year=year, last=1)
            break
        except IntegrityError:
            continue  # another transaction created the row first: increment it instead
    last = ProjectCodeSequence.objects.get(county=county, year=year).last
    return f"{county.code}{year}{last:04d}"


def _set_year_plan(project: Project, year: int, planned: Decimal | None):
    if planned is None:
        return
    if planned < 0:
        raise ValidationError({"annual_plan": "年度计划投资不能为负数。"})
    ProjectYearPlan.objects.update_or_create(project=project, year=year, defaults={"planned_investment": planned})


def _set_records(project: Project, records, user):
    """Makes the project serve exactly `records`, (content_type_id, object_id) pairs. A new link must
    name a servable record the writer may see (projects.records); links already there are kept when
    asked for, even if this writer cannot see them (a province clerk linked them)."""
    if records is None:
        return
    wanted = {tuple(r) for r in records}
    links = {(link.content_type_id, link.object_id): link.pk for link in project.record_links.all()}
    check_records(user, wanted - set(links))
    ProjectRecordLink.objects.filter(pk__in=[pk for key, pk in links.items() if key not in wanted]).delete()
    ProjectRecordLink.objects.bulk_create(
        [ProjectRecordLink(project=project, content_type_id=ct, object_id=oid) for ct, oid in wanted - set(links)]
    )
    figures_changed()


def _year_plans_text(project: Project) -> str:
    plans = project.year_plans.order_by("year").values_list("year", "planned_investment")
    return "、".join(f"{year}年 {amount}" for year, amount in plans)


def _records_text(project: Project) -> str:
    links = project.record_links.values_list("content_type__model", "object_id")
    return "、".join(sorted(f"{model}:{object_id}" for model, object_id in links))


def _snapshot(project: Project) -> dict:
    """The project's fields, year plans and served records, as the change history compares them."""
    return snapshot(project, extra={
        "year_plans": ("年度计划投资（万元）", _year_plans_text),
        "records": ("服务的台账记录", _records_text),
    })


def _validate_township(county: Division, township: Division | None):
    if township is not None and (township.level != DivisionLevel.TOWNSHIP or not county.contains(township)):
        raise ValidationError({"township": "所选乡镇（街道）不在该县（市、区）内。"})


@transaction.atomic
def project_create(
    *, user, county: Division, annual_plan: Decimal | None = None, plan_year: int | None = None, records=None, **fields
) -> Project:
    """Registers a project; the system assigns its code. `records` are (content_type_id, object_id) pairs."""
    if county.level != DivisionLevel.COUNTY:
        raise ValidationError({"county": "请选择县（市、区）。"})
    _require_clerk(user, county, levels=(1, 2, 3), action="登记项目")
    _validate_township(county, fields.get("township"))
    year = timezone.localdate().year
    project = Project(county=county, created_by=user, code="-", **fields)
    project.full_clean(exclude=["code"])
    project.code = _next_code(county, year)
    project.save()
    _set_year_plan(project, plan_year or year, annual_plan)
    _set_records(project, records, user)
    record_changes(project, actor=user, before={}, after=_snapshot(project))
    return project


@transaction.atomic
def project_update(
    *, project: Project, user, annual_plan: Decimal | None = None, plan_year: int | None = None, records=None,
    reason: str = "", **fields,
) -> Project:
    _require_clerk(user, project.county, levels=(1, 2, 3), action="修改项目")
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationError(f"不能修改的字段：{'、'.join(sorted(unknown))}")
    before = _snapshot(project)
    for name, value in fields.items():
        setattr(project, name, value)
    _validate_township(project.county, project.township)
    project.full_clean()
    project.save()
    _set_year_plan(project, plan_year or timezone.localdate().year, annual_plan)
    _set_records(project, records, user)
    record_changes(project, actor=user, before=before, after=_snapshot(project), reason=reason)
    return project
