"""Every write on projects and their monthly reports, with all the rules. One function per use case."""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from cases.models import Case, CaseCategory, CaseSource
from cases.services import case_create
from registry.history import record_changes, snapshot
from registry.models import Division, DivisionLevel, Organisation, OrganisationKind, Role
from registry.models.notifications import NotificationKind
from registry.notifications.services import notify_units
from registry.scoping import user_can_see_division
from registry.uploads import check_upload

from .models import (
    LockException,
    MonthlyReport,
    PeriodLock,
    Project,
    ProjectCodeSequence,
    ProjectRecordLink,
    ProjectStage,
    ProjectYearPlan,
    ReportAttachment,
    ReportReminder,
    ReportRevision,
    ReportStatus,
    RevisionAction,
)
from .cache import figures_changed
from registry.periods import current_month, is_locked, month_in_window, month_start, reporting_window, write_permits

from .records import check_records
from .selectors import missing_reports_by_county

# Fields of a report county staff type; everything else is derived or stamped.
REPORT_FIELDS = ("completed", "progress", "problems", "note")
PROJECT_FIELDS = (
    "name", "category", "township", "owner_unit", "contact_name", "contact_phone", "total_investment",
    "planned_start", "planned_completion", "kind", "stage", "actual_start",
)


# --- who may do what ------------------------------------------------------------------------------

def _clerk_level(user) -> int | None:
    """The division level a clerk works at (1 province … 3 county); superusers act as the province."""
    if user.is_superuser:
        return DivisionLevel.PROVINCE
    if not user.is_clerk or user.division is None:
        return None
    return user.division.level


def _require_clerk(user, county: Division, *, levels: tuple[int, ...], action: str):
    level = _clerk_level(user)
    if level not in levels or not user_can_see_division(user, county):
        raise PermissionDenied(f"只有{'、'.join(_LEVEL_NAMES[lv] for lv in levels)}专班工作人员可以{action}。")


_LEVEL_NAMES = {DivisionLevel.PROVINCE: "省级", DivisionLevel.CITY: "市级", DivisionLevel.COUNTY: "县级"}


def _require_county_staff(user, county: Division):
    if not (user.is_superuser or (user.role == Role.COUNTY_STAFF and not user.is_partner and user_can_see_division(user, county))):
        raise PermissionDenied("只有本县（市、区）的县乡工作人员可以填报月度进度。")


# --- projects -------------------------------------------------------------------------------------

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


# --- monthly reports ------------------------------------------------------------------------------

@dataclass
class ReportEntry:
    """One project's figures for the month as typed by county staff."""

    project: Project
    completed: Decimal
    progress: str = ""
    problems: str = ""
    note: str = ""
    actual_start: datetime.date | None = None


class ReportEntriesInvalid(ValidationError):
    """Per-project, per-field errors of a monthly form; nothing was saved."""

    def __init__(self, by_project: dict[int, dict[str, list[str]]], codes: dict[int, str]):
        self.by_project = by_project
        if len(by_project) == 1:
            flat = next(iter(by_project.values()))
        else:
            flat = {f"{codes[pid]}.{name}": msgs for pid, errors in by_project.items() for name, msgs in errors.items()}
        super().__init__(flat)


@dataclass
class _Errors:
    by_project: dict = field(default_factory=dict)

    def add(self, project_id, name, message):
        self.by_project.setdefault(project_id, {}).setdefault(name, []).append(message)


def _revision(report, action, name, old, new, *, user, reason="", permit=None) -> ReportRevision:
    return ReportRevision(
        report=report, action=action, field=name, old_value="" if old is None else str(old),
        new_value="" if new is None else str(new), reason=reason, changed_by=user, lock_exception=permit,
    )


def _field_changes(report: MonthlyReport, entry) -> dict[str, tuple]:
    return {
        name: (getattr(report, name), getattr(entry, name))
        for name in REPORT_FIELDS
        if getattr(report, name) != getattr(entry, name)
    }


def _validate_entry(entry: ReportEntry, prior_total: Decimal, errors: _Errors):
    pid = entry.project.pk
    if entry.completed is None:
        errors.add(pid, "completed", "请填写本月完成投资。")
        return
    if entry.completed < 0:
        errors.add(pid, "completed", "本月完成投资不能为负数。")
    cumulative = prior_total + entry.completed
    if cumulative > entry.project.total_investment and not entry.note.strip():
        errors.add(
            pid, "note",
            f"累计完成投资 {cumulative} 万元将超过项目总投资 {entry.project.total_investment} 万元，请填写说明。",
        )
    if entry.actual_start is not None and entry.actual_start > timezone.localdate():
        errors.add(pid, "actual_start", "实际开工日期不能晚于今天。")


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
        report.full_clean(exclude=["project"], validate_unique=False, validate_constraints=False)
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


# --- periods --------------------------------------------------------------------------------------

@transaction.atomic
def month_lock(*, user, month: datetime.date, reason: str = "", force: bool = False) -> PeriodLock:
    """The province closes a month for every county: from now on its reports refuse writes. While the
    month's reporting window is open or reports still wait for their county's confirmation, locking
    would cut counties off mid-chain: only a forced lock with a reason does that (who and why are kept)."""
    month = month_start(month)
    reason = (reason or "").strip()
    if _clerk_level(user) != DivisionLevel.PROVINCE:
        raise PermissionDenied("只有省专班工作人员可以锁定月份。")
    if month >= current_month():
        raise ValidationError({"month": "只能锁定已经结束的月份。"})
    if PeriodLock.objects.filter(month=month).exists():
        raise ValidationError({"month": f"{month.year}年{month.month}月已经锁定。"})
    unfinished = _lock_blockers(month)
    if unfinished and not force:
        raise ValidationError({"month": f"{month.year}年{month.month}月{'；'.join(unfinished)}，暂不能锁定；确需锁定请选择强制锁定并说明原因。"})
    if unfinished and not reason:
        raise ValidationError({"reason": "强制锁定必须说明原因。"})
    lock = PeriodLock(month=month, locked_by=user, reason=reason)
    lock.full_clean()
    lock.save()
    return lock


