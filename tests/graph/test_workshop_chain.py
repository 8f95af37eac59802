"""Workshop monthly figures on the projects' chain: the same month lock and exceptions, county
confirmation, corrections with reasons, the missing-report list, reminders, job-weighted gain."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from registry.deliverables import reporting, services
from registry.history import history_for
from registry.models import LockException, PeriodLock, Workshop, WorkshopReport, WorkshopReportReminder
from tests.registry.factories import DONGYANG, YIWU, WorkshopFactory, division, villages

pytestmark = pytest.mark.django_db
MONTH = dt.date(2026, 10, 1)


def figures(workshop, employed=10, gain="1000", period=MONTH):
    return {"workshop": workshop, "period": period, "employed": employed, "low_income_employed": 1,
            "avg_monthly_income_gain": Decimal(gain), "village_collective_income": Decimal("1")}


def test_a_locked_month_refuses_a_workshop_report_until_the_county_gets_an_exception(yiwu_staff, province_clerk):
    workshop = WorkshopFactory()
    PeriodLock.objects.create(month=MONTH, locked_by=province_clerk)
    with pytest.raises(ValidationError) as refused:
        services.workshop_report_submit(actor=yiwu_staff, data=figures(workshop))
    assert "已由省专班锁定" in str(refused.value)
    assert not WorkshopReport.objects.exists()
    LockException.objects.create(county=division(YIWU), month=MONTH, reason="补报", granted_by=province_clerk)
    report = services.workshop_report_submit(actor=yiwu_staff, data=figures(workshop))
    assert report.status == "submitted"
    assert "锁定例外" in history_for(report).first().reason


def test_county_confirms_and_a_correction_needs_a_reason_and_reopens_confirmation(yiwu_staff, yiwu_clerk, dongyang_staff):
    report = services.workshop_report_submit(actor=yiwu_staff, data=figures(WorkshopFactory()))
    with pytest.raises(Exception):
        reporting.workshop_reports_confirm(actor=yiwu_staff, reports=[report])  # staff cannot confirm
    [report] = services.workshop_reports_confirm(actor=yiwu_clerk, reports=[report])
    assert report.status == "confirmed" and report.confirmed_by == yiwu_clerk
    with pytest.raises(ValidationError):
        services.workshop_report_correct(actor=yiwu_staff, report=report, data={"employed": 12}, reason=" ")
    report = services.workshop_report_correct(actor=yiwu_staff, report=report, data={"employed": 12}, reason="漏报2人")
    assert (report.employed, report.status, report.confirmed_by) == (12, "submitted", None)
    assert any(h.reason == "漏报2人" and h.old_value == "10" for h in history_for(report))


def test_missing_list_and_reminders_once_a_day(yiwu_staff, divisions):
    reported, missing = WorkshopFactory(), WorkshopFactory(village=villages(YIWU, 1, offset=3)[0])
    WorkshopFactory(village=villages(DONGYANG, 1)[0], status="suspended")  # suspended: owes nothing
    services.workshop_report_submit(actor=yiwu_staff, data=figures(reported))
    assert list(reporting.workshops_missing_report(Workshop.objects.all(), month=MONTH)) == [missing]
    today = dt.date(2026, 11, 3)  # inside October's window (1st–5th of November)
    assert reporting.workshop_reminders_send(today=today) == 1
    assert reporting.workshop_reminders_send(today=today) == 0
    assert WorkshopReportReminder.objects.get().missing_count == 1
    assert reporting.workshop_reminders_send(today=dt.date(2026, 11, 20)) == 0  # outside any window


def test_per_person_gain_is_weighted_by_jobs_not_a_mean_of_means(yiwu_staff):
    services.workshop_report_submit(actor=yiwu_staff, data=figures(WorkshopFactory(), employed=300, gain="3000"))
    services.workshop_report_submit(actor=yiwu_staff, data=figures(WorkshopFactory(village=villages(YIWU, 1, offset=5)[0]), employed=10, gain="100"))
    # (300 × 3000 + 10 × 100) / 310, where the mean of means would say 1550.
    assert reporting.weighted_gain(WorkshopReport.objects.all()) == Decimal("2906.45")
    from registry.deliverables.selectors import workshop_summary

    assert workshop_summary(yiwu_staff)["gain"] == Decimal("2906.45")


def test_annual_collective_income_per_village(yiwu_staff):
    workshop = WorkshopFactory()
    for month in (dt.date(2026, 1, 1), dt.date(2026, 2, 1)):
        services.workshop_report_submit(actor=yiwu_staff, data=figures(workshop, period=month))
    [row] = reporting.collective_income_by_village(WorkshopReport.objects.all(), year=2026)
    assert row["workshop__village_id"] == workshop.village_id and row["income"] == Decimal("2")


def test_month_page_lists_missing_and_lets_a_clerk_confirm(client, yiwu_staff, yiwu_clerk):
    reported, missing = WorkshopFactory(), WorkshopFactory(village=villages(YIWU, 1, offset=3)[0])
    report = services.workshop_report_submit(actor=yiwu_staff, data=figures(reported))
    client.force_login(yiwu_clerk)
    page = client.get("/workshop-reports/month/?month=2026-10")
    assert page.status_code == 200
    assert [w.pk for w in page.context["missing"]] == [missing.pk]
    assert [r.pk for r in page.context["waiting"]] == [report.pk]
    client.post("/workshop-reports/month/", {"month": "2026-10", "report": [report.pk]})
    report.refresh_from_db()
    assert report.status == "confirmed" and report.confirmed_by == yiwu_clerk
    client.force_login(yiwu_staff)
    assert client.get("/workshop-reports/month/?month=bad").status_code == 200  # a bad month falls back, no 500
