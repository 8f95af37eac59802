"""County staff saving a month's figures, for one project or many, all or nothing."""
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from registry.history import record_changes
from registry.periods import current_month, month_start, write_permits

from ..cache import figures_changed
from ..models import MonthlyReport, Project, ProjectStage, ReportRevision, ReportStatus, RevisionAction
from .common import REPORT_FIELDS, _require_county_staff
from .entries import ReportEntriesInvalid, ReportEntry, _Errors, _field_changes, _revision, _validate_entry
from .registration import _snapshot


VOUCHED = ("project", "saved_by", "submitted_by", "confirmed_by", "approved_by")


@transaction.atomic
def report_save_draft(*, user, month: datetime.date, entries: list[ReportEntry]) -> list[MonthlyReport]:
    """Saves county staff's figures for one month, for one or many projects, all or nothing.

    A draft is anyone's in the county to edit; a submitted report only its submitter's (every change
    recorded) until the county confirms it; a confirmed one changes only by a clerk's correction."""
    month = month_start(month)
    if month > current_month():
        raise ValidationError({"month": "不能填报尚未开始的月份。"})
    ids = [e.project.pk for e in entries]
    projects = Project.objects.select_related("county").select_for_update(of=("self",)).in_bulk(ids)
    for entry in entries:
        entry.project = projects[entry.project.pk]
        _require_county_staff(user, entry.project.county)
    permits = write_permits({(p.county_id, month) for p in projects.values()})
    existing = {r.project_id: r for r in MonthlyReport.objects.select_for_update().filter(project_id__in=ids, month=month)}
    prior = dict(
        MonthlyReport.objects.filter(project_id__in=ids).exclude(month=month)
        .values("project_id").annotate(total=Sum("completed")).values_list("project_id", "total")
    )
    errors = _Errors()
    new_reports, changed_reports, revisions, started, started_before = [], [], [], [], []
    for entry in entries:
        project, report = entry.project, existing.get(entry.project.pk)
        _validate_entry(entry, prior.get(project.pk) or Decimal("0"), errors)
        if report is not None and report.status in (ReportStatus.CONFIRMED, ReportStatus.APPROVED):
            errors.add(project.pk, "completed", "该月报告已经县专班确认，不能直接修改；如需更正请联系专班并说明原因。")
        elif report is not None and report.status == ReportStatus.SUBMITTED and report.submitted_by_id != user.pk:
            errors.add(project.pk, "completed", "该月报告已提交，在县专班确认前只有提交人可以修改。")
        if errors.by_project.get(project.pk):
            continue
        if report is None:
            new_reports.append(MonthlyReport(
                project=project, month=month, saved_by=user, **{n: getattr(entry, n) for n in REPORT_FIELDS}
            ))
        else:
            changes = _field_changes(report, entry)
            if report.status == ReportStatus.SUBMITTED:
                permit = permits[(project.county_id, month)]
                revisions += [_revision(report, RevisionAction.EDIT, n, old, new, user=user, permit=permit) for n, (old, new) in changes.items()]
            for name, (_, new) in changes.items():
                setattr(report, name, new)
            report.saved_by = user
            changed_reports.append(report)
        if entry.actual_start is not None and project.actual_start != entry.actual_start:
            started_before.append(_snapshot(project))
            project.actual_start = entry.actual_start
            if project.stage in (ProjectStage.PLANNING, ProjectStage.PREPARATION):
                project.stage = ProjectStage.CONSTRUCTION
            started.append(project)
    if errors.by_project:
        raise ReportEntriesInvalid(errors.by_project, {p.pk: p.code for p in projects.values()})
    for report in new_reports + changed_reports:
        # The project was read under its lock and the saver is the signed-in user; the other people a
        # report names are unchanged here: their foreign keys are vouched for (a query apiece).
        report.full_clean(exclude=list(VOUCHED), validate_unique=False, validate_constraints=False)
    MonthlyReport.objects.bulk_create(new_reports)
    now = timezone.now()
    for report in changed_reports:
        report.updated_at = now
    MonthlyReport.objects.bulk_update(changed_reports, [*REPORT_FIELDS, "saved_by", "updated_at"])
    ReportRevision.objects.bulk_create(revisions)
    Project.objects.bulk_update(started, ["actual_start", "stage"])
    figures_changed()
    for project, before in zip(started, started_before):
        record_changes(project, actor=user, before=before, after=_snapshot(project), reason=f"{month.year}年{month.month}月进度填报")
    return new_reports + changed_reports