def _lock_blockers(month: datetime.date) -> list[str]:
    """Why `month` is not ready to lock: its reporting window still open, reports awaiting confirmation."""
    blockers = []
    _, closes = reporting_window(month)
    if timezone.localdate() <= closes:
        blockers.append(f"填报窗口开放至{closes.month}月{closes.day}日")
    waiting = MonthlyReport.objects.filter(month=month, status=ReportStatus.SUBMITTED).count()
    if waiting:
        blockers.append(f"尚有 {waiting} 份报告待县专班确认")
    return blockers


@transaction.atomic
def lock_exception_grant(*, user, county: Division, month: datetime.date, reason: str) -> LockException:
    """Re-opens one locked month for one county; the grant stays on record."""
    month = month_start(month)
    if _clerk_level(user) != DivisionLevel.PROVINCE:
        raise PermissionDenied("只有省专班工作人员可以开通锁定例外。")
    if county.level != DivisionLevel.COUNTY:
        raise ValidationError({"county": "请选择县（市、区）。"})
    if not (reason or "").strip():
        raise ValidationError({"reason": "开通例外必须说明原因。"})
    if not PeriodLock.objects.filter(month=month).exists():
        raise ValidationError({"month": f"{month.year}年{month.month}月尚未锁定，无需开通例外。"})
    if LockException.objects.filter(county=county, month=month).exists():
        raise ValidationError({"county": f"{county.name}{month.year}年{month.month}月已有例外。"})
    exception = LockException(county=county, month=month, reason=reason.strip(), granted_by=user)
    exception.full_clean()
    exception.save()
    return exception



@transaction.atomic
def reminders_send(*, today: datetime.date) -> int:
    """If `today` lies in a reporting window: remind each county whose projects have not submitted the
    month (ReportReminder keeps one row per county and day, so a second run the same day sends nothing)
    and deliver it to the inboxes of the county government and task force."""
    month = month_in_window(today)
    if month is None or is_locked(month):  # a (force-)locked month takes no more reports: nothing to remind
        return 0
    rows = list(missing_reports_by_county(Project.objects.all(), month=month))
    already = set(ReportReminder.objects.filter(month=month, sent_on=today).values_list("county_id", flat=True))
    new = [
        ReportReminder(county_id=row["county_id"], month=month, sent_on=today, missing_count=row["missing"])
        for row in rows
        if row["county_id"] not in already
    ]
    ReportReminder.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        _, closes = reporting_window(month)
        units = Organisation.objects.filter(
            division_id__in=[r.county_id for r in new],
            kind__in=[OrganisationKind.COUNTY_GOVERNMENT, OrganisationKind.COUNTY_TASK_FORCE],
        ).values_list("pk", flat=True)
        notify_units(
            units=list(units), kind=NotificationKind.DEADLINE, case=None,
            message=f"{month.year}年{month.month}月重大项目月度进度尚有项目未提交，请于{closes.month}月{closes.day}日前完成填报。",
        )
    return len(new)


@transaction.atomic
def report_problem_to_case(*, user, report: MonthlyReport):
    """Turns the problems a monthly report names into a case (交办事项) concerning that report, once."""
    report = MonthlyReport.objects.select_related("project__county", "project__township").get(pk=report.pk)
    if not report.problems.strip():
        raise ValidationError("该报告没有填写存在问题。")
    content_type = ContentType.objects.get_for_model(MonthlyReport)
    existing = Case.objects.filter(content_type=content_type, object_id=report.pk).first()
    if existing is not None:
        raise ValidationError(f"该问题已转为交办事项（编号 {existing.pk}）。")
    project = report.project
    return case_create(
        by=user, title=f"{project.name}：{report.problems.strip()}"[:200],
        category=CaseCategory.objects.get(name="项目问题"), county=project.county, township=project.township,
        description=f"项目 {project.code} {report.month.year}年{report.month.month}月进度报告反映：{report.problems.strip()}",
        source=CaseSource.COUNTY_REPORT, concerns=report,
    )


@transaction.atomic
def report_attachment_add(*, user, report: MonthlyReport, file) -> ReportAttachment:
    """Attaches a photo or document to a report its author may still edit; judged by its bytes."""
    report = MonthlyReport.objects.select_related("project__county").select_for_update(of=("self",)).get(pk=report.pk)
    _require_county_staff(user, report.project.county)
    if report.status in (ReportStatus.CONFIRMED, ReportStatus.APPROVED):
        raise ValidationError("该月报告已经县专班确认，不能再添加附件。")
    if report.status == ReportStatus.SUBMITTED and report.submitted_by_id != user.pk:
        raise ValidationError("该月报告已提交，在县专班确认前只有提交人可以添加附件。")
    write_permits({(report.project.county_id, report.month)})
    content_type, sha256 = check_upload(file)
    attachment = ReportAttachment(
        report=report, original_name=(file.name or "附件")[:255], content_type=content_type, size=file.size,
        sha256=sha256, uploaded_by=user,
    )
    attachment.file.save("upload", file, save=False)
    attachment.full_clean()
    attachment.save()
    return attachment
