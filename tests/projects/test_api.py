import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import LockException, MonthlyReport, Project, ReportStatus
from projects.services import month_lock
from registry.models import Division

from .factories import ApprovedReportFactory, ConfirmedReportFactory, ProjectFactory, category

MARCH = datetime.date(2026, 3, 1)


def new_project_body(**extra):
    body = {
        "name": "义乌市佛堂镇污水管网改造工程", "category": category("基础设施").pk,
        "county": "330782", "township": "330782100", "owner_unit": "义乌市水务集团", "total_investment": "12000.00",
        "annual_plan": "3000.00", "kind": "new", "planned_start": "2026-03-01",
    }
    return {**body, **extra}


@pytest.mark.django_db
def test_clerk_creates_projects_with_sequential_codes_and_staff_cannot(api_client, yiwu_clerk, yiwu_staff):
    api_client.force_authenticate(yiwu_clerk)
    year = datetime.date.today().year
    first = api_client.post("/api/v1/projects/", new_project_body(), format="json")
    second = api_client.post("/api/v1/projects/", new_project_body(name="第二个项目"), format="json")
    assert first.status_code == 201, first.json()
    assert [first.json()["code"], second.json()["code"]] == [f"330782{year}0001", f"330782{year}0002"]
    assert first.json()["year_plan"] == "3000.00"

    api_client.force_authenticate(yiwu_staff)
    refused = api_client.post("/api/v1/projects/", new_project_body(), format="json")
    assert refused.status_code == 403 and "专班" in refused.json()["error"]["message"]


@pytest.mark.django_db
def test_clerk_cannot_create_a_project_outside_their_county(api_client, yiwu_clerk):
    api_client.force_authenticate(yiwu_clerk)
    response = api_client.post("/api/v1/projects/", new_project_body(county="330783", township=None), format="json")
    assert response.status_code == 403
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_projects_are_scoped_to_the_jurisdiction(api_client, dongyang_staff, divisions):
    yiwu_project = ProjectFactory()
    ProjectFactory(county=divisions.get(code="330783"))
    api_client.force_authenticate(dongyang_staff)
    listed = api_client.get("/api/v1/projects/").json()
    assert [p["county"] for p in listed["results"]] == ["330783"]
    assert api_client.get(f"/api/v1/projects/{yiwu_project.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/projects/{yiwu_project.pk}/reports/").status_code == 404
    response = api_client.post(f"/api/v1/projects/{yiwu_project.pk}/reports/", {"month": "2026-03", "completed": "1"}, format="json")
    assert response.status_code == 404


@pytest.mark.django_db
def test_list_filters(api_client, province_clerk, divisions):
    lagging = ProjectFactory(name="滞后的项目", plan=Decimal("1000"))
    on_track = ProjectFactory(name="正常的项目", plan=Decimal("1000"), county=divisions.get(code="330783"), stage="completed")
    month = datetime.date.today().replace(day=1)
    ApprovedReportFactory(project=on_track, month=month, completed=Decimal("1000"))
    api_client.force_authenticate(province_clerk)

    def codes(**params):
        return {p["code"] for p in api_client.get("/api/v1/projects/", {"month": f"{month:%Y-%m}", **params}).json()["results"]}

    assert codes(lagging="true") == {lagging.code}
    assert codes(not_reported="true") == {lagging.code}
    assert codes(county="330783") == {on_track.code}
    assert codes(county="330700") == {lagging.code, on_track.code}
    assert codes(stage="completed") == {on_track.code}
    assert codes(q="滞后") == {lagging.code}
    assert codes(record=f"registry.division:{divisions.get(code='330782').pk}") == set()


@pytest.mark.django_db
def test_month_chain_over_the_api(api_client, yiwu_staff, yiwu_clerk, divisions):
    from tests.factories import make_user

    city_clerk = make_user("clerk", "330700")
    projects = [ProjectFactory(), ProjectFactory()]
    api_client.force_authenticate(yiwu_staff)
    for project in projects:
        response = api_client.post(
            f"/api/v1/projects/{project.pk}/reports/", {"month": "2026-03", "completed": "250.5", "progress": "桩基施工"},
            format="json",
        )
        assert response.status_code == 201, response.json()
    submitted = api_client.post("/api/v1/project-months/2026-03/submit/", {}, format="json")
    assert submitted.json()["count"] == 2

    api_client.force_authenticate(yiwu_clerk)
    first = MonthlyReport.objects.get(project=projects[0])
    returned = api_client.post("/api/v1/project-months/2026-03/return/", {"reports": [first.pk], "reason": "形象进度不具体"}, format="json")
    assert returned.status_code == 200
    assert api_client.post("/api/v1/project-months/2026-03/confirm/", {}, format="json").json()["count"] == 1

    api_client.force_authenticate(city_clerk)
    assert api_client.post("/api/v1/project-months/2026-03/approve/", {}, format="json").json()["count"] == 1
    statuses = dict(MonthlyReport.objects.values_list("project_id", "status"))
    assert statuses == {projects[0].pk: ReportStatus.DRAFT, projects[1].pk: ReportStatus.APPROVED}
    summary = api_client.get("/api/v1/project-months/2026-03/").json()
    assert summary["status_counts"]["approved"] == 1 and summary["locked"] is False


