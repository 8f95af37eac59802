import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from projects.excel import MONTH_SHEET, PROJECT_EXPORT_SHEET, PROJECT_SHEET
from projects.models import MonthlyReport, Project, ReportStatus
from registry.periods import add_months, current_month
from projects.services import month_lock
from tests.excel.workbooks import fill, sheet_rows

from .factories import ApprovedReportFactory, ProjectFactory

LAST_MONTH = add_months(current_month(), -1)
MONTH = f"{LAST_MONTH:%Y-%m}"


def upload(spec, rows):
    return SimpleUploadedFile("data.xlsx", fill(spec, rows))


def project_row(code="", name="新建污水处理厂", county="330782", total="20000", plan="5000", kind="新建"):
    return [code, name, "基础设施", county, None, "义乌市水务集团", "王伟", None, total, plan, None, None, kind, None, None]


@pytest.mark.django_db
def test_clerk_imports_the_project_list_creating_and_updating(client, yiwu_clerk):
    existing = ProjectFactory(name="旧名称")
    client.force_login(yiwu_clerk)
    rows = [project_row(), project_row(name="城西安置房"), project_row(code=existing.code, name="新名称", kind="续建")]
    response = client.post("/projects/excel/import/", {"file": upload(PROJECT_SHEET, rows)})
    assert response.status_code == 200, response.content.decode()
    assert "新增 2 条，更新 1 条" in response.content.decode()
    existing.refresh_from_db()
    assert existing.name == "新名称"
    created = Project.objects.get(name="城西安置房")
    assert created.code.startswith(f"330782{datetime.date.today().year}")
    assert created.year_plans.get().planned_investment == Decimal("5000")


@pytest.mark.django_db
def test_project_import_is_all_or_nothing_with_row_errors(client, yiwu_clerk):
    client.force_login(yiwu_clerk)
    rows = [project_row(), project_row(code="330782209900001")]
    response = client.post("/projects/excel/import/", {"file": upload(PROJECT_SHEET, rows)})
    body = response.content.decode()
    assert response.status_code == 400 and "未保存任何数据" in body
    assert "第 3 行" in body and "该项目编号不存在" in body
    assert not Project.objects.exists()

    outside = client.post("/projects/excel/import/", {"file": upload(PROJECT_SHEET, [project_row(county="330783")])})
    assert outside.status_code == 400 and "所在县（市、区）" in outside.content.decode()
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_county_staff_import_a_months_figures_as_drafts(client, yiwu_staff):
    first, second = ProjectFactory(), ProjectFactory()
    client.force_login(yiwu_staff)
    rows = [[first.code, 120.5, "桩基施工", None, None, None], [second.code, 80, None, "资金未到位", None, None]]
    response = client.post(f"/projects/monthly/excel/import/?month={MONTH}", {"file": upload(MONTH_SHEET, rows)})
    assert response.status_code == 200, response.content.decode()
    reports = {r.project_id: r for r in MonthlyReport.objects.filter(month=LAST_MONTH)}
    assert reports[first.pk].completed == Decimal("120.5") and reports[second.pk].problems == "资金未到位"
    assert {r.status for r in reports.values()} == {ReportStatus.DRAFT}

    again = client.post(f"/projects/monthly/excel/import/?month={MONTH}", {"file": upload(MONTH_SHEET, [[first.code, 130, None, None, None, None]])})
    assert "更新 1 条" in again.content.decode()
    assert MonthlyReport.objects.get(project=first).completed == Decimal("130")


@pytest.mark.django_db
def test_month_import_reports_the_row_of_each_refused_figure_and_saves_nothing(api_client, yiwu_staff):
    small, fine = ProjectFactory(total_investment=Decimal("100")), ProjectFactory()
    api_client.force_authenticate(yiwu_staff)
    rows = [[fine.code, 10, None, None, None, None], [small.code, 150, None, None, None, None]]
    response = api_client.post(f"/api/v1/project-months/{MONTH}/excel/import/", {"file": upload(MONTH_SHEET, rows)}, format="multipart")
    assert response.status_code == 400
    (error,) = response.json()["error"]["rows"]
    assert (error["row"], error["column"]) == (3, "说明") and "超过项目总投资" in error["message"]
    assert not MonthlyReport.objects.exists()


@pytest.mark.django_db
def test_month_import_into_a_locked_month_is_refused(client, yiwu_staff, province_clerk):
    project = ProjectFactory()
    month_lock(user=province_clerk, month=LAST_MONTH, force=True, reason="提前定稿")  # its window may be open
    client.force_login(yiwu_staff)
    response = client.post(f"/projects/monthly/excel/import/?month={MONTH}", {"file": upload(MONTH_SHEET, [[project.code, 1, None, None, None, None]])})
    assert response.status_code == 400 and "已由省专班锁定" in response.content.decode()
    assert not MonthlyReport.objects.exists()


@pytest.mark.django_db
def test_export_is_the_filtered_list_with_the_months_figures(client, province_clerk, divisions):
    dongyang = ProjectFactory(county=divisions.get(code="330783"), plan={LAST_MONTH.year: "1000"})
    ProjectFactory()
    ApprovedReportFactory(project=dongyang, month=LAST_MONTH, completed=Decimal("400"))
    client.force_login(province_clerk)
    response = client.get(f"/projects/excel/export/?county=330783&month={MONTH}")
    rows = sheet_rows(response.content, PROJECT_EXPORT_SHEET.title)
    header, data = rows[0], rows[1:]
    assert len(data) == 1
    record = dict(zip(header, data[0]))
    assert record["项目编号"] == dongyang.code and "330783" in record["所在县（市、区）"]
    assert Decimal(str(record["本年累计完成（万元）"])) == Decimal("400")
    assert float(record["年度完成率（%）"]) == pytest.approx(40.0)


@pytest.mark.django_db
def test_each_import_is_only_for_its_audience(client, yiwu_staff, yiwu_clerk):
    client.force_login(yiwu_staff)
    assert client.get("/projects/excel/import/").status_code == 403
    assert client.get("/projects/monthly/excel/import/").status_code == 200
    client.force_login(yiwu_clerk)
    assert client.get("/projects/monthly/excel/import/").status_code == 403
    assert client.get("/projects/excel/template/").status_code == 200
