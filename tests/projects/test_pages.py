import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import LockException, MonthlyReport, PeriodLock, Project, ReportStatus
from registry.periods import add_months, current_month
from projects.services import month_lock

from .factories import ProjectFactory, SubmittedReportFactory, category

LAST_MONTH = add_months(current_month(), -1)
MONTH = f"{LAST_MONTH:%Y-%m}"


def row_data(projects, values=None):
    data = {"month": MONTH, "rows-TOTAL_FORMS": str(len(projects)), "rows-INITIAL_FORMS": str(len(projects))}
    for i, project in enumerate(projects):
        data[f"rows-{i}-project"] = str(project.pk)
        for name, value in (values or {}).get(project.pk, {}).items():
            data[f"rows-{i}-{name}"] = value
    return data


@pytest.mark.django_db
def test_county_staff_save_drafts_then_submit_all_and_the_clerk_confirms(client, yiwu_staff, yiwu_clerk):
    first, second = ProjectFactory(code="A1"), ProjectFactory(code="A2")
    client.force_login(yiwu_staff)
    page = client.get(f"/projects/monthly/?month={MONTH}")
    assert page.status_code == 200 and "全部提交" in page.content.decode()

    values = {first.pk: {"completed": "120.5", "progress": "基础施工"}, second.pk: {"completed": "80"}}
    saved = client.post("/projects/monthly/", {**row_data([first, second], values), "save": "1"})
    assert saved.status_code == 302
    assert set(MonthlyReport.objects.values_list("status", flat=True)) == {ReportStatus.DRAFT}
    client.post("/projects/monthly/", {**row_data([first, second], values), "submit": "1"})
    assert set(MonthlyReport.objects.values_list("status", flat=True)) == {ReportStatus.SUBMITTED}

    client.force_login(yiwu_clerk)
    review = client.get(f"/projects/review/?month={MONTH}")
    assert "基础施工" in review.content.decode()
    ids = list(MonthlyReport.objects.values_list("pk", flat=True))
    client.post("/projects/review/", {"month": MONTH, "reports": ids, "confirm": "1"})
    assert set(MonthlyReport.objects.values_list("status", flat=True)) == {ReportStatus.CONFIRMED}