@pytest.mark.django_db
def test_locked_month_answers_423_until_an_exception_is_granted(api_client, yiwu_staff, province_clerk, divisions):
    project = ProjectFactory()
    month_lock(user=province_clerk, month=MARCH)
    api_client.force_authenticate(yiwu_staff)
    url = f"/api/v1/projects/{project.pk}/reports/"
    locked = api_client.post(url, {"month": "2026-03", "completed": "10"}, format="json")
    assert locked.status_code == 423
    assert locked.json()["error"]["code"] == "locked" and "锁定" in locked.json()["error"]["message"]

    api_client.force_authenticate(province_clerk)
    granted = api_client.post("/api/v1/project-months/2026-03/exception/", {"county": "330782", "reason": "补报漏报项目"}, format="json")
    assert granted.status_code == 201 and granted.json()["exceptions"] == ["330782"]
    assert LockException.objects.get().granted_by == province_clerk

    api_client.force_authenticate(yiwu_staff)
    assert api_client.post(url, {"month": "2026-03", "completed": "10"}, format="json").status_code == 201


@pytest.mark.django_db
def test_lock_over_the_api_is_for_the_province_only(api_client, yiwu_clerk, province_clerk):
    api_client.force_authenticate(yiwu_clerk)
    assert api_client.post("/api/v1/project-months/2026-03/lock/", {}, format="json").status_code == 403
    api_client.force_authenticate(province_clerk)
    response = api_client.post("/api/v1/project-months/2026-03/lock/", {"reason": "一季度定稿"}, format="json")
    assert response.status_code == 201 and response.json()["locked"] is True


@pytest.mark.django_db
def test_validation_errors_are_chinese_and_per_field(api_client, yiwu_staff):
    project = ProjectFactory(total_investment=Decimal("100"))
    api_client.force_authenticate(yiwu_staff)
    response = api_client.post(f"/api/v1/projects/{project.pk}/reports/", {"month": "2026-03", "completed": "150"}, format="json")
    assert response.status_code == 400
    assert "超过项目总投资" in response.json()["error"]["fields"]["note"][0]
    bad_month = api_client.post(f"/api/v1/projects/{project.pk}/reports/", {"month": "三月", "completed": "1"}, format="json")
    assert "月份格式" in bad_month.json()["error"]["fields"]["month"][0]


@pytest.mark.django_db
def test_correction_over_the_api_needs_a_reason(api_client, yiwu_clerk):
    report = ConfirmedReportFactory(month=MARCH, completed=Decimal("100"))
    api_client.force_authenticate(yiwu_clerk)
    url = f"/api/v1/projects/{report.project_id}/reports/2026-03/"
    assert api_client.put(url, {"completed": "90"}, format="json").status_code == 400
    response = api_client.put(url, {"completed": "90", "reason": "审计核减"}, format="json")
    assert response.status_code == 200 and response.json()["completed"] == "90.00"
    assert report.revisions.get().old_value == "100.00"


def _list_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_projects(api_client, province_clerk, divisions):
    content_type_id = ContentType.objects.get_for_model(Division).pk
    api_client.force_authenticate(province_clerk)

    def add(count):
        for _ in range(count):
            project = ProjectFactory(plan=Decimal("100"))
            project.record_links.create(content_type_id=content_type_id, object_id=1)
            ApprovedReportFactory(project=project, month=MARCH)

    add(2)
    few = _list_queries(api_client, "/api/v1/projects/?month=2026-03")
    add(10)
    assert _list_queries(api_client, "/api/v1/projects/?month=2026-03") == few


@pytest.mark.django_db
def test_write_answers_carry_the_years_cumulative_not_the_months_own_figure(api_client, yiwu_staff, yiwu_clerk):
    """The answer of a save, a correction and a month step sums January to the month, as the history does."""
    project = ProjectFactory(total_investment=Decimal("100000"))
    ApprovedReportFactory(project=project, month=datetime.date(2026, 1, 1), completed=Decimal("6967.52"))
    ApprovedReportFactory(project=project, month=datetime.date(2026, 2, 1), completed=Decimal("100"))
    api_client.force_authenticate(yiwu_staff)
    saved = api_client.post(f"/api/v1/projects/{project.pk}/reports/", {"month": "2026-03", "completed": "820.50"}, format="json")
    assert saved.status_code == 201
    assert Decimal(saved.json()["cumulative_year"]) == Decimal("7067.52")  # a draft counts once submitted
    submitted = api_client.post("/api/v1/project-months/2026-03/submit/", {}, format="json").json()
    assert [Decimal(r["cumulative_year"]) for r in submitted["reports"]] == [Decimal("7888.02")]

    api_client.force_authenticate(yiwu_clerk)
    api_client.post("/api/v1/project-months/2026-03/confirm/", {}, format="json")
    corrected = api_client.put(
        f"/api/v1/projects/{project.pk}/reports/2026-03/", {"completed": "720.50", "reason": "核减"}, format="json"
    )
    assert corrected.status_code == 200, corrected.json()
    history = {r["month"]: r["cumulative_year"] for r in api_client.get(f"/api/v1/projects/{project.pk}/reports/").json()}
    assert Decimal(corrected.json()["cumulative_year"]) == Decimal(history["2026-03"]) == Decimal("7788.02")
