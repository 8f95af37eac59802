"""A manager's round on the board in a real browser: month, drill-down, bulletin."""
import datetime as dt

import pytest
from docx import Document

from rollups.services import rollup_month
from registry.periods import current_month

pytestmark = pytest.mark.browser


def test_manager_changes_month_drills_into_a_countys_overdue_cases_and_downloads_the_bulletin(
    page, login_as, history, people, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    rollup_month(month=dt.date(2026, 9, 1))
    rollup_month(month=current_month())
    login_as(people.manager)
    page.click("#nav-items a[data-nav='rollups:board']")
    assert "交办跟踪销号调度看板" in page.locator(".page-title").inner_text()
    assert "比学赶超排名规则" in page.locator("#ranking-rule").inner_text()

    with page.expect_navigation():
        page.select_option("#f-month", "2026-09")
    assert "2026年9月" in page.locator(".page-title").inner_text()
    yiwu = page.locator("#county-table tr[data-division='330782']")
    assert yiwu.locator(".c-dispatched").inner_text() == "5"
    assert yiwu.locator(".c-closure").inner_text() == "50.0%"
    assert yiwu.locator(".c-rank").inner_text() == "第 1 名"
    # The charts were drawn by the locally served ECharts.
    assert page.evaluate("typeof echarts") == "object"
    assert page.locator("#chart-cases canvas").count() == 1
    page.screenshot(path=str(tmp_path / "board.png"), full_page=True)

    with page.expect_download() as download:
        page.click("#bulletin-generate")
        page.click("#bulletin-docx")
    path = download.value.path()
    assert "金华市千万工程交办事项月度调度通报（2026年9月）" in Document(path).paragraphs[0].text
    assert download.value.suggested_filename.endswith(".docx")

    yiwu.locator("a.county-overdue").click()
    page.wait_for_load_state()
    content = page.content()
    assert "F 逾期未改" in content and "I 东阳事项" not in content and "A 村道破损" not in content
