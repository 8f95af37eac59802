import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from projects.models import MonthlyReport, ReportRevision, ReportStatus, RevisionAction
from projects.services import (
    ReportEntry,
    report_approve,
    report_confirm,
    report_correct,
    report_return,
    report_save_draft,
    report_submit,
)

from .factories import ApprovedReportFactory, ConfirmedReportFactory, ProjectFactory

MARCH = datetime.date(2026, 3, 1)


def save(user, project, completed, month=MARCH, **extra):
    return report_save_draft(user=user, month=month, entries=[ReportEntry(project=project, completed=Decimal(completed), **extra)])[0]


@pytest.mark.django_db
def test_submit_confirm_approve_records_each_step(yiwu_staff, yiwu_clerk, jinhua_clerk):
    project = ProjectFactory()
    report = save(yiwu_staff, project, "120.50", progress="主体结构施工")
    report_submit(user=yiwu_staff, reports=[report])
    report_confirm(user=yiwu_clerk, reports=[report])
    report_approve(user=jinhua_clerk, reports=[report])

    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert (report.submitted_by, report.confirmed_by, report.approved_by) == (yiwu_staff, yiwu_clerk, jinhua_clerk)
    steps = list(report.revisions.values_list("action", "old_value", "new_value", "changed_by"))
    assert steps == [
        (RevisionAction.SUBMIT, "draft", "submitted", yiwu_staff.pk),
        (RevisionAction.CONFIRM, "submitted", "confirmed", yiwu_clerk.pk),
        (RevisionAction.APPROVE, "confirmed", "approved", jinhua_clerk.pk),
    ]


@pytest.mark.django_db
def test_steps_are_refused_to_the_wrong_people_and_out_of_order(yiwu_staff, yiwu_clerk, dongyang_clerk, jinhua_clerk):
    project = ProjectFactory()
    report = save(yiwu_staff, project, "10")
    with pytest.raises(ValidationError, match="不能县确认"):
        report_confirm(user=yiwu_clerk, reports=[report])
    report_submit(user=yiwu_staff, reports=[report])
    with pytest.raises(PermissionDenied):
        report_confirm(user=yiwu_staff, reports=[report])
    with pytest.raises(PermissionDenied):
        report_confirm(user=dongyang_clerk, reports=[report])
    with pytest.raises(PermissionDenied):
        report_confirm(user=jinhua_clerk, reports=[report])
    with pytest.raises(ValidationError):
        report_approve(user=jinhua_clerk, reports=[report])
    assert MonthlyReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


@pytest.mark.django_db
def test_only_the_submitter_edits_a_submitted_report_and_each_change_is_kept(yiwu_staff, other_yiwu_staff):
    project = ProjectFactory()
    report = save(yiwu_staff, project, "100")
    report_submit(user=yiwu_staff, reports=[report])

    with pytest.raises(ValidationError) as refused:
        save(other_yiwu_staff, project, "999")
    assert "只有提交人可以修改" in str(refused.value)
    save(yiwu_staff, project, "150")

    report.refresh_from_db()
    assert report.completed == Decimal("150") and report.status == ReportStatus.SUBMITTED
    edit = report.revisions.get(action=RevisionAction.EDIT)
    assert (edit.field, Decimal(edit.old_value), Decimal(edit.new_value)) == ("completed", Decimal("100"), Decimal("150"))


@pytest.mark.django_db
def test_a_confirmed_report_goes_back_only_by_a_return_with_a_reason(yiwu_staff, yiwu_clerk):
    project = ProjectFactory()
    report = save(yiwu_staff, project, "100")
    report_submit(user=yiwu_staff, reports=[report])
    report_confirm(user=yiwu_clerk, reports=[report])

    with pytest.raises(ValidationError, match="已经县专班确认"):
        save(yiwu_staff, project, "80")
    with pytest.raises(ValidationError, match="退回必须说明原因"):
        report_return(user=yiwu_clerk, reports=[report], reason="  ")
    report_return(user=yiwu_clerk, reports=[report], reason="本月数据与统计局口径不一致")

    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.confirmed_by is None
    returned = report.revisions.get(action=RevisionAction.RETURN)
    assert (returned.old_value, returned.new_value, returned.reason) == ("confirmed", "draft", "本月数据与统计局口径不一致")
    save(yiwu_staff, project, "80")
    assert MonthlyReport.objects.get(pk=report.pk).completed == Decimal("80")


