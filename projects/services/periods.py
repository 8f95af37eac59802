"""Closing a month, opening it again for one county, and reminding counties that have not reported."""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from registry.models import Division, DivisionLevel, Organisation, OrganisationKind
from registry.models.notifications import NotificationKind
from registry.notifications.services import notify_units
from registry.periods import current_month, is_locked, month_in_window, month_start, reporting_window

from ..models import LockException, MonthlyReport, PeriodLock, Project, ReportReminder, ReportStatus
from ..selectors import missing_reports_by_county
from .common import _clerk_level


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
