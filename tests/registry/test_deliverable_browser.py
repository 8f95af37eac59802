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
    assert "新建" in page.locator("#history-table").inner_text()
    page.click("text=返回列表")
    assert "稠城来料加工共富工坊" in page.locator("#record-table").inner_text()
    page.screenshot(path=str(tmp_path / "workshop-list.png"), full_page=True)
