import pytest

from monitoring import services
from monitoring.models import IndicatorValue
from monitoring.values import value_sheet, values_import
from registry.excel import run_import
from registry.models import ChangeRecord, Division

from .support import bureau_workbook, put


def _import(catalogue, user, rows):
    return run_import(value_sheet(catalogue), bureau_workbook(catalogue, rows), user, values_import)


def test_import_creates_values_and_the_same_file_again_changes_nothing(catalogue, province_clerk):
    rows = [{"period": "2025", "division": "330782", "S01": 75.2, "E01": 1.62, "t:E01": 1.6},
            {"period": "2025", "division": "330783", "S01": 68.0}]
    report = _import(catalogue, province_clerk, rows)
    assert report.ok, report.errors
    assert report.created == 3 and IndicatorValue.objects.count() == 3
    again = _import(catalogue, province_clerk, rows)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert ChangeRecord.objects.filter(reason="指标数值 Excel 导入").count() == 3


def test_every_bad_cell_is_reported_in_chinese_and_nothing_is_saved(catalogue, province_clerk):
    rows = [{"period": "2025Q3", "division": "330782", "S01": 75}, {"period": "二〇二五", "division": "330783", "S01": 1},
            {"period": "2025", "division": "999999", "S01": 2}, {"period": "2025", "division": "330782", "E01": "很高"}]
    report = _import(catalogue, province_clerk, rows)
    assert not report.ok and IndicatorValue.objects.count() == 0
    messages = " ".join(e.message_zh for e in report.errors)
    assert "不是数字" in messages or "应为数字" in messages or "数字" in messages
    assert all(e.row_number >= 2 for e in report.errors)
    fixed = [r for r in rows if r["period"] == "2025Q3"]
    report = _import(catalogue, province_clerk, fixed)
    assert not report.ok and "年度指标，不接受季度数值" in report.errors[0].message_zh


def test_a_correction_needs_a_reason_and_is_kept_in_history(catalogue, province_clerk):
    _import(catalogue, province_clerk, [{"period": "2025", "division": "330782", "S01": 75.2}])
    refused = _import(catalogue, province_clerk, [{"period": "2025", "division": "330782", "S01": 76}])
    assert not refused.ok and refused.errors[0].column_header == "修改原因"
    assert float(IndicatorValue.objects.get().value) == pytest.approx(75.2)
    ok = _import(catalogue, province_clerk, [{"period": "2025", "division": "330782", "S01": 76, "reason": "统计年鉴修订"}])
    assert ok.ok and ok.updated == 1
    change = ChangeRecord.objects.get(field="value", reason="更正：统计年鉴修订")
    assert (change.old_value, change.new_value) == ("75.2000", "76")


def test_county_staff_may_not_import_values(client, catalogue, yiwu_staff, yiwu_clerk):
    for user in (yiwu_staff, yiwu_clerk):
        client.force_login(user)
        assert client.get("/monitoring/values/excel/import/").status_code == 403


def test_county_user_reads_own_values_and_gets_404_for_another_countys_unpublished_values(api_client, catalogue, yiwu_staff):
    yiwu, dongyang = Division.objects.get(code="330782"), Division.objects.get(code="330783")
    own, other = put(catalogue, "2025", yiwu, "S01", 70), put(catalogue, "2025", dongyang, "S01", 60)
    api_client.force_authenticate(yiwu_staff)
    assert api_client.get(f"/api/v1/monitoring/values/{own.pk}/").status_code == 200
    response = api_client.get(f"/api/v1/monitoring/values/{other.pk}/")
    assert response.status_code == 404 and "error" in response.json()
    assert [r["division_code"] for r in api_client.get("/api/v1/monitoring/values/?period=2025").json()["results"]] == ["330782"]


def test_after_publication_a_county_reads_its_class_peers_values(api_client, catalogue, province_clerk, yiwu_staff):
    yiwu = Division.objects.get(code="330782")
    peer = Division.objects.filter(level=3, index_class=yiwu.index_class).exclude(pk=yiwu.pk).first()
    other_class = Division.objects.filter(level=3).exclude(index_class=yiwu.index_class).first()
    put(catalogue, "2025", yiwu, "S01", 70)
    peer_value, other_value = put(catalogue, "2025", peer, "S01", 60), put(catalogue, "2025", other_class, "S01", 50)
    services.index_compute(period="2025")
    services.index_publish(period="2025", by=province_clerk)
    api_client.force_authenticate(yiwu_staff)
    assert api_client.get(f"/api/v1/monitoring/values/{peer_value.pk}/").status_code == 200
    assert api_client.get(f"/api/v1/monitoring/values/{other_value.pk}/").status_code == 404


def test_api_correction_requires_a_reason_and_the_province(api_client, catalogue, province_clerk, yiwu_staff):
    value = put(catalogue, "2025", Division.objects.get(code="330782"), "S01", 70)
    api_client.force_authenticate(yiwu_staff)
    assert api_client.post(f"/api/v1/monitoring/values/{value.pk}/correct/", {"value": 71, "reason": "x"}).status_code == 403
    api_client.force_authenticate(province_clerk)
    response = api_client.post(f"/api/v1/monitoring/values/{value.pk}/correct/", {"value": 71, "reason": " "}, format="json")
    assert response.status_code == 400 and "error" in response.json()
    response = api_client.post(f"/api/v1/monitoring/values/{value.pk}/correct/", {"value": 71, "reason": "部门更正"}, format="json")
    assert response.status_code == 200 and float(response.json()["value"]) == 71
    assert ChangeRecord.objects.filter(field="value", reason="部门更正").exists()


def test_completeness_shows_missing_values(client, catalogue, province_manager):
    put(catalogue, "2025", Division.objects.get(code="330782"), "S01", 70)
    client.force_login(province_manager)
    page = client.get("/monitoring/values/?period=2025")
    assert page.status_code == 200
    html = page.content.decode()
    assert "completeness-table" in html and "缺" in html and "1/102" in html


def test_province_clerk_imports_the_bureau_workbook_through_the_page(client, catalogue, province_clerk):
    client.force_login(province_clerk)
    assert client.get("/monitoring/values/excel/import/").status_code == 200
    assert client.get("/monitoring/values/excel/template/").content[:2] == b"PK"
    upload = bureau_workbook(catalogue, [{"period": "2025", "division": "330782", "S01": 75.2}])
    upload.name = "统计局.xlsx"
    response = client.post("/monitoring/values/excel/import/", {"file": upload})
    assert response.status_code == 200 and "导入成功" in response.content.decode()
    bad = bureau_workbook(catalogue, [{"period": "2025", "division": "330782", "S01": "高"}])
    bad.name = "bad.xlsx"
    response = client.post("/monitoring/values/excel/import/", {"file": bad})
    assert response.status_code == 400 and "未保存任何数据" in response.content.decode()
    exported = client.get("/monitoring/values/excel/export/?period=2025")
    assert exported.status_code == 200 and exported.content[:2] == b"PK"
    assert client.get("/monitoring/catalogue/excel/import/").status_code == 200
