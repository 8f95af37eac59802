import shutil
import subprocess

import pytest
from docx import Document
from openpyxl import load_workbook

from monitoring import quarterly
from monitoring.models import QuarterlyReport
from monitoring.values import value_sheet, values_import
from registry.excel import run_import
from registry.models import Division

from .support import bureau_workbook, put


@pytest.fixture
def quarter(catalogue):
    yiwu, dongyang, jinhua = (Division.objects.get(code=c) for c in ("330782", "330783", "330700"))
    # E05 闲置农房盘活 (cumulative): target 400 for the year, Q3 path 300. E01 收入比 (level, lower is better):
    # last year 1.70, target 1.60, Q3 path 1.625.
    put(catalogue, "2025Q3", yiwu, "E05", 320, 400)
    put(catalogue, "2025Q3", dongyang, "E05", 250, 400)
    put(catalogue, "2024", yiwu, "E01", 1.70)
    put(catalogue, "2025Q3", yiwu, "E01", 1.65, 1.60)
    put(catalogue, "2025Q3", jinhua, "E05", 2000, 3000)
    return catalogue


def test_values_against_target_and_time_proportional_path_with_lagging_flagged(quarter):
    table = quarterly.progress("2025Q3", Division.objects.filter(level=3))
    by = {(p.indicator.code, p.division.code): p for rows in table["rows"].values() for p in rows}
    assert by[("E05", "330782")].path == pytest.approx(300) and by[("E05", "330782")].lagging is False
    assert by[("E05", "330783")].lagging is True
    assert by[("E01", "330782")].path == pytest.approx(1.625) and by[("E01", "330782")].lagging is True
    assert by[("E05", "330784")].value is None and by[("E05", "330784")].lagging is None
    assert {i.code for i in table["indicators"]} == {"S03", "E01", "E02", "E04", "E05", "L05"}


def test_page_by_county_and_by_city(client, quarter, province_manager, yiwu_staff):
    client.force_login(province_manager)
    page = client.get("/monitoring/quarterly/?period=2025Q3&indicator=E05").content.decode()
    assert 'class="table-danger lagging"' in page and "东阳市" in page
    city = client.get("/monitoring/quarterly/?period=2025Q3&level=city&indicator=E05").content.decode()
    assert city.count('data-division="33') == 11
    client.force_login(yiwu_staff)
    assert client.get("/monitoring/quarterly/?period=2025Q3").status_code == 403


def test_quarterly_report_opens_as_valid_documents(quarter, province_clerk, client, tmp_path):
    report = quarterly.quarterly_report_create(period="2025Q3", by=province_clerk)
    doc = Document(report.docx.open("rb"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2025年第3季度城乡一体融合高质量发展重点指标进展情况" in text and "演示" in text
    assert doc.sections[0].page_width.mm == pytest.approx(210, abs=0.5)
    assert any("东阳市" in c.text for t in doc.tables for row in t.rows for c in row.cells)
    workbook = load_workbook(report.xlsx.open("rb"), read_only=True)
    rows = list(workbook["季度重点指标"].iter_rows(values_only=True))
    assert rows[0][:3] == ("指标代码", "指标名称", "地区") and any(r[2] == "东阳市" and "滞后" in r for r in rows)
    client.force_login(province_clerk)
    response = client.get(f"/monitoring/quarterly/{report.pk}/docx/")
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("LibreOffice (soffice) is not installed: `make browser` installs libreoffice-writer-nogui")
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), report.docx.path], check=True, capture_output=True, timeout=180)
    assert (tmp_path / f"{report.docx.name.rsplit('/', 1)[-1][:-5]}.pdf").stat().st_size > 1000


def test_importing_a_quarter_generates_its_report_after_the_commit(catalogue, province_clerk, django_capture_on_commit_callbacks):
    rows = [{"period": "2025Q2", "division": "330782", "E05": 100, "t:E05": 400}]
    with django_capture_on_commit_callbacks(execute=True):
        report = run_import(value_sheet(catalogue), bureau_workbook(catalogue, rows), province_clerk, values_import)
    assert report.ok
    assert QuarterlyReport.objects.filter(period="2025Q2").count() == 1
