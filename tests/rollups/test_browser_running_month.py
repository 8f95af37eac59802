"""A manager's round on the running month in a real browser (Chromium, zh-CN): the board states the
month's rules, 至今逾期 of one county opens exactly that many cases, a 批示 on one of them goes on its
ledger, and the bulletin generated now renders A4 in the official layout (LibreOffice to PDF, page 1
kept as a PNG in var/test-output)."""
import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from docx import Document
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Case, CaseEvent
from cases.selectors import overdue_q
from projects.selectors import schedule_rule
from registry.periods import current_month
from rollups.services import rollup_month

from .factories import assign, create

pytestmark = pytest.mark.browser
OUTPUT = Path(django_settings.BASE_DIR) / "var" / "test-output"


def _overdue_now(people, n):
    """Cases of 义乌 assigned lately and already past their deadline (still owed)."""
    when = (timezone.localtime() - dt.timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    for i in range(n):
        case = create(people, when, title=f"本月逾期{i}")
        assign(people, case, when, (timezone.localdate() - dt.timedelta(days=1)).isoformat())


def test_manager_drills_into_overdue_so_far_instructs_a_case_and_downloads_an_a4_bulletin(
    page, login_as, history, people, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    _overdue_now(people, 2)
    # Due later this month: overdue at the month's end, but not now.
    later = create(people, (timezone.localtime() - dt.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"), title="月底到期")
    assign(people, later, (timezone.localtime() - dt.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
           (timezone.localdate() + dt.timedelta(days=1)).isoformat())
    rollup_month(month=current_month())
    expected = Case.objects.filter(county=people.yiwu).filter(overdue_q()).count()
    assert expected >= 3  # F from September and the two above

    login_as(people.manager)
    page.click("#nav-items a[data-nav='rollups:board']")
    month = current_month()
    assert f"{month.year}年{month.month}月" in page.locator(".page-title").inner_text()
    assert schedule_rule(month) in page.locator("#month-rule").inner_text()
    assert "至今逾期" in page.locator("#county-table thead").inner_text()
    assert page.locator("#rankings table.ranking").count() >= 1

    yiwu = page.locator("#county-table tr[data-division='330782']")
    figure = yiwu.locator("a.figure[data-figure='overdue_at_end']")
    assert figure.inner_text() == str(expected)
    figure.click()
    page.wait_for_load_state()
    assert page.locator("#list-total").inner_text().endswith(f"共 {expected} 条")
    assert page.locator("#case-table tbody tr").count() == expected
    assert "月底到期" not in page.content()

    page.locator("#case-table tbody tr a").first.click()
    page.wait_for_load_state()
    page.fill("#instruct-text", "请于本周内整改到位，逾期不得再拖")
    with page.expect_navigation():
        page.click("#case-instruct button[type=submit]")
    assert "批示已记入办理记录" in page.content()
    entry = page.locator("#timeline li[data-event='instruct']")
    assert "领导批示" in entry.inner_text() and "请于本周内整改到位" in entry.inner_text()
    assert CaseEvent.objects.filter(action="instruct", actor=people.manager).count() == 1

    page.click("#nav-items a[data-nav='rollups:board']")
    with page.expect_download() as download:
        page.click("#bulletin-generate")
        page.click("#bulletin-docx")
    docx_path = tmp_path / "bulletin.docx"
    download.value.save_as(docx_path)
    document = Document(docx_path)
    assert f"金华市千万工程交办事项月度调度通报（{month.year}年{month.month}月）" in document.paragraphs[0].text
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)] == [37, 35, 28, 26]
    assert "至今逾期" in document.paragraphs[1].text or any("至今逾期" in p.text for p in document.paragraphs[:6])
    table = document.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert "至今逾期" in header
    yiwu_row = next(r for r in table.rows if r.cells[0].text == "义乌市")
    assert yiwu_row.cells[header.index("至今逾期")].text == str(expected)

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("LibreOffice (soffice) is not installed: run `make browser` (libreoffice-writer-nogui)")
    out = tmp_path / "pdf"
    subprocess.run(
        [soffice, f"-env:UserInstallation={(out / 'profile').as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), str(docx_path)], check=True, capture_output=True, timeout=180,
    )
    reader = PdfReader(out / "bulletin.pdf")
    first = reader.pages[0]
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (595, 842)
    assert "金华市千万工程交办事项月度调度通报" in "".join(first.extract_text().split())
    if shutil.which("pdftoppm"):
        OUTPUT.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(out / "bulletin.pdf"),
                        str(OUTPUT / "running-month-bulletin-page1")], check=True, timeout=60)
        assert re.match(rb"\x89PNG", (OUTPUT / "running-month-bulletin-page1.png").read_bytes()[:8])
