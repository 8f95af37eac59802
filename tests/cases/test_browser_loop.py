import pytest
from openpyxl import load_workbook

from cases.excel import CASE_SHEET
from cases.models import Case, CaseState

from .factories import PNG_BYTES

pytestmark = pytest.mark.browser


def _logout(page):
    page.click("form[action$='/logout/'] button")
    page.wait_for_load_state("networkidle")


def _act(page, action, comment=None, photo=None):
    page.click(f"[data-action-toggle={action}]")  # the page shows buttons; the chosen one opens its form
    form = page.locator(f"form[data-action={action}]")
    if comment:
        form.locator("textarea[name=comment]").fill(comment)
    if photo:
        form.locator("input[name=files]").set_input_files(str(photo))
    if form.locator("input[name=confirm]").count():
        form.locator("input[name=confirm]").check()  # 退回 and 撤销 ask for confirmation
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "操作成功" in page.locator(".alert").first.inner_text()


def test_assign_accept_feedback_reject_resubmit_close_in_the_browser(page, login_as, people, tmp_path):
    photo = tmp_path / "整改照片.png"
    photo.write_bytes(PNG_BYTES)

    login_as(people.clerk)
    page.goto(f"{page.base_url}/cases/new/")
    page.fill("#id_title", "村庄环境整治不到位")
    page.select_option("#id_category", label="督查发现问题")
    page.select_option("#id_county", value=str(people.county.pk))
    page.select_option("#id_lead_unit", value=str(people.lead_unit.pk))
    page.fill("#id_deadline_workdays", "10")
    page.click("#case-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#case-state").inner_text() == "已交办"
    case_url = page.url
    _logout(page)

    login_as(people.lead_staff)
    assert page.locator("#inbox-unread").inner_text() == "1"
    page.click("#nav-inbox")
    page.click("#inbox-list a")
    assert page.url == case_url
    _act(page, "accept")
    _act(page, "feedback", "已清理垃圾堆放点", photo)
    assert page.locator("#case-state").inner_text() == "已反馈（待审核）"
    _logout(page)

    login_as(people.clerk)
    page.goto(f"{page.base_url}/cases/review/")
    page.click("[data-review-open]")  # the queue shows the feedback; the case opens in review mode
    _act(page, "reject", "请补充整改后全景照片")
    _logout(page)

    login_as(people.lead_staff)
    page.goto(f"{page.base_url}/notifications/?unread=1")
    assert "请补充整改后全景照片" in page.locator("#inbox-list").inner_text()
    page.goto(case_url)
    _act(page, "feedback", "已补充全景照片", photo)
    _logout(page)

    login_as(people.clerk)
    page.goto(case_url)
    _act(page, "close", "整改到位，同意销号")
    assert page.locator("#case-state").inner_text() == "已销号"
    steps = page.locator("#timeline [data-event]").evaluate_all("els => els.map(e => e.dataset.event)")
    assert steps == ["create", "assign", "accept", "feedback", "reject", "feedback", "close"]
    assert page.locator("#timeline").get_by_text("整改照片.png").count() == 2
    page.screenshot(path=str(tmp_path / "closed.png"), full_page=True)

    case = Case.objects.get(title="村庄环境整治不到位")
    assert case.state == CaseState.CLOSED and case.attachments.count() == 2


def test_clerk_imports_a_task_list_from_the_case_list_in_the_browser(page, login_as, people, tmp_path):
    login_as(people.clerk)
    page.goto(f"{page.base_url}/cases/")
    page.click("#import-link")
    with page.expect_download() as download:
        page.get_by_text("下载导入模板").click()
    template = tmp_path / "模板.xlsx"
    download.value.save_as(template)
    workbook = load_workbook(template)
    cells = {
        "外部编号": "2026-001", "标题": "结对帮扶项目落地", "类别": "帮扶任务", "来源": "帮扶计划",
        "县（市、区）": people.county.code, "牵头责任单位": people.lead_unit.name, "工作日数": 10,
    }
    workbook["交办事项"].append([cells.get(c.header) for c in CASE_SHEET.columns])
    filled = tmp_path / "任务清单.xlsx"
    workbook.save(filled)
    page.set_input_files("#excel-file", str(filled))
    page.click("#excel-import-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#excel-import-result [data-count=created]").inner_text() == "1"
    assert Case.objects.get(external_ref="2026-001").state == CaseState.ASSIGNED
