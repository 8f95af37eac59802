import pytest

from tests.factories import make_user

from .factories import YIWU, townships, villages

pytestmark = pytest.mark.browser


def test_clerk_creates_a_workshop_after_a_chinese_field_error(page, login_as, tmp_path):
    clerk = make_user("clerk", YIWU, username="clerk_yiwu_browser")
    township, village = townships(YIWU)[0], villages(YIWU)[0]
    login_as(clerk)
    page.click("#nav-items [data-nav-group=成果台账]")
    page.click("#nav-items a[data-nav=workshop_list]")
    page.click("text=新建共富工坊")
    page.fill("#id_name", "稠城来料加工共富工坊")
    page.fill("#id_village", township.code)
    page.select_option("#id_type", label="来料加工式")
    page.select_option("#id_pairing_form", label="一村对一企")
    page.click("#record-submit")
    page.screenshot(path=str(tmp_path / "workshop-form-error.png"), full_page=True)
    assert page.locator("[data-field=village]").inner_text() == "共富工坊须建在村（社区）一级。"
    page.fill("#id_village", village.full_name)
    page.click("#record-submit")
    assert page.locator(".page-title").inner_text() == "共富工坊：稠城来料加工共富工坊"
    # The creation is one history row: its initial values, one per line.
    creation = page.locator("#history-table tbody tr")
    assert creation.count() == 1
    assert creation.locator("td").nth(2).inner_text() == "新建"
    lines = creation.locator("td").nth(5).inner_text().splitlines()
    assert lines[0] == "工坊名称：稠城来料加工共富工坊" and f"所在村：{village.full_name}" in lines
    page.click("text=返回列表")
    assert "稠城来料加工共富工坊" in page.locator("#record-table").inner_text()
    page.screenshot(path=str(tmp_path / "workshop-list.png"), full_page=True)


def test_clerk_imports_a_workshop_sheet_and_sees_the_result(page, login_as, tmp_path):
    from registry.deliverables.excel import SHEET_BY_KEY
    from tests.excel.workbooks import fill

    clerk = make_user("clerk", YIWU, username="clerk_yiwu_excel")
    village_a, village_b = villages(YIWU, 2)
    spec = SHEET_BY_KEY["workshop"].spec
    bad = tmp_path / "有错的工坊表.xlsx"
    bad.write_bytes(fill(spec, [
        ["江滨来料加工共富工坊", village_a.code, "来料加工式", "一村对一企"],
        ["建在街道的工坊", townships(YIWU)[0].code, "来料加工式", "一村对一企"],
    ]))
    good = tmp_path / "工坊表.xlsx"
    good.write_bytes(fill(spec, [
        ["江滨来料加工共富工坊", village_a.code, "来料加工式", "一村对一企"],
        ["下车门电商直播共富工坊", village_b.full_name, "电商直播式", "多村对一企"],
    ]))
    login_as(clerk)
    page.goto(f"{page.base_url}/workshops/")
    page.click("text=从 Excel 导入")
    page.set_input_files("#excel-file", str(bad))
    page.click("#excel-import-form button[type=submit]")
    assert "未保存任何数据" in page.locator("#excel-import-result").inner_text()
    assert "第 3 行" in page.locator("#excel-import-errors").inner_text()
    page.set_input_files("#excel-file", str(good))
    page.click("#excel-import-form button[type=submit]")
    assert page.locator("[data-count=created]").inner_text() == "2"
    page.screenshot(path=str(tmp_path / "import-result.png"), full_page=True)
    page.click("text=返回列表")
    table = page.locator("#record-table").inner_text()
    assert "江滨来料加工共富工坊" in table and "下车门电商直播共富工坊" in table
