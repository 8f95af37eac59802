"""Clerks keep the unit list in Excel: template, filtered export and import pages, and the API."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry.excel.organisations import ORGANISATION_SHEET
from registry.models import Division, Organisation
from tests.factories import make_user

from .workbooks import fill, sheet_rows

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
URLS = ["organisation-excel-template", "organisation-excel-export", "organisation-excel-import"]


def _upload(content, name="单位.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX)


@pytest.mark.parametrize("url_name", URLS)
def test_staff_and_managers_get_403_and_anonymous_users_go_to_login(client, yiwu_staff, province_manager, url_name):
    url = reverse(url_name)
    assert client.get(url).status_code == 302
    for user in (yiwu_staff, province_manager):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url).status_code in (403, 405)


def test_only_clerks_see_the_excel_buttons_on_the_unit_list(client, yiwu_clerk, province_manager):
    client.force_login(province_manager)
    assert "excel-actions" not in client.get(reverse("organisation-list")).content.decode()
    client.force_login(yiwu_clerk)
    page = client.get(reverse("organisation-list"), {"kind": "enterprise"}).content.decode()
    assert reverse("organisation-excel-import") in page
    assert reverse("organisation-excel-export") + "?kind=enterprise" in page


def test_the_template_downloads_as_xlsx_with_a_chinese_filename(client, yiwu_clerk):
    client.force_login(yiwu_clerk)
    response = client.get(reverse("organisation-excel-template"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert sheet_rows(response.content, "单位") == [("单位名称", "简称", "单位类型", "所在区划", "启用")]


def test_the_export_is_the_clerks_filtered_list_only(client, yiwu_clerk, divisions):
    yiwu, dongyang = Division.objects.get(code="330782"), Division.objects.get(code="330783")
    Organisation.objects.create(name="义乌企业", kind="enterprise", division=yiwu)
    Organisation.objects.create(name="义乌某局", kind="other", division=yiwu)
    Organisation.objects.create(name="东阳企业", kind="enterprise", division=dongyang)
    client.force_login(yiwu_clerk)
    response = client.get(reverse("organisation-excel-export"), {"kind": "enterprise"})
    assert response.status_code == 200
    assert [row[0] for row in sheet_rows(response.content, "单位")[1:]] == ["义乌企业"]


def test_a_clerk_imports_a_sheet_and_sees_the_counts(client, yiwu_clerk):
    client.force_login(yiwu_clerk)
    content = fill(ORGANISATION_SHEET, [["义乌市文旅集团", "", "国有企业", "330782", "是"]])
    response = client.post(reverse("organisation-excel-import"), {"file": _upload(content)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "导入成功：共 1 行，新增 1 条" in page
    assert Organisation.objects.filter(name="义乌市文旅集团", kind="soe").exists()

    again = client.post(reverse("organisation-excel-import"), {"file": _upload(content)}).content.decode()
    assert '<strong data-count="unchanged">1</strong>' in again


def test_a_bad_sheet_shows_every_error_in_a_table_and_saves_nothing(client, yiwu_clerk):
    client.force_login(yiwu_clerk)
    content = fill(ORGANISATION_SHEET, [["好单位", "", "企业", "330782", "是"], ["", "", "坏类型", "330783", "是"]])
    response = client.post(reverse("organisation-excel-import"), {"file": _upload(content)})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="excel-import-errors"' in page and "错误明细（共 3 处）" in page
    assert "第 3 行" in page and "不是可选值" in page and "不在您的管辖范围内" in page
    assert not Organisation.objects.filter(name="好单位").exists()


def test_a_non_excel_upload_gets_a_chinese_reason(client, yiwu_clerk):
    client.force_login(yiwu_clerk)
    response = client.post(reverse("organisation-excel-import"), {"file": _upload(b"name,kind\n", "units.csv")})
    assert response.status_code == 400
    assert "不是有效的 Excel 工作簿" in response.content.decode()


def test_an_oversized_upload_is_cut_off_while_it_is_received(client, yiwu_clerk, settings):
    settings.EXCEL_MAX_BYTES = 64 * 1024
    client.force_login(yiwu_clerk)
    response = client.post(reverse("organisation-excel-import"), {"file": _upload(b"\0" * (200 * 1024))})
    assert response.status_code == 400
    assert "超过单个文件 0.1 MB 的上限" in response.content.decode()


def test_the_import_page_still_checks_csrf(yiwu_clerk):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(yiwu_clerk)
    content = fill(ORGANISATION_SHEET, [["单位", "", "企业", "330782", "是"]])
    assert client.post(reverse("organisation-excel-import"), {"file": _upload(content)}).status_code == 403
    assert not Organisation.objects.filter(name="单位").exists()


def test_the_api_answers_counts_or_structured_row_errors(api_client, yiwu_clerk):
    url = reverse("api-organisation-excel-import")
    api_client.force_authenticate(yiwu_clerk)
    good = fill(ORGANISATION_SHEET, [["义乌市图书馆", "", "其他单位", "330782", "是"]])
    response = api_client.post(url, {"file": _upload(good)}, format="multipart")
    assert response.status_code == 200
    assert response.json() | {"message": ""} == {"ok": True, "message": "", "row_count": 1, "created": 1,
                                                  "updated": 0, "unchanged": 0}

    bad = fill(ORGANISATION_SHEET, [["", "", "企业", "330782", "是"], ["东阳", "", "企业", "330783", "是"]])
    error = api_client.post(url, {"file": _upload(bad)}, format="multipart").json()["error"]
    assert error["code"] == "invalid_rows" and error["status"] == 400
    assert error["rows"] == [
        {"row": 2, "column": "单位名称", "message": "必填，不能为空"},
        {"row": 3, "column": "所在区划", "message": "找不到区划“330783”，或该区划不在您的管辖范围内"},
    ]
    assert api_client.post(url, {}, format="multipart").json()["error"]["code"] == "invalid_file"


def test_the_api_refuses_non_clerks_with_403(api_client, yiwu_staff):
    api_client.force_authenticate(yiwu_staff)
    content = fill(ORGANISATION_SHEET, [["单位", "", "企业", "330782", "是"]])
    response = api_client.post(reverse("api-organisation-excel-import"), {"file": _upload(content)}, format="multipart")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_the_api_upload_is_in_the_schema(api_client, province_clerk):
    api_client.force_authenticate(province_clerk)
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/organisations/excel/import/"]["post"]
    assert operation["tags"] == ["单位"]
    assert "multipart/form-data" in operation["requestBody"]["content"]


def test_a_city_clerk_may_place_units_anywhere_in_the_city(client, divisions):
    clerk = make_user("clerk", "330700")
    client.force_login(clerk)
    content = fill(ORGANISATION_SHEET, [["东阳企业", "", "企业", "330783", "是"], ["杭州企业", "", "企业", "330102", "是"]])
    page = client.post(reverse("organisation-excel-import"), {"file": _upload(content)}).content.decode()
    assert "第 3 行" in page and "330102" in page
    assert not Organisation.objects.filter(name="东阳企业").exists()
