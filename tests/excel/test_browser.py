"""A clerk keeps the unit list in Excel, in a real browser: download the template, fill, upload."""
import pytest

from registry.excel.organisations import ORGANISATION_SHEET
from registry.models import Organisation
from tests.factories import make_user

from .workbooks import fill

pytestmark = pytest.mark.browser


def test_a_clerk_downloads_the_template_fills_it_and_imports_it(page, login_as, tmp_path):
    clerk = make_user("clerk", "330782", username="clerk_yiwu_excel")
    login_as(clerk)
    page.goto(f"{page.base_url}/organisations/")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载导入模板").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    assert download.value.suggested_filename == "单位导入模板.xlsx"

    filled = tmp_path / "units.xlsx"
    filled.write_bytes(fill(ORGANISATION_SHEET, [["义乌市佛堂镇人民政府", "", "乡镇政府（街道办）",
                                                  "金华市/义乌市/佛堂镇", "是"]], template=template.read_bytes()))
    page.get_by_role("link", name="从 Excel 导入").click()
    page.set_input_files("#excel-file", str(filled))
    page.get_by_role("button", name="上传并导入").click()
    assert "导入成功：共 1 行，新增 1 条" in page.locator("#excel-import-result").inner_text()
    assert Organisation.objects.filter(name="义乌市佛堂镇人民政府", division__full_name="金华市/义乌市/佛堂镇").exists()

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(fill(ORGANISATION_SHEET, [["东阳某局", "", "其他单位", "330783", "也许"]]))
    page.set_input_files("#excel-file", str(bad))
    page.get_by_role("button", name="上传并导入").click()
    errors = page.locator("#excel-import-errors tbody tr").all_inner_texts()
    assert len(errors) == 2 and "第 2 行" in errors[0] and "不在您的管辖范围内" in errors[0]
    page.screenshot(path=str(tmp_path / "import-errors.png"), full_page=True)
