"""Inputs that used to break pages: each answers a Chinese 400 (or 404), never a 500.

Run on SQLite and on PostgreSQL (NUL bytes and ids beyond bigint behave differently there).
"""
import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from cases.models import Case, CaseCategory
from registry.deliverables import services as registry_services
from registry.excel import ExcelError, export_rows, parse_workbook
from registry.excel.organisations import ORGANISATION_SHEET
from registry.inputs import CONTROL_MESSAGE, month_from_text, year_bounds
from tests.cases.factories import make_people, new_case
from tests.excel.workbooks import fill, replace_parts
from tests.projects.test_api import new_project_body
from tests.registry.factories import YIWU, CentralTownFactory, townships

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"
NUL = "\x00"
HUGE_ID = "99999999999999999999999"  # beyond bigint (and beyond SQLite's 64-bit integers)


@pytest.fixture
def people(divisions):
    return make_people()


@pytest.fixture
def clerk_api(api_client, people):
    api_client.force_authenticate(people.clerk)
    return api_client


@pytest.fixture
def province_api(api_client, people):
    api_client.force_authenticate(people.province_clerk)
    return api_client


def case_body(people, **extra):
    category = CaseCategory.objects.get(name="督查发现问题")
    return {"title": "村道破损未修复", "category": category.pk, "county": people.county.code, **extra}


def assert_api_error(response, status=400):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and body["error"]["message"]
    return body["error"]


# --- control characters ---------------------------------------------------------------------------

@pytest.mark.parametrize("title", ["标题\x0b", "标题\x00", "\x1b[31m标题"])
def test_api_refuses_control_characters_in_any_text(clerk_api, people, title):
    error = assert_api_error(clerk_api.post(CASES, case_body(people, title=title), format="json"))
    assert error["fields"]["title"] == [CONTROL_MESSAGE]
    assert not Case.objects.exists()


def test_api_refuses_control_characters_in_multipart_fields(clerk_api, people):
    error = assert_api_error(clerk_api.post(CASES, case_body(people, description="说明\x0c"), format="multipart"))
    assert error["fields"]["description"] == [CONTROL_MESSAGE]


def test_api_keeps_tabs_and_newlines_in_text(clerk_api, people):
    response = clerk_api.post(CASES, case_body(people, description="第一行\n\t第二行"), format="json")
    assert response.status_code == 201, response.json()
    assert Case.objects.get().description == "第一行\n\t第二行"


def test_case_form_refuses_control_characters_with_a_chinese_field_error(client, people):
    client.force_login(people.clerk)
    category = CaseCategory.objects.get(name="督查发现问题")
    response = client.post("/cases/new/", {
        "title": "标\x0b题", "category": category.pk, "county": people.county.pk, "source": "inspection", "priority": 1,
    })
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [CONTROL_MESSAGE]
    assert not Case.objects.exists()


def test_excel_cells_with_control_characters_are_row_errors():
    column = ORGANISATION_SHEET.columns[0]
    with pytest.raises(Exception) as caught:
        column.clean("单位\x0b名称")
    assert str(caught.value) == CONTROL_MESSAGE


@pytest.mark.parametrize("url", ["/api/v1/cases/", "/api/v1/divisions/", "/api/v1/rollups/", "/api/v1/board/"])
@pytest.mark.parametrize("param", ["county", "code_prefix", "division", "q", "month"])
def test_nul_in_any_query_parameter_is_a_400(province_api, url, param):
    error = assert_api_error(province_api.get(url, {param: f"33{NUL}"}))
    assert "控制字符" in error["message"]


def test_nul_in_a_page_query_parameter_is_a_chinese_400(client, people):
    client.force_login(people.clerk)
    response = client.get("/cases/", {"county": f"330782{NUL}"})
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()


def test_nul_in_a_code_inside_a_json_body_is_a_400(clerk_api, people):
    assert_api_error(clerk_api.post(CASES, case_body(people, county=f"330782{NUL}"), format="json"))
    assert_api_error(clerk_api.post("/api/v1/projects/", new_project_body(county=f"330782{NUL}"), format="json"))


