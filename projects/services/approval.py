"""A report's way up the chain (submit, confirm, approve, return) and a clerk's correction."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from registry.models import DivisionLevel
from registry.periods import write_permits

from ..cache import figures_changed
from ..models import MonthlyReport, ReportRevision, ReportStatus, RevisionAction
from .common import REPORT_FIELDS, _require_clerk, _require_county_staff
from .entries import ReportEntriesInvalid, ReportEntry, _Errors, _field_changes, _revision, _validate_entry


# Each approval step: the states it starts from, the state it leads to, the stamp it sets.
_STEPS = {
    RevisionAction.SUBMIT: ((ReportStatus.DRAFT,), ReportStatus.SUBMITTED, "submitted"),
    RevisionAction.CONFIRM: ((ReportStatus.SUBMITTED,), ReportStatus.CONFIRMED, "confirmed"),
    RevisionAction.APPROVE: ((ReportStatus.CONFIRMED,), ReportStatus.APPROVED, "approved"),
    RevisionAction.RETURN: ((ReportStatus.SUBMITTED, ReportStatus.CONFIRMED, ReportStatus.APPROVED), ReportStatus.DRAFT, None),
}
_STAMPS = ("submitted", "confirmed", "approved")


def _step(*, user, reports, action: str, reason: str = "", check) -> list[MonthlyReport]:
    allowed_from, to_status, stamp = _STEPS[action]
    ids = [r.pk for r in reports]
    locked = list(
        MonthlyReport.objects.select_related("project__county").select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    )
    if not locked:
        raise ValidationError("没有可操作的报告。")
    for report in locked:
        check(report)
    permits = write_permits({(r.project.county_id, r.month) for r in locked})
    now = timezone.now()
    revisions = []
    for report in locked:
        if report.status not in allowed_from:
            raise ValidationError(
                f"项目 {report.project.code} {report.month:%Y年%m月}的报告当前为“{report.get_status_display()}”，不能{RevisionAction(action).label}。"
            )
        permit = permits[(report.project.county_id, report.month)]
        revisions.append(_revision(report, action, "status", report.status, to_status, user=user, reason=reason, permit=permit))
        report.status = to_status
        if stamp:
            setattr(report, f"{stamp}_by", user)
            setattr(report, f"{stamp}_at", now)
        else:
            for name in _STAMPS:
                setattr(report, f"{name}_by", None)
                setattr(report, f"{name}_at", None)
        report.updated_at = now
    MonthlyReport.objects.bulk_update(
        locked, ["status", "updated_at", *(f"{s}_{suffix}" for s in _STAMPS for suffix in ("by", "at"))]
    )
    ReportRevision.objects.bulk_create(revisions)
    figures_changed()
    return locked


@transaction.atomic
def report_submit(*, user, reports) -> list[MonthlyReport]:
    """County staff submit drafts; from then on only the submitter edits them until the county confirms."""
    return _step(user=user, reports=reports, action=RevisionAction.SUBMIT, check=lambda r: _require_county_staff(user, r.project.county))


@transaction.atomic
def report_confirm(*, user, reports) -> list[MonthlyReport]:
    return _step(
        user=user, reports=reports, action=RevisionAction.CONFIRM,
        check=lambda r: _require_clerk(user, r.project.county, levels=(DivisionLevel.COUNTY,), action="确认月度报告"),
    )


@transaction.atomic
def report_approve(*, user, reports) -> list[MonthlyReport]:
    return _step(
        user=user, reports=reports, action=RevisionAction.APPROVE,
        check=lambda r: _require_clerk(user, r.project.county, levels=(DivisionLevel.CITY,), action="审核月度报告"),
    )


@transaction.atomic
def report_return(*, user, reports, reason: str) -> list[MonthlyReport]:
    """Sends reports back to draft: a county clerk returns what is not yet approved, a city clerk anything."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "退回必须说明原因。"})

    def check(report):
        levels = (1, 2) if report.status == ReportStatus.APPROVED else (1, 2, 3)
        _require_clerk(user, report.project.county, levels=levels, action="退回该报告")

    return _step(user=user, reports=reports, action=RevisionAction.RETURN, reason=reason.strip(), check=check)


@transaction.atomic
def report_correct(*, user, report: MonthlyReport, reason: str, **changes) -> MonthlyReport:
    """A clerk corrects a confirmed (or approved) report; each changed figure keeps its old value."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "更正已确认的报告必须说明原因。"})
    unknown = set(changes) - set(REPORT_FIELDS)
    if unknown:
        raise ValidationError(f"不能更正的字段：{'、'.join(sorted(unknown))}")
    report = MonthlyReport.objects.select_related("project__county").select_for_update(of=("self",)).get(pk=report.pk)
    if report.status not in (ReportStatus.CONFIRMED, ReportStatus.APPROVED):
        raise ValidationError("只有县专班已确认的报告需要更正；未确认的报告由提交人直接修改。")
    levels = (1, 2) if report.status == ReportStatus.APPROVED else (1, 2, 3)
    _require_clerk(user, report.project.county, levels=levels, action="更正该报告")
    permit = write_permits({(report.project.county_id, report.month)})[(report.project.county_id, report.month)]
    entry = ReportEntry(project=report.project, **{n: changes.get(n, getattr(report, n)) for n in REPORT_FIELDS})
    prior = (
        MonthlyReport.objects.filter(project_id=report.project_id).exclude(pk=report.pk).aggregate(total=Sum("completed"))["total"]
        or Decimal("0")
    )
    errors = _Errors()
    _validate_entry(entry, prior, errors)
    if errors.by_project:
        raise ReportEntriesInvalid(errors.by_project, {report.project_id: report.project.code})
    diff = _field_changes(report, entry)
    if not diff:
        raise ValidationError("没有需要更正的内容。")
    for name, (_, new) in diff.items():
        setattr(report, name, new)
    report.full_clean(exclude=["project"], validate_unique=False, validate_constraints=False)
    report.save(update_fields=[*diff, "updated_at"])
    ReportRevision.objects.bulk_create(
        [_revision(report, RevisionAction.CORRECT, n, old, new, user=user, reason=reason.strip(), permit=permit) for n, (old, new) in diff.items()]
    )
    return report
