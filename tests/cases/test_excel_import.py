"""Importing a task list from Excel: every case logged (and assigned) through the services, all or
nothing, every bad row reported, a re-import creating nothing twice."""
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from cases.excel import CASE_SHEET, cases_import
from cases.ledger import tampered_cases
from cases.models import Case, CaseEvent, CaseState, Notification
from cases.workdays import add_working_days
from registry.excel import run_import
from registry.models import Division, DivisionLevel, OrganisationKind
from tests.excel.workbooks import fill
from tests.factories import org_for

pytestmark = pytest.mark.django_db
HEADERS = [c.header for c in CASE_SHEET.columns]


def row(**cells):
    """A sheet row from header -> value, blank elsewhere."""
    unknown = set(cells) - set(HEADERS)
    assert not unknown, unknown
    return [cells.get(header) for header in HEADERS]


def task(title, **cells):
    return row(**{"标题": title, "类别": "帮扶任务", "来源": "帮扶计划", "县（市、区）": "330782", **cells})


def in_days(n):
    return timezone.localdate() + dt.timedelta(days=n)


def township(county_code):
    return Division.objects.filter(parent__code=county_code, level=DivisionLevel.TOWNSHIP).order_by("code").first()


@pytest.fixture
def health_bureau(people):
    return org_for("330782", OrganisationKind.OTHER, name="义乌市卫生健康局（测试）")


