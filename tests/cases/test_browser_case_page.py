"""The case page in Chromium (zh-CN): buttons for the allowed actions, one form open at a time, a refused
撤销 keeps its text, a confirmed one goes through; the 交办单 prints at A4."""
import pytest

from cases.models import CaseState
from cases.numbering import case_number
from cases.workflow import available_actions

from .factories import case_at

pytestmark = pytest.mark.browser


def test_clerk_opens_an_action_from_its_button_and_submits_it(page, login_as, people, tmp_path):
    case = case_at(CaseState.ASSIGNED, people)
    login_as(people.clerk)
    page.goto(f"{page.base_url}/cases/{case.pk}/")
    assert page.locator("#case-number").inner_text() == case_number(case)
    buttons = page.locator("[data-action-toggle]")
    assert buttons.evaluate_all("els => els.map(e => e.dataset.actionToggle)") == [
        a.name for a in available_actions(case, people.clerk)
    ]
    assert page.locator("form[data-action]:visible").count() == 0

    page.click("[data-action-toggle=urge]")
    assert page.locator("form[data-action]:visible").count() == 1
    page.click("[data-action-toggle=cancel]")  # one form at a time: 督办 closes, 撤销 opens
    cancel = page.locator("form[data-action=cancel]")
    assert cancel.is_visible() and not page.locator("form[data-action=urge]").is_visible()
    assert "btn-outline-danger" in page.locator("[data-action-toggle=cancel]").get_attribute("class")

    # The browser refuses to submit without the confirmation tick (required); the server refuses too.
    cancel.locator("textarea[name=comment]").fill("与另一事项重复登记")
    cancel.locator("input[name=confirm]").evaluate("el => el.required = false")
    cancel.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "请勾选“确认撤销”后再提交" in cancel.locator("[data-action-error]").inner_text()
    assert cancel.is_visible() and cancel.locator("textarea[name=comment]").input_value() == "与另一事项重复登记"
    page.screenshot(path=str(tmp_path / "case-page-refused.png"), full_page=True)

    cancel.locator("input[name=confirm]").check()
    cancel.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "操作成功" in page.locator(".alert").first.inner_text()
    assert page.locator("#case-state").inner_text() == "已撤销"


def test_assignment_form_prints_at_a4(page, login_as, people, tmp_path):
    case = case_at(CaseState.ASSIGNED, people)
    login_as(people.lead_staff)
    page.goto(f"{page.base_url}/cases/{case.pk}/")
    page.click("[data-document=assign]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#doc-number").inner_text() == case_number(case)
    page.screenshot(path=str(tmp_path / "assign-form.png"), full_page=True)
    page.emulate_media(media="print")
    assert not page.locator(".doc-tools").is_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    import re

    boxes = re.findall(rb"/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]", pdf)
    assert boxes and all(round(float(w)) == 595 and round(float(h)) == 842 for w, h in boxes), boxes  # A4 in points
