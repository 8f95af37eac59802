import io

from openpyxl import load_workbook

from monitoring.catalogue import CATALOGUE_SHEET, DEMO_NOTICE, catalogue_import, indicators_for, seed_demo_catalogue
from monitoring.models import Frequency, Indicator
from registry.excel import run_import
from registry.models import ChangeRecord

from ..excel.workbooks import fill


def test_demo_catalogue_has_18_indicators_over_the_four_domains_and_is_labelled_a_demonstration(catalogue):
    assert catalogue.is_demonstration
    indicators = list(catalogue.indicators.select_related("domain"))
    assert len(indicators) == 18
    assert {i.domain.name for i in indicators} == {"城乡空间融合", "城乡经济融合", "城乡生活融合", "城乡生态融合"}
    assert all(i.frequency == Frequency.QUARTER for i in indicators if i.is_key)
    assert seed_demo_catalogue() == catalogue and Indicator.objects.count() == 18  # idempotent


def test_a_quarter_counts_only_quarterly_indicators(catalogue):
    assert len(indicators_for("2025", catalogue)) == 18
    assert {i.frequency for i in indicators_for("2025Q3", catalogue)} == {Frequency.QUARTER}


def test_catalogue_page_says_it_is_a_demonstration_set(client, province_manager, catalogue):
    client.force_login(province_manager)
    page = client.get("/monitoring/catalogue/").content.decode()
    assert DEMO_NOTICE in page and "城乡居民收入比" in page


def test_county_staff_may_not_open_the_catalogue(client, yiwu_staff, catalogue):
    client.force_login(yiwu_staff)
    assert client.get("/monitoring/catalogue/").status_code == 403


def test_export_reimported_changes_nothing_and_an_edit_is_recorded(client, province_clerk, catalogue):
    client.force_login(province_clerk)
    exported = client.get("/monitoring/catalogue/excel/export/").content
    report = run_import(CATALOGUE_SHEET, io.BytesIO(exported), province_clerk, catalogue_import)
    assert report.ok and (report.created, report.updated, report.unchanged) == (0, 0, 18)

    workbook = load_workbook(io.BytesIO(exported))
    sheet = workbook[CATALOGUE_SHEET.title]
    headers = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=headers.index("主观权重") + 1, value=3)
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = run_import(CATALOGUE_SHEET, io.BytesIO(buffer.getvalue()), province_clerk, catalogue_import)
    assert report.ok and report.updated == 1
    assert Indicator.objects.get(code="S01").subjective_weight == 3
    assert ChangeRecord.objects.filter(field="subjective_weight", new_value="3").exists()


def test_a_key_indicator_reported_yearly_is_refused_with_a_chinese_error(province_clerk, catalogue):
    content = fill(CATALOGUE_SHEET, [[
        "demo-2025", "X01", "测试指标", "城乡空间融合", "%", "正向（越高越好）", None, None, "年度", "水平值（从上年值起算）",
        "省统计局", "是", "是", "是", "是", 1, None, None, 99,
    ]])
    report = run_import(CATALOGUE_SHEET, io.BytesIO(content), province_clerk, catalogue_import)
    assert not report.ok
    assert any("重点指标按季度报送" in str(e.as_dict()) for e in report.errors)
    assert not Indicator.objects.filter(code="X01").exists()
