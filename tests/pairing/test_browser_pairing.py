"""In a real Chromium (zh-CN): a provincial department confirms a joint close-out from its own home page,
and the county clerk then closes the task on the case page."""
import pytest

from cases.models import Case, CaseState
from pairing import services
from tests.cases.factories import act, evidence

from .factories import deadline

pytestmark = pytest.mark.browser


def _logout(page):
    page.click("form[action$='/logout/'] button")
    page.wait_for_load_state("networkidle")


def test_a_department_confirms_from_its_home_page_and_the_county_clerk_closes(page, login_as, world):
    s = world.suichang
    task = services.task_create(by=world.suichang_clerk, pairing=s.pairing, number="2026-001", title="共建山区共富产业园",
                                groups=[s.groups["provincial"]], lead_unit=world.county_lead, deadline=deadline())
    case = task.case
    act(case, "accept", world.lead_staff)
    act(case, "feedback", world.lead_staff, comment="产业园一期已投用", attachments=[evidence(case, world.lead_staff)])

    login_as(world.dept_staff)
    page.goto(f"{page.base_url}/pairing/mine/")
    assert "遂昌县" in page.locator("#partner-counties").inner_text()
    row = page.locator("#partner-tasks tr[data-task='2026-001']")
    assert "省发展改革委：未确认" in row.inner_text()
    row.locator("input[name=comment]").fill("同意销号")
    row.locator("button[data-confirm='2026-001']").click()
    page.wait_for_load_state("networkidle")
    assert "已确认：共建山区共富产业园" in page.locator(".alert").first.inner_text()
    assert "省发展改革委：已确认" in page.locator("#partner-tasks tr[data-task='2026-001']").inner_text()
    assert page.locator("button[data-confirm='2026-001']").count() == 0
    _logout(page)

    login_as(world.suichang_clerk)
    page.goto(f"{page.base_url}/pairing/{s.pairing.pk}/")
    assert "已确认" in page.locator("#pairing-tasks tr[data-task='2026-001']").inner_text()
    page.click("#pairing-tasks tr[data-task='2026-001'] a")
    page.wait_for_load_state("networkidle")
    page.click("[data-action-toggle=close]")
    form = page.locator("form[data-action=close]")
    form.locator("textarea[name=comment]").fill("联合销号")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#case-state").inner_text() == "已销号"
    assert Case.objects.get(pk=case.pk).state == CaseState.CLOSED
    assert [e.action for e in Case.objects.get(pk=case.pk).events.order_by("seq")][-2:] == ["confirm", "close"]
