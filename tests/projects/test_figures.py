"""Figures against hand-computed expectations on a four-project dataset, June 2026 (序时进度 50 %)."""
import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings

from projects.models import MonthlyReport, Project, ProjectRecordLink
from projects.selectors import (
    figures_rollup,
    missing_reports_by_county,
    projects_with_figures,
    reports_with_cumulative,
    schedule_share,
)
from registry.models import Division

from .factories import (
    ApprovedReportFactory,
    ConfirmedReportFactory,
    DraftReportFactory,
    ProjectFactory,
    SubmittedReportFactory,
    category,
)

JUNE = datetime.date(2026, 6, 1)


def d(year, month, day=1):
    return datetime.date(year, month, day)


@pytest.fixture
def dataset(divisions):
    infra, public = category("基础设施"), category("公共服务")
    yiwu, dongyang = divisions.get(code="330782"), divisions.get(code="330783")
    p1 = ProjectFactory(code="P1", county=yiwu, category=infra, plan={2026: "1200", 2025: "9999"})
    p2 = ProjectFactory(
        code="P2", county=yiwu, category=infra, kind="new", plan={2026: "1000"},
        planned_start=d(2026, 3), actual_start=d(2026, 4, 10),
    )
    p3 = ProjectFactory(code="P3", county=dongyang, category=public, kind="new", stage="preparation", planned_start=d(2026, 5))
    p4 = ProjectFactory(code="P4", county=dongyang, category=public, kind="new", stage="planning", plan={2026: "500"}, planned_start=d(2026, 9))
    ApprovedReportFactory(project=p1, month=d(2025, 12), completed=Decimal("500"))
    ApprovedReportFactory(project=p1, month=d(2026, 1), completed=Decimal("100"))
    ConfirmedReportFactory(project=p1, month=d(2026, 2), completed=Decimal("200"))
    SubmittedReportFactory(project=p1, month=d(2026, 3), completed=Decimal("300"))
    DraftReportFactory(project=p1, month=d(2026, 4), completed=Decimal("50"))
    SubmittedReportFactory(project=p2, month=JUNE, completed=Decimal("200"))
    ApprovedReportFactory(project=p2, month=d(2026, 7), completed=Decimal("1000"))  # after the month read
    content_type = ContentType.objects.get_for_model(Division)
    ProjectRecordLink.objects.create(project=p1, content_type=content_type, object_id=yiwu.pk)
    ProjectRecordLink.objects.create(project=p3, content_type=content_type, object_id=yiwu.pk)
    return p1, p2, p3, p4


@pytest.mark.django_db
@override_settings(PROJECT_LAG_POINTS=10)
def test_project_figures(dataset):
    rows = {p.code: p for p in projects_with_figures(Project.objects.all(), month=JUNE)}
    assert schedule_share(JUNE) == 50.0
    # P1: Jan 100 + Feb 200 + Mar 300 counted (the April draft and December 2025 are not) = 600 of 1200.
    assert rows["P1"].completed_year == Decimal("600")
    assert rows["P1"].completion_rate == pytest.approx(50.0)
    assert rows["P1"].schedule_gap == pytest.approx(0.0) and rows["P1"].is_lagging is False
    # P2: 200 of 1000 = 20 %, 30 points behind 序时进度.
    assert rows["P2"].completion_rate == pytest.approx(20.0)
    assert rows["P2"].schedule_gap == pytest.approx(-30.0) and rows["P2"].is_lagging is True
    assert rows["P2"].reported is True and rows["P1"].reported is False
    # P3 has no plan for 2026: no rate rather than a division by zero.
    assert rows["P3"].year_plan == 0 and rows["P3"].completion_rate is None