# --- exports --------------------------------------------------------------------------------------

def _cells(content: bytes, title: str) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content))[title]
    return [list(row) for row in sheet.iter_rows()]


def test_case_export_survives_a_control_character_stored_directly(client, people):
    case = new_case(people, title="正常标题")
    Case.objects.filter(pk=case.pk).update(title="标题\x0b尾")
    client.force_login(people.clerk)
    response = client.get("/cases/export.xlsx")
    assert response.status_code == 200
    rows = _cells(response.content, "交办事项")
    assert rows[1][1].value == "标题尾"


@pytest.mark.parametrize("text", ["=1+2", "+SUM(A1:A2)", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "=HYPERLINK(\"http://x\")"])
def test_case_export_writes_formula_like_text_as_text(client, people, text):
    case = new_case(people)
    Case.objects.filter(pk=case.pk).update(title=text)
    client.force_login(people.clerk)
    cell = _cells(client.get("/cases/export.xlsx").content, "交办事项")[1][1]
    assert cell.data_type == "s"
    assert cell.value == text


def test_sheet_exports_sanitise_and_write_formula_like_text_as_text(divisions):
    rows = [{"name": "=cmd|' /C calc'!A0", "kind": "", "division": None}, {"name": "单位\x0b名", "kind": "", "division": None}]
    content = export_rows(ORGANISATION_SHEET, rows)
    cells = _cells(content, ORGANISATION_SHEET.title)
    assert cells[1][0].data_type == "s" and cells[1][0].value == "=cmd|' /C calc'!A0"
    assert cells[2][0].value == "单位名"


def test_importers_still_refuse_formulas(divisions, yiwu_clerk):
    content = fill(ORGANISATION_SHEET, [["=1+1", "", "县级政府", "330782"]])
    result = parse_workbook(ORGANISATION_SHEET, content, yiwu_clerk)
    assert any("公式" in error.message_zh for error in result.errors)


# --- months, levels, ids, nesting, size -------------------------------------------------------------

@pytest.mark.parametrize("month", ["2026-13", "0000-00", "0001-01", "9999-12", "2026-00"])
@pytest.mark.parametrize("url", ["/api/v1/rollups/runs/", "/api/v1/bulletins/"])
def test_bad_months_in_posts_are_400(province_api, url, month):
    error = assert_api_error(province_api.post(url, {"month": month}, format="json"))
    assert "month" in error["fields"]


@pytest.mark.parametrize("month", ["2026-13", "0000-00", "0001-01", "9999-12"])
def test_bad_months_in_paths_are_404_not_500(province_api, month):
    assert_api_error(province_api.get(f"/api/v1/project-months/{month}/"), status=404)


@pytest.mark.parametrize("month", ["2026-13", "0000-00", "9999-12"])
def test_bad_months_in_query_parameters_never_500(province_api, client, people, month):
    for url in ("/api/v1/board/", "/api/v1/rollups/", "/api/v1/projects/"):
        assert province_api.get(url, {"month": month}).status_code < 500
    client.force_login(people.province_clerk)
    for url in ("/rollups/board/", "/projects/"):
        assert client.get(url, {"month": month}).status_code < 500


def test_month_bounds_are_decided_in_one_place():
    first, last = year_bounds()
    assert month_from_text(f"{first}-01") == datetime.date(first, 1, 1)
    for text in (f"{first - 1}-12", f"{last + 1}-01", "2026-1-x", "2026"):
        with pytest.raises(ValueError):
            month_from_text(text)


def test_level_null_is_a_400(province_api):
    assert_api_error(province_api.get("/api/v1/rollups/", {"level": "null"}))


@pytest.mark.parametrize("url", [f"/api/v1/cases/{HUGE_ID}/", f"/api/v1/projects/{HUGE_ID}/", f"/api/v1/axes/{HUGE_ID}/",
                                 f"/api/v1/case-attachments/{HUGE_ID}/download/"])