@pytest.mark.django_db
def test_monthly_form_shows_chinese_errors_per_field_and_saves_nothing(client, yiwu_staff):
    small, other = ProjectFactory(total_investment=Decimal("100")), ProjectFactory()
    client.force_login(yiwu_staff)
    values = {small.pk: {"completed": "150"}, other.pk: {"completed": "10"}}
    response = client.post("/projects/monthly/", {**row_data([small, other], values), "save": "1"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "超过项目总投资" in body and "本次未保存任何数据" in body
    assert not MonthlyReport.objects.exists()


@pytest.mark.django_db
def test_locked_month_page_says_so_and_refuses_writes(client, yiwu_staff, province_clerk):
    project = ProjectFactory()
    # The month just ended may still be in its reporting window: a forced lock, as the province would.
    month_lock(user=province_clerk, month=LAST_MONTH, force=True, reason="提前定稿")
    client.force_login(yiwu_staff)
    assert "已由省专班锁定" in client.get(f"/projects/monthly/?month={MONTH}").content.decode()
    response = client.post("/projects/monthly/", {**row_data([project], {project.pk: {"completed": "5"}}), "save": "1"})
    assert "已由省专班锁定" in response.content.decode()
    assert not MonthlyReport.objects.exists()


@pytest.mark.django_db
def test_province_clerk_locks_a_month_and_grants_an_exception_on_the_page(client, province_clerk, yiwu_clerk, divisions):
    client.force_login(yiwu_clerk)
    assert "开通例外" not in client.get("/projects/locks/").content.decode()
    assert client.post("/projects/locks/", {"month": MONTH, "lock": "1"}).status_code == 403
    assert not PeriodLock.objects.exists()
    client.force_login(province_clerk)
    assert client.get("/projects/locks/").status_code == 200
    client.post("/projects/locks/", {"month": MONTH, "reason": "定稿", "force": "1", "lock": "1"})
    assert PeriodLock.objects.filter(month=LAST_MONTH).exists()
    yiwu = divisions.get(code="330782")
    client.post("/projects/locks/", {"month": MONTH, "county": yiwu.pk, "reason": "补报", "grant": "1"})
    assert LockException.objects.get().county == yiwu


@pytest.mark.django_db
def test_clerk_creates_and_edits_a_project_on_the_page(client, yiwu_clerk):
    client.force_login(yiwu_clerk)
    assert client.get("/projects/new/").status_code == 200
    data = {
        "name": "义乌国际陆港配套道路", "category": category("基础设施").pk,
        "county": Project._meta.get_field("county").related_model.objects.get(code="330782").pk,
        "owner_unit": "义乌市交投集团", "total_investment": "50000", "annual_plan": "8000", "kind": "new", "stage": "preparation",
    }
    response = client.post("/projects/new/", data)
    project = Project.objects.get()
    assert response.status_code == 302 and project.code.startswith("330782")
    client.post(f"/projects/{project.pk}/edit/", {**data, "stage": "construction", "annual_plan": "9000"})
    project.refresh_from_db()
    assert project.stage == "construction" and project.year_plans.get().planned_investment == Decimal("9000")


@pytest.mark.django_db
def test_project_pages_are_scoped(client, dongyang_staff):
    project = ProjectFactory()
    client.force_login(dongyang_staff)
    assert client.get(f"/projects/{project.pk}/").status_code == 404
    assert project.code not in client.get("/projects/").content.decode()


@pytest.mark.django_db
def test_detail_shows_history_table_and_chart_data(client, yiwu_staff):
    project = ProjectFactory(plan=Decimal("1000"))
    SubmittedReportFactory(project=project, month=LAST_MONTH, completed=Decimal("321.00"), progress="完成桩基")
    client.force_login(yiwu_staff)
    body = client.get(f"/projects/{project.pk}/").content.decode()
    assert "完成桩基" in body and "echarts.min.js" in body and '"completed": 321.0' in body
    assert "逾期提交" not in body


@pytest.mark.django_db
def test_detail_flags_a_report_submitted_after_its_window(client, yiwu_staff):
    from django.utils import timezone

    from registry.periods import reporting_window

    closes = reporting_window(LAST_MONTH)[1]
    late = timezone.make_aware(datetime.datetime.combine(closes + datetime.timedelta(days=2), datetime.time(10)))
    report = SubmittedReportFactory(month=LAST_MONTH, submitted_at=late)
    client.force_login(yiwu_staff)
    assert "逾期提交" in client.get(f"/projects/{report.project_id}/").content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_list_and_monthly_form_query_counts_do_not_grow(client, yiwu_staff):
    client.force_login(yiwu_staff)

    def add(count):
        for _ in range(count):
            project = ProjectFactory(plan=Decimal("100"))
            SubmittedReportFactory(project=project, month=LAST_MONTH, submitted_by=yiwu_staff)

    add(2)
    _queries(client, f"/projects/monthly/?month={MONTH}")  # the first request of a session also loads it
    form_few = _queries(client, f"/projects/monthly/?month={MONTH}")
    # The list's figures are computed once after a change, then served from the cache (projects.cache).
    cold_few, warm_few = _queries(client, "/projects/"), _queries(client, "/projects/")
    assert warm_few < cold_few
    add(8)
    assert _queries(client, "/projects/") == cold_few
    assert _queries(client, "/projects/") == warm_few
    assert _queries(client, f"/projects/monthly/?month={MONTH}") == form_few


@pytest.mark.django_db
def test_navigation_entries_follow_roles(client, yiwu_staff, province_clerk):
    client.force_login(yiwu_staff)
    body = client.get("/projects/").content.decode()
    assert 'data-nav="project-monthly-report"' in body and 'data-nav="project-month-lock"' not in body
    client.force_login(province_clerk)
    assert 'data-nav="project-month-lock"' in client.get("/projects/").content.decode()


@pytest.mark.django_db
def test_detail_offers_turning_a_problem_into_a_case(client, yiwu_clerk):
    report = SubmittedReportFactory(month=LAST_MONTH, problems="资金拨付滞后")
    client.force_login(yiwu_clerk)
    assert "转为交办事项" in client.get(f"/projects/{report.project_id}/").content.decode()
    response = client.post(f"/projects/reports/{report.pk}/to-case/", follow=True)
    assert "已转为交办事项" in response.content.decode() and "已转交办" in response.content.decode()


@pytest.mark.django_db
def test_project_edits_are_kept_as_history_with_the_reason(client, yiwu_clerk):
    from registry.history import history_for

    project = ProjectFactory(stage="preparation", plan=Decimal("500"))
    client.force_login(yiwu_clerk)
    data = {
        "name": project.name, "category": project.category_id, "owner_unit": project.owner_unit,
        "total_investment": "100000", "annual_plan": "800", "kind": project.kind, "stage": "construction",
        "reason": "已取得施工许可",
    }
    assert client.post(f"/projects/{project.pk}/edit/", data).status_code == 302
    changes = {c.field: (c.old_value, c.new_value, c.reason) for c in history_for(project)}
    assert changes["stage"] == ("前期", "在建", "已取得施工许可")
    assert "500" in changes["year_plans"][0] and "800" in changes["year_plans"][1]
    assert "已取得施工许可" in client.get(f"/projects/{project.pk}/").content.decode()


@pytest.mark.django_db
def test_home_card_shows_the_completion_rate_in_the_jurisdiction(client, yiwu_staff):
    project = ProjectFactory(plan={LAST_MONTH.year: "1000"})
    SubmittedReportFactory(project=project, month=LAST_MONTH, completed=Decimal("250"))
    client.force_login(yiwu_staff)
    body = client.get("/").content.decode()
    assert "重大项目年度投资完成率" in body and "25.0%" in body


@pytest.mark.django_db
def test_province_clerk_sees_which_counties_still_owe_reports(client, province_clerk, divisions):
    ProjectFactory(county=divisions.get(code="330783"))
    client.force_login(province_clerk)
    body = client.get(f"/projects/review/?month={MONTH}").content.decode()
    assert "东阳市" in body and "未提交项目" in body


@pytest.mark.django_db
def test_clerk_links_a_project_to_the_axis_it_serves_and_the_list_filters_by_it(client, yiwu_clerk):
    from django.contrib.contenttypes.models import ContentType

    from tests.registry.factories import AxisFactory

    axis = AxisFactory(name="义乌佛堂发展轴")  # in Yiwu
    project, other = ProjectFactory(), ProjectFactory()
    content_type = ContentType.objects.get_for_model(axis)
    client.force_login(yiwu_clerk)
    form = client.get(f"/projects/{project.pk}/edit/").content.decode()
    assert "义乌佛堂发展轴" in form
    data = {
        "name": project.name, "category": project.category_id, "owner_unit": project.owner_unit,
        "total_investment": "100000", "kind": project.kind, "stage": project.stage, "records": [f"{content_type.pk}:{axis.pk}"],
    }
    assert client.post(f"/projects/{project.pk}/edit/", data).status_code == 302
    assert "义乌佛堂发展轴" in client.get(f"/projects/{project.pk}/").content.decode()
    assert "发展轴：义乌佛堂发展轴" in client.get("/projects/?by=record").content.decode()
    listed = client.get(f"/projects/?record=registry.developmentaxis:{axis.pk}").content.decode()
    assert project.code in listed and other.code not in listed


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.django_db
def test_county_staff_attach_evidence_to_a_draft_and_only_their_jurisdiction_downloads_it(client, yiwu_staff, dongyang_staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from projects.models import ReportAttachment
    from tests.projects.factories import DraftReportFactory

    report = DraftReportFactory(month=LAST_MONTH)
    client.force_login(yiwu_staff)
    client.post(f"/projects/reports/{report.pk}/attachments/", {"file": SimpleUploadedFile("现场照片.pdf", PDF)})
    refused = client.post(
        f"/projects/reports/{report.pk}/attachments/", {"file": SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00not a pdf")}, follow=True
    )
    assert "只接受" in refused.content.decode()
    attachment = ReportAttachment.objects.get()
    assert (attachment.original_name, attachment.content_type) == ("现场照片.pdf", "application/pdf")
    download = client.get(f"/projects/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    client.force_login(dongyang_staff)
    assert client.get(f"/projects/attachments/{attachment.pk}/").status_code == 404


@pytest.mark.django_db
def test_attachments_follow_the_report_rules(api_client, yiwu_staff, province_clerk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.projects.factories import ConfirmedReportFactory

    confirmed = ConfirmedReportFactory(month=LAST_MONTH)
    api_client.force_authenticate(yiwu_staff)
    url = f"/api/v1/projects/{confirmed.project_id}/reports/{MONTH}/attachments/"
    response = api_client.post(url, {"file": SimpleUploadedFile("a.pdf", PDF)}, format="multipart")
    assert response.status_code == 400 and "已经县专班确认" in response.json()["error"]["message"]

    draft = SubmittedReportFactory(month=LAST_MONTH, submitted_by=yiwu_staff)
    # The month just ended may still be in its reporting window: a forced lock, as the province would.
    month_lock(user=province_clerk, month=LAST_MONTH, force=True, reason="提前定稿")
    locked = api_client.post(
        f"/api/v1/projects/{draft.project_id}/reports/{MONTH}/attachments/", {"file": SimpleUploadedFile("a.pdf", PDF)}, format="multipart"
    )
    assert locked.status_code == 423


@pytest.mark.django_db
def test_list_rolls_figures_up_by_the_chosen_dimension(client, province_clerk, divisions):
    ProjectFactory(plan={LAST_MONTH.year: "1000"})
    ProjectFactory(county=divisions.get(code="330783"), category=category("公共服务"))
    client.force_login(province_clerk)

    def rollup_labels(query):
        body = client.get(f"/projects/{query}").content.decode()
        section = body[body.index('id="project-rollup"'):body.index("</table>", body.index('id="project-rollup"'))]
        return re.findall(r"<tr><td>([^<]+)</td>", section)

    assert rollup_labels("") == ["义乌市", "东阳市"]
    assert rollup_labels("?by=category") == ["基础设施", "公共服务"]
    assert rollup_labels("?by=city") == ["金华市"]


@pytest.mark.django_db
def test_list_figures_are_cached_until_reports_change(client, yiwu_staff, yiwu_clerk):
    from projects.services import report_return

    project = ProjectFactory(plan=Decimal("100"))

    def totals():
        client.force_login(yiwu_clerk)
        response = client.get(f"/projects/?month={MONTH}")
        assert response.status_code == 200
        return response.context["totals"]["completed_year"], response.context["totals"]["missing"]

    assert totals() == (Decimal("0"), 1)
    assert totals() == (Decimal("0"), 1)  # now from the cache
    client.force_login(yiwu_staff)
    values = {project.pk: {"completed": "40"}}
    client.post("/projects/monthly/", {**row_data([project], values), "save": "1"})
    client.post("/projects/monthly/", {**row_data([project], values), "submit": "1"})  # a bulk update
    assert totals() == (Decimal("40"), 0)
    report_return(user=yiwu_clerk, reports=list(MonthlyReport.objects.all()), reason="数字有误")
    assert totals() == (Decimal("0"), 1)


@pytest.mark.django_db
def test_list_filter_form_keeps_the_query_and_shows_a_new_category_at_once(client, yiwu_staff):
    from projects.models import ProjectCategory

    ProjectFactory(code="F1", name="示范项目")
    client.force_login(yiwu_staff)
    page = client.get("/projects/", {"month": MONTH, "q": "示范", "stage": "construction"}).content.decode()
    assert re.search(r'name="q"[^>]*value="示范"', page)
    assert re.search(r'<option value="construction" selected>', page)
    assert "F1" in page and "新增类别（测试）" not in page
    ProjectCategory.objects.create(name="新增类别（测试）")
    assert "新增类别（测试）" in client.get("/projects/", {"month": MONTH, "q": "示范"}).content.decode()


@pytest.mark.django_db
def test_list_rows_escape_user_text(client, yiwu_staff):
    """The rows are a Jinja2 fragment (projects.tables): user text comes out escaped, markup and quotes
    included, in the row the f-string version wrote (markupsafe spells quotes &#34; and &#39;)."""
    project = ProjectFactory(name="<script>alert('x')</script> \"引号\" & 村", plan={LAST_MONTH.year: Decimal("100")})
    SubmittedReportFactory(project=project, month=LAST_MONTH, submitted_by=yiwu_staff)
    client.force_login(yiwu_staff)
    page = client.get("/projects/", {"month": MONTH}).content.decode()
    cells = (
        f'<tr><td><a href="/projects/{project.pk}/">{project.code}</a></td>'
        "<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &#34;引号&#34; &amp; 村</td><td>基础设施</td><td>义乌市</td>"
        f"<td>{project.get_kind_display()} / {project.get_stage_display()}</td>"
        '<td class="text-end">100000.00</td><td class="text-end">100.00</td><td class="text-end">100.00</td>'
        '<td class="text-end">100.0%</td>'
    )
    # The schedule gap depends on the month of the year the test runs in.
    assert re.search(re.escape(cells) + r'<td class="text-end">-?[\d.]+</td><td><span class="badge bg-green-lt">已报</span></td></tr>', page)
    assert "<script>alert(" not in page
