import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from cases.models import Notification
from projects.models import LockException, MonthlyReport, PeriodLock, ReportingWindow, ReportReminder, ReportStatus
from registry.periods import PeriodLocked, add_months, current_month, month_in_window, month_start, reporting_window
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
    # A report still awaits its county's confirmation: only a forced lock with a reason closes the month.
    month_lock(user=province_clerk, month=MARCH, reason="一季度数据定稿", force=True)

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



def _previous_month_in_window():
    """The month just ended, with its reporting window open today whatever today is."""
    today = timezone.localdate()
    month = add_months(current_month(), -1)
    ReportingWindow.objects.create(
        month=month, opens_on=today - datetime.timedelta(days=1), closes_on=today + datetime.timedelta(days=1)
    )
    return month, today + datetime.timedelta(days=1)


@pytest.mark.django_db
def test_a_month_is_not_locked_mid_chain_unless_forced_with_a_reason(province_clerk, yiwu_staff):
    month, closes = _previous_month_in_window()
    submitted = SubmittedReportFactory(month=month, submitted_by=yiwu_staff)
    with pytest.raises(ValidationError, match=f"填报窗口开放至{closes.month}月{closes.day}日") as refused:
        month_lock(user=province_clerk, month=month)
    assert "尚有 1 份报告待县专班确认" in str(refused.value)
    with pytest.raises(ValidationError, match="强制锁定必须说明原因"):
        month_lock(user=province_clerk, month=month, force=True)
    lock = month_lock(user=province_clerk, month=month, force=True, reason="省里提前定稿")
    assert (lock.locked_by, lock.reason) == (province_clerk, "省里提前定稿")
    assert MonthlyReport.objects.get(pk=submitted.pk).status == ReportStatus.SUBMITTED


@pytest.mark.django_db
def test_a_closed_and_confirmed_month_locks_without_force(province_clerk):
    ConfirmedReportFactory(month=MARCH)
    assert month_lock(user=province_clerk, month=MARCH).reason == ""


@pytest.mark.django_db
def test_the_lock_page_and_api_force_with_a_reason(client, api_client, province_clerk, yiwu_staff):
    month, _ = _previous_month_in_window()
    SubmittedReportFactory(month=month, submitted_by=yiwu_staff)
    client.force_login(province_clerk)
    refused = client.post("/projects/locks/", {"month": f"{month:%Y-%m}", "lock": ""}, follow=True)
    assert "暂不能锁定" in refused.content.decode() and not PeriodLock.objects.exists()
    api_client.force_authenticate(province_clerk)
    url = f"/api/v1/project-months/{month:%Y-%m}/lock/"
    assert api_client.post(url, {}, format="json").status_code == 400
    forced = api_client.post(url, {"force": True, "reason": "提前定稿"}, format="json")
    assert forced.status_code == 201 and forced.json()["locked"] is True
    assert PeriodLock.objects.get().reason == "提前定稿"


@pytest.mark.django_db
def test_no_reminders_for_a_month_the_province_locked(province_clerk):
    month, _ = _previous_month_in_window()
    ProjectFactory()  # owes the month's report
    month_lock(user=province_clerk, month=month, force=True, reason="提前定稿")
    assert reminders_send(today=timezone.localdate()) == 0
