"""Everyday use in Chromium (zh-CN), on a desktop and on a phone (390 px): the lists' chips, name
lookups, sorting and print view; the review queue's inline feedback and next case; a stale form that
says who changed what and keeps the text; the to-do list, case list and notifications as cards; the
case page's timeline and badges. Screenshots are kept in var/test-output/ for people to look at."""
import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from cases.models import Case, CaseState, Notification
from cases.numbering import case_number
from cases.services import case_update

from .factories import act, case_at

pytestmark = pytest.mark.browser

OUTPUT = Path(settings.BASE_DIR) / "var" / "test-output"
PHONE = {"width": 390, "height": 844}


def keep(page, name):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / name), full_page=True)


def go(page, path):
    page.goto(f"{page.base_url}{path}")
    page.wait_for_load_state("networkidle")


def _fits_the_phone(page, selector):
    """Every matching element lies within the 390 px viewport and shows all of its content."""
    return page.locator(selector).evaluate_all(
        """els => els.filter(e => e.offsetParent !== null).map(e => {
             const r = e.getBoundingClientRect();
             return r.left >= -0.5 && r.right <= window.innerWidth + 0.5 && e.scrollWidth <= e.clientWidth + 1;
           })"""
    )


def test_desktop_case_list_chips_lookup_sort_and_print(page, login_as, people):
    cases = [case_at(CaseState.ASSIGNED, people, title=f"村道破损{i}") for i in range(3)]
    today = timezone.localdate()
    for i, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(deadline=today + dt.timedelta(days=30 - i))
    login_as(people.province_clerk)
    go(page, "/cases/")
    assert page.locator("#filter-form").is_visible()  # open on a desktop
    page.locator("#id_county").press_sequentially("义乌")
    page.locator("#county-options option").first.wait_for(state="attached")
    assert "金华市/义乌市" in page.locator("#county-options option").evaluate_all("os => os.map(o => o.value)")
    page.fill("#id_county", "金华市/义乌市")
    page.select_option("#id_level", "1")
    page.click("#filter-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    chips = page.locator(".filter-chip")
    assert chips.count() == 2 and "区划（含下级）：金华市/义乌市" in chips.first.inner_text()
    assert page.locator("#id_county").input_value() == "金华市/义乌市"

    page.click("a.sort-link[data-sort=deadline]")
    page.wait_for_load_state("networkidle")
    shown = page.locator("#case-table tbody tr").evaluate_all("rows => rows.map(r => Number(r.dataset.case))")
    assert shown == [c.pk for c in reversed(cases)]
    assert page.locator(".filter-chip").count() == 2  # sorting kept the filters
    assert page.locator("#case-table tbody tr").first.locator("td").first.inner_text() == case_number(cases[2])
    keep(page, "desktop-case-list.png")

    page.locator(".filter-chip[data-chip=level]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".filter-chip").count() == 1 and "sort=deadline" in page.url

    page.click("#print-link")
    page.wait_for_load_state("networkidle")
    assert page.locator("#print-toolbar").is_visible() and not page.locator("header.navbar").is_visible()
    assert page.locator("#case-table tbody tr").count() == 3
    page.emulate_media(media="print")
    assert not page.locator("#print-toolbar").is_visible()
    keep(page, "desktop-case-list-print.png")


def test_phone_lists_are_cards_with_one_tap_to_open(page, login_as, people):
    overdue = case_at(CaseState.RECTIFYING, people, title="村口垃圾收集点未按期整改到位需要复核")
    Case.objects.filter(pk=overdue.pk).update(deadline=timezone.localdate() - dt.timedelta(days=2), red_card=True)
    for i in range(2):
        case_at(CaseState.ASSIGNED, people, title=f"农房风貌提升{i}")
    page.set_viewport_size(PHONE)
    login_as(people.lead_staff)

    go(page, "/cases/todo/?tab=overdue")
    card = page.locator("#case-table tbody tr").first
    assert card.evaluate("r => getComputedStyle(r).display") == "grid"
    assert card.evaluate("r => getComputedStyle(r).borderLeftColor") == "rgb(214, 57, 57)"  # the red card's colour
    assert not page.locator("#case-table thead").is_visible()
    assert all(_fits_the_phone(page, "#case-table tbody tr")) and all(_fits_the_phone(page, ".badge"))
    overdue.refresh_from_db()
    assert overdue.deadline.isoformat() in card.inner_text() and "整改中" in card.inner_text()
    assert "办理期限" in card.locator("td").nth(7).evaluate("td => getComputedStyle(td, '::before').content")
    keep(page, "phone-todo.png")

    go(page, "/cases/")
    assert not page.locator("#filter-form").is_visible()  # the filters fold away on a phone
    page.click("#filter-toggle")
    assert page.locator("#filter-form").is_visible()
    page.click("#filter-toggle")
    assert page.locator("#case-table tbody tr").count() == 3
    assert all(_fits_the_phone(page, "#case-table tbody tr")) and all(_fits_the_phone(page, ".badge"))
    keep(page, "phone-case-list.png")
    # One tap anywhere on the card (here its lower right, away from the title) opens the case.
    box = page.locator(f"#case-table tr[data-case='{overdue.pk}']").bounding_box()
    page.mouse.click(box["x"] + box["width"] - 10, box["y"] + box["height"] - 8)
    page.wait_for_url(f"**/cases/{overdue.pk}/")

    # The case page: the timeline's action names stay on one line, badges whole.
    names = page.locator("#timeline .timeline-action")
    assert names.count() >= 3
    assert all(h <= 1.6 * lh for h, lh in names.evaluate_all(
        "els => els.map(e => [e.getBoundingClientRect().height, parseFloat(getComputedStyle(e).lineHeight) || 20])"))
    assert all(_fits_the_phone(page, ".badge"))
    keep(page, "phone-case-page.png")


def test_phone_notifications_show_the_state_now_and_archive(page, login_as, people):
    case = case_at(CaseState.ASSIGNED, people, title="河道保洁不到位")
    act(case, "accept", people.lead_staff)
    page.set_viewport_size(PHONE)
    login_as(people.lead_staff)
    go(page, "/notifications/")
    item = page.locator(".inbox-item").first
    assert "现在：整改中" in item.locator("[data-current-state]").inner_text()
    assert all(_fits_the_phone(page, ".inbox-item")) and all(_fits_the_phone(page, ".badge"))
    keep(page, "phone-notifications.png")
    before = page.locator(".inbox-item").count()
    item.locator("[data-archive]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".inbox-item").count() == before - 1
    page.click("[data-box=archived]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".inbox-item").count() == 1 and Notification.objects.filter(archived_at__isnull=False).count() == 1
    # One tap on the card opens the case.
    box = page.locator(".inbox-item").first.bounding_box()
    page.mouse.click(box["x"] + 20, box["y"] + box["height"] / 2)
    page.wait_for_url(f"**/cases/{case.pk}/")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_review_queue_previews_and_opens_the_next_case(page, login_as, people, viewport):
    first, second = (case_at(CaseState.FEEDBACK, people, title=f"待审核{i}") for i in range(2))
    Case.objects.filter(pk=second.pk).update(deadline=timezone.localdate() + dt.timedelta(days=60))
    if viewport:
        page.set_viewport_size(viewport)
    login_as(people.clerk)
    go(page, "/cases/review/")
    items = page.locator(".review-item")
    assert items.count() == 2 and "已修复" in items.first.locator("[data-feedback-text]").inner_text()
    assert items.first.locator("img.review-photo").count() == 1
    keep(page, f"review-queue-{'phone' if viewport else 'desktop'}.png")
    items.first.get_by_text("审核销号").click()
    page.wait_for_load_state("networkidle")
    form = page.locator("form[data-action=close]")
    assert form.is_visible()
    form.locator("textarea[name=comment]").fill("现场核查已整改到位")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/cases/{second.pk}/?review=1")
    assert "已打开下一条待审核反馈" in page.locator(".alert-info").first.inner_text()
    assert page.locator("#review-bar").is_visible()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_stale_form_says_who_changed_what_and_keeps_the_text(page, login_as, people, viewport):
    case = case_at(CaseState.ASSIGNED, people)
    people.province_clerk.last_name, people.province_clerk.first_name = "王", "某"
    if viewport:
        page.set_viewport_size(viewport)
    login_as(people.clerk)
    go(page, f"/cases/{case.pk}/?action=urge")
    form = page.locator("form[data-action=urge]")
    form.locator("textarea[name=comment]").fill("请本周内完成整改并反馈")
    case.refresh_from_db()
    case_update(case=case, by=people.clerk, version=case.version, tags="重点")  # someone changes it meanwhile
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    error = form.locator("[data-action-error]").inner_text()
    assert "刚刚进行了" in error and "已保留" in error and "版本" not in error
    assert form.locator("textarea[name=comment]").input_value() == "请本周内完成整改并反馈"
    keep(page, f"stale-form-{'phone' if viewport else 'desktop'}.png")
    form.locator("button[type=submit]").click()  # submitting again goes through
    page.wait_for_load_state("networkidle")
    assert "操作成功" in page.locator(".alert").first.inner_text()


def test_over_limit_file_and_text_are_stopped_on_the_form(page, login_as, people, settings, tmp_path):
    settings.CASE_EVIDENCE_MAX_BYTES = 100
    case = case_at(CaseState.RECTIFYING, people)
    login_as(people.lead_staff)
    page.set_viewport_size(PHONE)
    go(page, f"/cases/{case.pk}/?action=feedback")
    form = page.locator("form[data-action=feedback]")
    form.locator("textarea[name=comment]").fill("已整改")
    photo = tmp_path / "大照片.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 400)
    form.locator("input[type=file]").set_input_files(str(photo))
    assert "超过" in form.locator("[data-file-error]").inner_text()
    form.locator("button[type=submit]").click()
    assert page.url.endswith("?action=feedback")  # not sent: the browser holds the form
    assert form.locator("textarea[name=comment]").input_value() == "已整改"
    limit = int(form.locator("textarea[name=comment]").get_attribute("maxlength"))
    form.locator("textarea[name=comment]").fill("长" * (limit + 50))
    assert len(form.locator("textarea[name=comment]").input_value()) == limit
    keep(page, "phone-over-limit.png")


def test_a_forced_lock_asks_in_a_dialog_first(page, login_as, people):
    """Forcing a month's lock (a run the rules would refuse) asks first; 取消 sends nothing."""
    from registry.models import PeriodLock

    login_as(people.province_clerk)
    go(page, "/projects/locks/")
    form = page.locator("#lock-table form").first
    form.locator("input[name=reason]").fill("年终结算需要")
    form.locator("input[name=force]").check()
    form.locator("button[name=lock]").click()
    dialog = page.locator("#confirm-dialog")
    assert dialog.is_visible() and "确定强制锁定吗" in dialog.inner_text()
    keep(page, "forced-lock-dialog.png")
    dialog.get_by_role("button", name="取消").click()
    assert not dialog.is_visible() and PeriodLock.objects.count() == 0
    form.locator("button[name=lock]").click()
    dialog.get_by_role("button", name="确认").click()
    page.wait_for_load_state("networkidle")
    assert PeriodLock.objects.count() == 1
