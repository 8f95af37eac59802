import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from cases.models import Notification
from projects.models import LockException, MonthlyReport, ReportingWindow, ReportReminder, ReportStatus
from registry.periods import PeriodLocked, add_months, month_in_window, month_start, reporting_window
from projects.services import (
    ReportEntry,
    lock_exception_grant,
    month_lock,
    reminders_send,
    report_confirm,
    report_correct,
    report_save_draft,
    report_submit,
)
from projects.tasks import remind_missing_reports
from registry.models import Division
from tests.factories import make_user

from .factories import ConfirmedReportFactory, DraftReportFactory, ProjectFactory, SubmittedReportFactory

MARCH = datetime.date(2026, 3, 1)


def entry(project, completed="10"):
    return [ReportEntry(project=project, completed=Decimal(completed))]


@pytest.mark.django_db
def test_a_locked_month_refuses_every_write(province_clerk, yiwu_staff, yiwu_clerk):
    draft = DraftReportFactory(month=MARCH, completed=Decimal("10"))
    submitted = SubmittedReportFactory(month=MARCH, submitted_by=yiwu_staff)
    confirmed = ConfirmedReportFactory(month=MARCH)
    month_lock(user=province_clerk, month=MARCH, reason="一季度数据定稿")

    with pytest.raises(PeriodLocked, match="已由省专班锁定"):
        report_save_draft(user=yiwu_staff, month=MARCH, entries=entry(draft.project, "99"))
    with pytest.raises(PeriodLocked):
        report_save_draft(user=yiwu_staff, month=MARCH, entries=entry(ProjectFactory()))
    with pytest.raises(PeriodLocked):
        report_submit(user=yiwu_staff, reports=[draft])
    with pytest.raises(PeriodLocked):
        report_confirm(user=yiwu_clerk, reports=[submitted])
    with pytest.raises(PeriodLocked):
        report_correct(user=yiwu_clerk, report=confirmed, reason="更正", completed=Decimal("1"))

    assert MonthlyReport.objects.get(pk=draft.pk).completed == Decimal("10")
    assert MonthlyReport.objects.filter(month=MARCH).count() == 3
    assert MonthlyReport.objects.get(pk=submitted.pk).status == ReportStatus.SUBMITTED


@pytest.mark.django_db
def test_an_exception_reopens_one_county_and_the_write_records_it(province_clerk, yiwu_staff, dongyang_staff):
    yiwu_report = DraftReportFactory(month=MARCH)
    dongyang_project = ProjectFactory(county=Division.objects.get(code="330783"))
    month_lock(user=province_clerk, month=MARCH)
    exception = lock_exception_grant(
        user=province_clerk, county=Division.objects.get(code="330782"), month=MARCH, reason="佛堂镇项目漏报，补报"
    )

    report_submit(user=yiwu_staff, reports=[yiwu_report])
    with pytest.raises(PeriodLocked):
        report_save_draft(user=dongyang_staff, month=MARCH, entries=entry(dongyang_project))

    recorded = LockException.objects.get()
    assert (recorded.granted_by, recorded.reason) == (province_clerk, "佛堂镇项目漏报，补报")
    assert yiwu_report.revisions.get().lock_exception == exception


@pytest.mark.django_db
def test_only_the_province_locks_months_and_grants_exceptions(yiwu_clerk, jinhua_clerk, province_clerk):
    yiwu = Division.objects.get(code="330782")
    with pytest.raises(PermissionDenied):
        month_lock(user=jinhua_clerk, month=MARCH)
    with pytest.raises(ValidationError, match="尚未锁定"):
        lock_exception_grant(user=province_clerk, county=yiwu, month=MARCH, reason="补报")
    month_lock(user=province_clerk, month=MARCH)
    with pytest.raises(ValidationError, match="已经锁定"):
        month_lock(user=province_clerk, month=MARCH)
    with pytest.raises(PermissionDenied):
        lock_exception_grant(user=yiwu_clerk, county=yiwu, month=MARCH, reason="补报")
    with pytest.raises(ValidationError, match="必须说明原因"):
        lock_exception_grant(user=province_clerk, county=yiwu, month=MARCH, reason="")


@pytest.mark.django_db
def test_the_current_month_cannot_be_locked(province_clerk):
    with pytest.raises(ValidationError, match="只能锁定已经结束的月份"):
        month_lock(user=province_clerk, month=datetime.date.today())


@pytest.mark.django_db
def test_reporting_window_defaults_to_the_setting_and_can_be_overridden():
    with override_settings(PROJECT_REPORTING_WINDOW=(1, 5)):
        assert reporting_window(MARCH) == (datetime.date(2026, 4, 1), datetime.date(2026, 4, 5))
        assert month_in_window(datetime.date(2026, 4, 3)) == MARCH
        assert month_in_window(datetime.date(2026, 4, 6)) is None
        ReportingWindow.objects.create(month=MARCH, opens_on=datetime.date(2026, 4, 7), closes_on=datetime.date(2026, 4, 10))
        assert reporting_window(MARCH) == (datetime.date(2026, 4, 7), datetime.date(2026, 4, 10))
        assert month_in_window(datetime.date(2026, 4, 8)) == MARCH
        assert month_in_window(datetime.date(2026, 4, 3)) is None


@pytest.mark.django_db
@override_settings(PROJECT_REPORTING_WINDOW=(1, 5))
def test_reminders_go_to_counties_with_unsubmitted_projects_once_a_day(divisions):
    SubmittedReportFactory(month=MARCH)
    DraftReportFactory(month=MARCH)
    ProjectFactory(county=divisions.get(code="330783"))
    ProjectFactory(county=divisions.get(code="330783"), stage="completed")

    yiwu_staff = make_user("county_staff", "330782")
    assert reminders_send(today=datetime.date(2026, 4, 2)) == 2
    assert reminders_send(today=datetime.date(2026, 4, 2)) == 0
    assert "2026年3月重大项目月度进度尚有项目未提交" in Notification.objects.get(recipient=yiwu_staff).message
    assert reminders_send(today=datetime.date(2026, 4, 20)) == 0
    rows = set(ReportReminder.objects.values_list("county__code", "month", "missing_count"))
    assert rows == {("330782", MARCH, 1), ("330783", MARCH, 1)}


@pytest.mark.django_db
def test_the_daily_task_reminds_on_a_day_inside_the_window(divisions):
    today = timezone.localdate()
    month = add_months(month_start(today), -1)
    ReportingWindow.objects.create(month=month, opens_on=today, closes_on=today)
    ProjectFactory()

    assert remind_missing_reports.delay().get() == 1
    assert ReportReminder.objects.get().sent_on == today