@pytest.mark.django_db
def test_an_approved_report_is_returned_by_the_city_not_the_county(yiwu_clerk, jinhua_clerk):
    report = ApprovedReportFactory(month=MARCH)
    with pytest.raises(PermissionDenied):
        report_return(user=yiwu_clerk, reports=[report], reason="更正")
    report_return(user=jinhua_clerk, reports=[report], reason="市级抽查发现数据错误")
    assert MonthlyReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT


@pytest.mark.django_db
def test_correction_after_confirmation_needs_a_reason_and_keeps_the_old_figure(yiwu_clerk, yiwu_staff):
    report = ConfirmedReportFactory(month=MARCH, completed=Decimal("300"))
    with pytest.raises(ValidationError, match="必须说明原因"):
        report_correct(user=yiwu_clerk, report=report, reason="", completed=Decimal("280"))
    with pytest.raises(PermissionDenied):
        report_correct(user=yiwu_staff, report=report, reason="笔误", completed=Decimal("280"))
    report_correct(user=yiwu_clerk, report=report, reason="发票金额核减", completed=Decimal("280"), progress="已完成主体")
    report_correct(user=yiwu_clerk, report=report, reason="再次核对", completed=Decimal("290"))

    report.refresh_from_db()
    assert report.completed == Decimal("290") and report.status == ReportStatus.CONFIRMED
    history = list(
        ReportRevision.objects.filter(report=report, field="completed").values_list("old_value", "new_value", "reason")
    )
    assert [(Decimal(o), Decimal(n), r) for o, n, r in history] == [
        (Decimal("300"), Decimal("280"), "发票金额核减"), (Decimal("280"), Decimal("290"), "再次核对"),
    ]


@pytest.mark.django_db
def test_cumulative_above_total_investment_needs_a_note(yiwu_staff):
    project = ProjectFactory(total_investment=Decimal("500"))
    save(yiwu_staff, project, "400", month=datetime.date(2026, 2, 1))
    with pytest.raises(ValidationError) as refused:
        save(yiwu_staff, project, "150")
    assert "超过项目总投资" in refused.value.message_dict["note"][0]
    assert not MonthlyReport.objects.filter(project=project, month=MARCH).exists()
    save(yiwu_staff, project, "150", note="概算调增已批复")
    assert MonthlyReport.objects.filter(project=project, month=MARCH).exists()


@pytest.mark.django_db
def test_a_month_form_is_saved_all_or_nothing_with_errors_per_project(yiwu_staff):
    good, bad = ProjectFactory(), ProjectFactory()
    with pytest.raises(ValidationError) as refused:
        report_save_draft(user=yiwu_staff, month=MARCH, entries=[
            ReportEntry(project=good, completed=Decimal("10")), ReportEntry(project=bad, completed=Decimal("-1")),
        ])
    assert refused.value.by_project == {bad.pk: {"completed": ["本月完成投资不能为负数。"]}}
    assert not MonthlyReport.objects.exists()


@pytest.mark.django_db
def test_reporting_an_actual_start_starts_the_project(yiwu_staff):
    project = ProjectFactory(stage="preparation")
    save(yiwu_staff, project, "10", actual_start=datetime.date(2026, 3, 12))
    project.refresh_from_db()
    assert (project.actual_start, project.stage) == (datetime.date(2026, 3, 12), "construction")


@pytest.mark.django_db
def test_staff_of_another_county_cannot_report(dongyang_staff):
    with pytest.raises(PermissionDenied):
        save(dongyang_staff, ProjectFactory(), "10")


@pytest.mark.django_db
def test_a_reported_problem_becomes_a_case_in_one_click_and_only_once(yiwu_clerk, api_client):
    from cases.models import Case

    report = ConfirmedReportFactory(month=MARCH, problems="征地拆迁进度滞后")
    api_client.force_authenticate(yiwu_clerk)
    url = f"/api/v1/projects/{report.project_id}/reports/2026-03/case/"
    response = api_client.post(url)
    assert response.status_code == 201, response.json()
    case = Case.objects.get()
    assert (case.concerns, case.county_id, case.category.name) == (report, report.project.county_id, "项目问题")
    assert "征地拆迁进度滞后" in case.title
    again = api_client.post(url)
    assert again.status_code == 400 and "已转为交办事项" in again.json()["error"]["message"]