def test_ids_beyond_bigint_in_api_paths_are_404(province_api, url):
    assert_api_error(province_api.get(url), status=404)


def test_ids_beyond_bigint_in_page_paths_are_404(client, people):
    client.force_login(people.clerk)
    assert client.get(f"/cases/{HUGE_ID}/").status_code == 404
    assert client.get(f"/cases/{2**63}/").status_code == 404
    assert client.get(f"/cases/{'9' * 5000}/").status_code == 404
    assert client.get(f"/cases/{2**63 - 1}/").status_code == 404  # in range: an ordinary miss


@pytest.mark.parametrize("field", ["category", "joint_parties"])
def test_ids_beyond_bigint_in_json_are_400(clerk_api, people, field):
    value = [int(HUGE_ID)] if field == "joint_parties" else int(HUGE_ID)
    error = assert_api_error(clerk_api.post(CASES, case_body(people, **{field: value}), format="json"))
    assert field in error["fields"]


def test_json_nested_100000_deep_is_a_400(clerk_api):
    body = "[" * 100_000 + "]" * 100_000
    assert_api_error(clerk_api.post(CASES, body, content_type="application/json"))


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_a_body_over_the_upload_limit_is_the_api_error_under_api(clerk_api, people):
    response = clerk_api.post(CASES, case_body(people, description="长" * 2000), format="multipart")
    error = assert_api_error(response)
    assert "过大" in error["message"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_a_json_body_over_the_upload_limit_is_the_api_error(clerk_api, people):
    error = assert_api_error(clerk_api.post(CASES, case_body(people, description="长" * 2000), format="json"))
    assert "过大" in error["message"]
    assert not Case.objects.exists()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_a_body_over_the_upload_limit_is_a_chinese_page_elsewhere(client, people):
    client.force_login(people.clerk)
    response = client.post("/cases/new/", {"title": "标题", "description": "长" * 2000})
    assert response.status_code == 400
    assert "过大" in response.content.decode()


# --- hostile workbooks ----------------------------------------------------------------------------

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol4;</workbook>'
)


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/styles.xml", "xl/_rels/workbook.xml.rels", "docProps/core.xml"])
def test_billion_laughs_in_any_part_is_not_a_valid_workbook(divisions, yiwu_clerk, part):
    content = replace_parts(fill(ORGANISATION_SHEET, [["单位", "", "县级政府", "330782"]]), {part: BILLION_LAUGHS.encode()})
    with pytest.raises(ExcelError) as caught:
        parse_workbook(ORGANISATION_SHEET, content, yiwu_clerk)
    assert "不是有效的 Excel 工作簿" in str(caught.value)


def _import_endpoints() -> list[str]:
    """Every import operation of the API, read from its schema (so a new one is covered by itself)."""
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return sorted(path.replace("{month}", "2026-03") for path, operations in paths.items()
                  if path.endswith("import/") and "post" in operations)


def test_billion_laughs_on_every_import_endpoint_is_a_400(api_client, people):
    from monitoring.catalogue import seed_demo_catalogue

    seed_demo_catalogue()  # the index values' sheet exists once a catalogue does
    content = replace_parts(fill(ORGANISATION_SHEET, [["单位", "", "县级政府", "330782"]]), {"xl/workbook.xml": BILLION_LAUGHS.encode()})
    endpoints = _import_endpoints()
    assert len(endpoints) >= 12
    for url in endpoints:
        # Monthly figures are imported by county staff; everything else by a (province) clerk.
        api_client.force_authenticate(people.lead_staff if "project-months" in url else people.province_clerk)
        response = api_client.post(url, {"file": SimpleUploadedFile("x.xlsx", content)}, format="multipart")
        assert response.status_code == 400, (url, response.content[:300])
        assert "不是有效的 Excel 工作簿" in response.json()["error"]["message"], url


# --- dates and ranges -----------------------------------------------------------------------------

