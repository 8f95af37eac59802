"""The workshops' monthly figures on the projects' reporting chain: the same reporting window, month
locks and lock exceptions (registry.periods — one mechanism for every monthly report), county
confirmation, the list of workshops that owe a month, reminders, and corrections with reasons (the
change history keeps the old figures, the reason and the lock exception that allowed the write).

Definitions for a month M:
- a workshop owes M when it is operating and opened on or before the end of M (or has no opening date);
- a report counts in every figure once submitted (已报送); the county's confirmation (县已确认) marks it
  checked; a correction after confirmation sends it back to 已报送 for the county to confirm again;
- per-person income gain over several workshops is Σ(jobs × gain) / Σ jobs (job-weighted), never the
  mean of the workshops' means.
"""
import calendar
import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, DecimalField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.utils import timezone

from registry.history import record_changes, snapshot
from registry.models import (
    DivisionLevel,
    Workshop,
    WorkshopReport,
    WorkshopReportReminder,
    WorkshopReportStatus,
    WorkshopStatus,
)
from registry.notifications.services import notify_county_offices
from registry.periods import PeriodLocked, is_locked, month_in_window, reporting_window, write_permits
from registry.scoping import user_can_see_division

COUNTED_WORKSHOP_STATUSES = (WorkshopReportStatus.SUBMITTED, WorkshopReportStatus.CONFIRMED)


def _month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def workshops_owing(queryset, *, month: dt.date):
    return queryset.filter(status=WorkshopStatus.OPERATING).filter(
        Q(opened_on__isnull=True) | Q(opened_on__lte=_month_end(month))
    )


def counted_report(month: dt.date, workshop_ref="pk"):
    return Exists(WorkshopReport.objects.filter(
        workshop=OuterRef(workshop_ref), period=month, status__in=COUNTED_WORKSHOP_STATUSES
    ))


def workshops_missing_report(queryset, *, month: dt.date):
    """The workshops of `queryset` that owe `month` and have not reported it (应报未报)."""
    return workshops_owing(queryset, month=month).exclude(counted_report(month))


def missing_by_county(queryset, *, month: dt.date):
    return (
        workshops_missing_report(queryset, month=month).order_by()
        .values("county_id", "county__code", "county__name").annotate(missing=Count("pk")).order_by("county__code")
    )


def weighted_gain(reports) -> Decimal | None:
    """Σ(jobs × gain) / Σ jobs over `reports`, in one aggregate."""
    totals = reports.aggregate(
        jobs=Sum("employed"),
        weighted=Sum(ExpressionWrapper(F("employed") * F("avg_monthly_income_gain"), output_field=DecimalField(max_digits=20, decimal_places=2))),
    )
    if not totals["jobs"]:
        return None
    return (Decimal(str(totals["weighted"])) / totals["jobs"]).quantize(Decimal("0.01"))


def collective_income_by_village(queryset, *, year: int):
    """Annual village collective income from the workshops (万元), per village, counted reports only."""
    return (
        queryset.filter(period__year=year, status__in=COUNTED_WORKSHOP_STATUSES).order_by()
        .values("workshop__village_id", "workshop__village__name", "workshop__village__full_name")
        .annotate(income=Sum("village_collective_income"), workshops=Count("workshop", distinct=True))
        .order_by("workshop__village__full_name")
    )


def check_lock(county_id: int, month: dt.date):
    """The lock exception that lets this write into a locked month, None when the month is open; a locked
    month without one is refused with the projects' own message (as a form error, never a 500)."""
    try:
        return write_permits({(county_id, month)})[(county_id, month)]
    except PeriodLocked as locked:
        raise ValidationError({"period": str(locked)}) from locked


def _lock_note(exception) -> str:
    return f"（依据{exception.month:%Y年%m月}锁定例外：{exception.reason}）" if exception else ""


def report_submit(save, *, actor, data: dict) -> WorkshopReport:
    period = data.get("period")
    workshop = data.get("workshop")
    exception = None
    if period is not None and workshop is not None:
        exception = check_lock(workshop.county_id, period.replace(day=1))
    report = WorkshopReport(submitted_by=actor, status=WorkshopReportStatus.SUBMITTED)
    return save(report, actor=actor, values=data, county_staff_allowed=True, reason=_lock_note(exception).strip("（）"))


def report_correct(save, *, actor, report: WorkshopReport, data: dict, reason: str) -> WorkshopReport:
    if not (reason or "").strip():
        raise ValidationError({"reason": "更正已填报的数据须说明原因。"})
    exception = check_lock(report.workshop.county_id, report.period)
    data = {k: v for k, v in data.items() if k not in ("workshop", "period", "status", "confirmed_by", "confirmed_at")}
    if report.status == WorkshopReportStatus.CONFIRMED:
        data.update(status=WorkshopReportStatus.SUBMITTED, confirmed_by=None, confirmed_at=None)
    return save(report, actor=actor, values=data, reason=reason.strip() + _lock_note(exception), county_staff_allowed=True)


@transaction.atomic
def workshop_reports_confirm(*, actor, reports) -> list[WorkshopReport]:
    """A county (or higher) task-force clerk confirms submitted reports of their jurisdiction."""
    if not (actor.is_superuser or actor.is_clerk):
        raise PermissionDenied("只有专班工作人员可以确认工坊月度数据。")
    confirmed = []
    for report in WorkshopReport.objects.select_for_update().filter(pk__in=[r.pk for r in reports]).select_related("workshop__county"):
        if not user_can_see_division(actor, report.workshop.county):
            raise ValidationError("所选数据不在您的管辖范围内。")
        if report.status != WorkshopReportStatus.SUBMITTED:
            raise ValidationError(f"“{report}”不是待确认状态。")
        exception = check_lock(report.workshop.county_id, report.period)
        before = snapshot(report)
        report.status, report.confirmed_by, report.confirmed_at = WorkshopReportStatus.CONFIRMED, actor, timezone.now()
        report.save(update_fields=["status", "confirmed_by", "confirmed_at", "updated_at"])
        record_changes(report, actor=actor, before=before, after=snapshot(report), reason=("县专班确认" + _lock_note(exception)))
        confirmed.append(report)
    return confirmed


@transaction.atomic
def workshop_reminders_send(*, today: dt.date) -> int:
    """In a reporting window: remind each county whose workshops owe the month (once per county and day)
    and deliver it to the county government's and task force's inboxes. A locked month takes no reports."""
    month = month_in_window(today)
    if month is None or is_locked(month):
        return 0
    rows = list(missing_by_county(Workshop.objects.all(), month=month))
    already = set(WorkshopReportReminder.objects.filter(month=month, sent_on=today).values_list("county_id", flat=True))
    new = [
        WorkshopReportReminder(county_id=r["county_id"], month=month, sent_on=today, missing_count=r["missing"])
        for r in rows if r["county_id"] not in already
    ]
    WorkshopReportReminder.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        _, closes = reporting_window(month)
        notify_county_offices(
            county_ids=[r.county_id for r in new], kind="reminder",
            message=f"{month.year}年{month.month}月共富工坊月度数据尚有工坊未报送，请于{closes.month}月{closes.day}日前完成填报。",
        )
    return len(new)


def is_county_clerk_or_above(user) -> bool:
    return user.is_superuser or (user.is_clerk and user.division is not None and user.division.level <= DivisionLevel.COUNTY)