def _file(content, name):
    return SimpleUploadedFile(name, content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def upload(client, content, name="任务清单.xlsx"):
    return client.post("/cases/import/", {"file": _file(content, name)})


def test_template_filled_and_imported_creates_assigned_cases_with_verified_chains(people, health_bureau, client):
    client.force_login(people.clerk)
    template = client.get("/cases/import/template.xlsx")
    assert template.status_code == 200
    assert [c.value for c in next(load_workbook(io.BytesIO(template.content))["交办事项"].iter_rows())] == HEADERS
    town = township("330782")
    content = fill(CASE_SHEET, [
        task("结对帮扶项目落地", 外部编号="2026-001", 问题描述="推进结对帮扶项目", **{"乡镇（街道）": town.code}, 优先级="重要",
             牵头责任单位=people.lead_unit.name, 协同责任单位=f"{people.co_unit.name}、{health_bureau.name}",
             办理期限=in_days(40), 标签="结对,产业"),
        task("山区村集体增收", 外部编号="2026-002", 牵头责任单位=people.lead_unit.name,
             协同责任单位=f"{people.co_unit.name}；", 工作日数=10),
        task("飞地项目谋划", 外部编号="2026-003", 类别="工作任务", 来源="专班例会"),
    ], template=template.content)

    response = upload(client, content)

    page = response.content.decode()
    assert response.status_code == 200, page
    assert 'data-count="created">3<' in page
    cases = {c.external_ref: c for c in Case.objects.filter(external_ref__startswith="2026-")}
    first, second, third = cases["2026-001"], cases["2026-002"], cases["2026-003"]
    assert first.state == second.state == CaseState.ASSIGNED and third.state == CaseState.DISCOVERED
    assert (first.township, first.priority, first.tags, first.deadline) == (town, 2, "结对,产业", in_days(40))
    assert set(first.co_units.all()) == {people.co_unit, health_bureau}
    assert list(second.co_units.all()) == [people.co_unit]
    assert second.deadline == add_working_days(timezone.localdate(), 10)
    assert (third.category.name, third.source, third.lead_unit) == ("工作任务", "meeting", None)
    assert list(first.events.values_list("action", flat=True)) == ["create", "assign"]
    assert list(third.events.values_list("action", flat=True)) == ["create"]
    assert first.events.get(action="assign").actor == people.clerk
    assert tampered_cases() == []
    call_command("verify_ledger")
    assert Notification.objects.filter(recipient=people.lead_staff, case__in=[first, second]).count() == 2
    assert Notification.objects.filter(recipient=people.co_staff, case=first).exists()


def test_bad_workbook_changes_nothing_and_reports_every_bad_row(people, client):
    client.force_login(people.clerk)
    content = fill(CASE_SHEET, [
        task("合格的一行", 牵头责任单位=people.lead_unit.name, 办理期限=in_days(30)),
        task("外县事项", **{"县（市、区）": "330783"}),
        task("未知类别", 类别="不存在的类别"),
        task("来源有误", 来源="路边听说"),
        task("", 办理期限="下个月", 工作日数=0),
        task("乡镇当作县", **{"县（市、区）": township("330782").code}),
    ])

    response = upload(client, content)

    assert response.status_code == 400
    errors = {(e.row_number, e.column_header) for e in response.context["report"].errors}
    assert errors == {
        (3, "县（市、区）"), (4, "类别"), (5, "来源"), (6, "标题"), (6, "办理期限"), (6, "工作日数"), (7, "县（市、区）"),
    }
    page = response.content.decode()
    assert "不在您的管辖范围内" in page and "不存在的类别" in page
    assert not Case.objects.exists() and not CaseEvent.objects.exists() and not Notification.objects.exists()


def test_rule_and_service_errors_roll_back_rows_already_created(people, client):
    client.force_login(people.clerk)
    other_town = township("330783")
    content = fill(CASE_SHEET, [
        task("第一项，本身无误", 牵头责任单位=people.lead_unit.name, 办理期限=in_days(30)),
        task("两种期限都填", 牵头责任单位=people.lead_unit.name, 办理期限=in_days(30), 工作日数=5),
        task("有期限无牵头单位", 办理期限=in_days(30)),
        task("协同责任单位不存在", 牵头责任单位=people.lead_unit.name, 工作日数=5, 协同责任单位="查无此单位"),
        task("外县协同责任单位", 牵头责任单位=people.lead_unit.name, 工作日数=5,
             协同责任单位=org_for("330783", OrganisationKind.OTHER, name="东阳市某局（测试）").name),
    ])

    response = upload(client, content)

    assert response.status_code == 400
    errors = {(e.row_number, e.column_header) for e in response.context["report"].errors}
    assert errors == {(3, "工作日数"), (4, "牵头责任单位"), (5, "协同责任单位"), (6, "协同责任单位")}
    assert not Case.objects.exists() and not CaseEvent.objects.exists()

    # A township of the (city) clerk's jurisdiction but of another county, and a past deadline, pass
    # the sheet's checks: the services refuse them after an earlier row was written, and it is rolled back.
    content = fill(CASE_SHEET, [
        task("第一项，本身无误", 牵头责任单位=people.lead_unit.name, 办理期限=in_days(30)),
        task("乡镇不属于该县", **{"乡镇（街道）": other_town.code}),
        task("期限已过", 牵头责任单位=people.lead_unit.name, 办理期限=in_days(-1)),
    ])
    report = run_import(CASE_SHEET, content, people.city_clerk, apply=cases_import)
    assert [(e.row_number, e.column_header) for e in report.errors] == [(3, "乡镇（街道）"), (4, "办理期限")]
    assert "须属于所选县" in report.errors[0].message_zh and "不能早于今天" in report.errors[1].message_zh
    assert not Case.objects.exists() and not CaseEvent.objects.exists() and not Notification.objects.exists()


def test_reimport_creates_no_duplicates(people, client):
    client.force_login(people.clerk)
    numbered = [
        task("结对帮扶项目落地", 外部编号="A-1", 牵头责任单位=people.lead_unit.name, 工作日数=20),
        task("山区村集体增收", 外部编号="A-2"),
    ]
    assert upload(client, fill(CASE_SHEET, numbered)).status_code == 200
    again = upload(client, fill(CASE_SHEET, numbered + [task("新增的一项", 外部编号="A-3")]))
    assert again.status_code == 200
    report = again.context["report"]
    assert (report.created, report.unchanged) == (1, 2)
    assert Case.objects.count() == 3 and CaseEvent.objects.count() == 4

    unnumbered = [task("无编号事项"), task("无编号事项", **{"县（市、区）": "330782"})]
    first = upload(client, fill(CASE_SHEET, unnumbered[:1]))
    assert first.status_code == 200
    repeated = upload(client, fill(CASE_SHEET, unnumbered))
    assert repeated.status_code == 400
    messages = [(e.row_number, e.message_zh) for e in repeated.context["report"].errors]
    assert [n for n, _ in messages] == [2, 3, 3]
    assert "已有同名事项" in messages[0][1] and "同名事项" in messages[1][1]
    assert Case.objects.count() == 4


def test_duplicate_external_numbers_in_one_file_are_row_errors(people):
    content = fill(CASE_SHEET, [task("甲", 外部编号="B-1"), task("乙", 外部编号="B-1")])
    report = run_import(CASE_SHEET, content, people.clerk, apply=cases_import)
    assert [(e.row_number, e.column_header) for e in report.errors] == [(3, "外部编号")]
    assert not Case.objects.exists()


@pytest.mark.parametrize("who", ["lead_staff", "manager", "other_county_staff"])
def test_only_clerks_may_import(people, client, api_client, who):
    user = getattr(people, who)
    content = fill(CASE_SHEET, [task("事项")])
    client.force_login(user)
    assert client.get("/cases/import/").status_code == 403
    assert client.get("/cases/import/template.xlsx").status_code == 403
    assert upload(client, content).status_code == 403
    api_client.force_authenticate(user)
    response = api_client.post("/api/v1/cases/import/", {"file": _file(content, "a.xlsx")}, format="multipart")
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_case_list_and_create_page_link_to_the_import_for_clerks_only(people, client):
    client.force_login(people.clerk)
    assert 'href="/cases/import/"' in client.get("/cases/").content.decode()
    assert 'href="/cases/import/"' in client.get("/cases/new/").content.decode()
    client.force_login(people.lead_staff)
    assert 'href="/cases/import/"' not in client.get("/cases/").content.decode()


def test_api_import_answers_counts_or_every_row_error(people, api_client):
    api_client.force_authenticate(people.clerk)
    good = fill(CASE_SHEET, [task("事项一", 外部编号="C-1", 牵头责任单位=people.lead_unit.name, 工作日数=5)])
    response = api_client.post("/api/v1/cases/import/", {"file": _file(good, "a.xlsx")}, format="multipart")
    assert response.status_code == 200, response.json()
    assert (response.json()["created"], response.json()["unchanged"]) == (1, 0)
    assert Case.objects.get(external_ref="C-1").state == CaseState.ASSIGNED

    bad = fill(CASE_SHEET, [task("事项二", 类别="无此类别"), task("事项三", **{"县（市、区）": "330783"})])
    response = api_client.post("/api/v1/cases/import/", {"file": _file(bad, "b.xlsx")}, format="multipart")
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "invalid_rows"
    assert [(r["row"], r["column"]) for r in body["rows"]] == [(2, "类别"), (3, "县（市、区）")]
    assert Case.objects.count() == 1


def test_import_endpoint_is_in_the_schema(people, api_client):
    api_client.force_authenticate(people.clerk)
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/cases/import/"]["post"]
    assert operation["operationId"] == "cases_excel_import" and operation["tags"] == ["交办事项"]


# Logging and assigning a case through the services, each with its events, notifications and full_clean().
QUERIES_PER_ROW = 36


def test_a_task_list_imports_with_a_fixed_number_of_queries_per_row(people, health_bureau):
    """Speed belongs to the benchmarks; here the guard is that each row costs the same, whatever the sheet's size."""
    def sheet(first, count):
        return fill(CASE_SHEET, [
            task(f"结对帮扶任务第{n}项", 外部编号=f"2026-{n:03d}", 牵头责任单位=people.lead_unit.name,
                 协同责任单位=f"{people.co_unit.name}、{health_bureau.name}", 工作日数=20 + n % 30)
            for n in range(first, first + count)
        ])

    def import_counting(content):
        queries = []  # counted, not captured: Django keeps only the last 9,000 captured queries
        with connection.execute_wrapper(lambda execute, sql, *args: queries.append(1) or execute(sql, *args)):
            report = run_import(CASE_SHEET, content, people.clerk, apply=cases_import)
        assert report.ok, report.errors[:5]
        return report, len(queries)

    small_report, small = import_counting(sheet(1, 10))
    large_report, large = import_counting(sheet(11, 40))
    assert (small_report.created, large_report.created) == (10, 40)
    assert Case.objects.filter(state=CaseState.ASSIGNED).count() == 50
    assert CaseEvent.objects.count() == 100
    # Fixed costs aside, the forty-row sheet costs four times the ten-row one.
    assert (large - small) / 30 <= QUERIES_PER_ROW
    assert large <= 40 * QUERIES_PER_ROW + 50
    assert tampered_cases() == []


def test_a_template_downloaded_before_columns_were_renamed_still_imports(people, health_bureau, client):
    """办结期限 became 办理期限, 协办单位 协同责任单位, 描述 问题描述 and 乡镇 乡镇（街道） (one word for one
    thing, as the forms and pages say); a sheet with the former headers reads the same."""
    from openpyxl import Workbook

    former = {"办理期限": "办结期限", "协同责任单位": "协办单位", "问题描述": "描述", "乡镇（街道）": "乡镇"}
    old_headers = [former.get(h, h) for h in HEADERS]
    book = Workbook()
    sheet = book.active
    sheet.title = CASE_SHEET.title
    sheet.append(old_headers)
    sheet.append(task("旧模板事项", 外部编号="OLD-1", 牵头责任单位=people.lead_unit.name, 办理期限=in_days(30),
                      协同责任单位=health_bureau.name, 问题描述="旧模板的描述", **{"乡镇（街道）": township("330782").code}))
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(people.clerk)
    page = upload(client, buffer.getvalue()).content.decode()
    assert 'data-count="created">1<' in page, page
    case = Case.objects.get(external_ref="OLD-1")
    assert case.deadline == in_days(30) and case.description == "旧模板的描述"
    assert list(case.co_units.all()) == [health_bureau] and case.township == township("330782")