def test_a_deadline_in_9999_is_refused(clerk_api, people):
    case = new_case(people)
    response = clerk_api.post(f"{CASES}{case.pk}/actions/", {
        "action": "assign", "version": case.version, "lead_unit": people.lead_unit.pk, "deadline": "9999-12-31",
    }, format="json")
    error = assert_api_error(response)
    assert "deadline" in error["fields"]


def test_planned_completion_before_planned_start_is_refused(api_client, yiwu_clerk):
    api_client.force_authenticate(yiwu_clerk)
    body = new_project_body(planned_start="2026-06-01", planned_completion="2026-01-01")
    error = assert_api_error(api_client.post("/api/v1/projects/", body, format="json"))
    assert "planned_completion" in error["fields"]


@pytest.mark.parametrize("field, value", [("actual_start", "2099-01-01"), ("planned_start", "1900-01-01"),
                                          ("planned_completion", "9999-01-01")])
def test_implausible_project_dates_are_refused(api_client, yiwu_clerk, field, value):
    api_client.force_authenticate(yiwu_clerk)
    error = assert_api_error(api_client.post("/api/v1/projects/", new_project_body(**{field: value}), format="json"))
    assert field in error["fields"]


def test_integer_fields_refuse_fractions(clerk_api, people):
    error = assert_api_error(clerk_api.post(CASES, case_body(people, priority=1.5), format="json"))
    assert "priority" in error["fields"]


def test_excel_dates_outside_the_bounds_are_row_errors():
    from registry.excel import Column, Kind

    column = Column("日期", "day", Kind.DATE)
    with pytest.raises(Exception) as caught:
        column.clean("9999-01-01")
    assert "之间" in str(caught.value)


# --- double submit --------------------------------------------------------------------------------

def test_api_double_submit_creates_one_case(clerk_api, people):
    assert clerk_api.post(CASES, case_body(people), format="json").status_code == 201
    error = assert_api_error(clerk_api.post(CASES, case_body(people), format="json"))
    assert "请勿重复提交" in error["fields"]["title"][0]
    assert Case.objects.count() == 1


def test_form_double_submit_creates_one_case(client, people):
    client.force_login(people.clerk)
    category = CaseCategory.objects.get(name="督查发现问题")
    data = {"title": "村道破损", "category": category.pk, "county": people.county.pk, "source": "inspection", "priority": 1}
    assert client.post("/cases/new/", data).status_code == 302
    again = client.post("/cases/new/", data)
    assert again.status_code == 200
    assert "请勿重复提交" in again.context["form"].errors["title"][0]
    assert Case.objects.count() == 1


# --- plan files -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, content", [
    ("方案.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
    ("方案.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"),
    ("方案.docx", b"%PDF-1.4 not a docx"),
    ("方案.zip", b"MZ\x90\x00"),
])
def test_plan_files_are_checked_by_content(province_clerk, name, content):
    town = CentralTownFactory(division=townships(YIWU)[0])
    with pytest.raises(Exception) as caught:
        registry_services.central_town_update(actor=province_clerk, instance=town, data={"plan": SimpleUploadedFile(name, content)})
    assert "内容" in caught.value.message_dict["plan"][0]


def test_real_plan_files_are_accepted(province_clerk):
    town = CentralTownFactory(division=townships(YIWU)[0])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "x")
    for name, content in (("方案.pdf", b"%PDF-1.7 plan"), ("方案.zip", buffer.getvalue())):
        registry_services.central_town_update(actor=province_clerk, instance=town, data={"plan": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize("url", ["/cases/import/", "/organisations/excel/import/"])
def test_billion_laughs_on_import_pages_is_the_chinese_refusal(client, people, url):
    content = replace_parts(fill(ORGANISATION_SHEET, [["单位", "", "县级政府", "330782"]]), {"xl/workbook.xml": BILLION_LAUGHS.encode()})
    client.force_login(people.province_clerk)
    response = client.post(url, {"file": SimpleUploadedFile("x.xlsx", content)})
    assert response.status_code in (200, 400)
    assert "不是有效的 Excel 工作簿" in response.content.decode()
