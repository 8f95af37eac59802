"""A manager's round on the index board in a real browser: class tabs, a county's radar, its evaluation."""
import pytest
from docx import Document

from monitoring import evaluation, services

from .test_compute import _fill

pytestmark = pytest.mark.browser


def test_manager_opens_index_board_switches_class_opens_a_countys_radar_and_downloads_its_evaluation(
    page, login_as, catalogue, province_manager, province_clerk, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    _fill(catalogue, "2025", codes=("S01", "E01", "L01", "G01", "E03"))
    services.index_compute(period="2025")
    services.index_publish(period="2025", by=province_clerk)
    evaluation.evaluation_prepare(year=2025, by=province_clerk)

    login_as(province_manager)
    page.goto(f"{page.base_url}/monitoring/?period=2025")
    assert "城乡一体融合高质量发展指数看板" in page.locator(".page-title").inner_text()
    assert page.locator("#demo-notice").is_visible()
    assert page.locator("#class-tabs a.active").inner_text() == "高度城镇化地区"

    with page.expect_navigation():
        page.click("#class-tabs a[data-group='other']")
    assert page.locator("#class-tabs a.active").inner_text() == "其他地区"
    assert page.locator("#ranking-table tr[data-division='330782']").count() == 1
    assert page.locator("#ranking-table tr[data-division='330106']").count() == 0  # 西湖区: 高度城镇化地区

    with page.expect_navigation():
        page.click("#ranking-table tr[data-division='330782'] a.county-link")
    radar = page.locator("#radar svg.index-radar")
    assert radar.is_visible() and radar.locator("polygon.radar-series").count() == 2
    assert "其他地区平均" in page.locator("#radar").inner_text()
    assert page.locator("#trend svg polyline.trend-series").count() >= 1
    page.screenshot(path=str(tmp_path / "index-board.png"), full_page=True)

    with page.expect_download() as download:
        page.click("#evaluation-download")
    assert download.value.suggested_filename.endswith(".docx")
    doc = Document(download.value.path())
    assert "义乌市2025年度城乡一体融合高质量发展评价" in doc.paragraphs[0].text