@pytest.mark.django_db
@override_settings(PROJECT_LAG_POINTS=10)
def test_rollups_per_county_city_province_category_and_record(dataset):
    counties = {r["county__code"]: r for r in figures_rollup(Project.objects.all(), by="county", month=JUNE)}
    yiwu, dongyang = counties["330782"], counties["330783"]
    assert (yiwu["year_plan"], yiwu["completed_year"]) == (Decimal("2200"), Decimal("800"))
    assert yiwu["completion_rate"] == pytest.approx(800 * 100 / 2200)
    assert yiwu["is_lagging"] is True  # 36.4 % against 50 %
    # New projects due to start by 30 June: Yiwu P2 (started), Dongyang P3 (not); P4 is due in September.
    assert (yiwu["new_due"], yiwu["new_started"], yiwu["start_rate"]) == (1, 1, 100.0)
    assert (dongyang["new_due"], dongyang["new_started"], dongyang["start_rate"]) == (1, 0, 0.0)
    assert (dongyang["stage_preparation"], dongyang["stage_planning"], dongyang["stage_construction"]) == (1, 1, 0)

    (jinhua,) = figures_rollup(Project.objects.all(), by="city", month=JUNE)
    assert jinhua["county__parent__code"] == "330700" and jinhua["completed_year"] == Decimal("800")

    province = figures_rollup(Project.objects.all(), by="province", month=JUNE)
    assert (province["project_count"], province["year_plan"], province["completed_year"]) == (4, Decimal("2700"), Decimal("800"))
    assert province["completion_rate"] == pytest.approx(800 * 100 / 2700)
    assert province["start_rate"] == pytest.approx(50.0)

    categories = {r["category__name"]: r for r in figures_rollup(Project.objects.all(), by="category", month=JUNE)}
    assert categories["基础设施"]["completed_year"] == Decimal("800") and categories["公共服务"]["project_count"] == 2

    (record,) = figures_rollup(Project.objects.all(), by="record", month=JUNE)
    assert (record["project_count"], record["year_plan"], record["completed_year"]) == (2, Decimal("1200"), Decimal("600"))


@pytest.mark.django_db
def test_missing_reports_by_county(dataset):
    # Owed in June: P1 (在建, no report) and P3 (前期); P2 reported; P4 is still 谋划.
    rows = {r["county__code"]: r["missing"] for r in missing_reports_by_county(Project.objects.all(), month=JUNE)}
    assert rows == {"330782": 1, "330783": 1}


@pytest.mark.django_db
def test_cumulative_for_the_year_is_derived_per_year_from_counted_reports(dataset):
    p1 = dataset[0]
    rows = reports_with_cumulative(MonthlyReport.objects.filter(project=p1)).order_by("month")
    assert [(r.month, r.cumulative_year) for r in rows] == [
        (d(2025, 12), Decimal("500")), (d(2026, 1), Decimal("100")), (d(2026, 2), Decimal("300")),
        (d(2026, 3), Decimal("600")), (d(2026, 4), Decimal("600")),
    ]


@pytest.mark.django_db
@override_settings(PROJECT_LAG_POINTS=10)
def test_list_page_rows_show_the_figures_computed_in_sql(dataset, client, province_clerk):
    """The page computes rates from the two figures it reads; they must be what the SQL annotates,
    shown as the template's floatformat would show them."""
    from django.template.defaultfilters import floatformat

    DraftReportFactory(project=dataset[3], month=JUNE, completed=Decimal("0.05"))
    client.force_login(province_clerk)
    rows = {row["code"]: row for row in client.get("/projects/", {"month": "2026-06"}).context["projects"]}
    assert set(rows) == {"P1", "P2", "P3", "P4"}
    for project in projects_with_figures(Project.objects.all(), month=JUNE):
        row = rows[project.code]
        assert row["year_plan"] == floatformat(project.year_plan, 2)
        assert row["completed_year"] == floatformat(project.completed_year, 2)
        assert row["completion_rate"] == (floatformat(project.completion_rate, 1) if project.completion_rate is not None else "")
        assert row["schedule_gap"] == (floatformat(project.schedule_gap, 1) if project.schedule_gap is not None else "")
        assert (row["is_lagging"], row["reported"], row["month_status"]) == (project.is_lagging, project.reported, project.month_status)
    assert rows["P2"]["is_lagging"] and rows["P2"]["reported"] and rows["P4"]["month_status"] == "draft"
