"""The monthly dispatch bulletin: a valid Word document and Excel workbook carrying the month's figures."""
import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from rollups.bulletins import bulletin_render, bulletin_request, bulletins_after_finalising
from rollups.models import Bulletin, BulletinStatus
from rollups.services import rollup_month
from registry.models import Division
from tests.factories import TEST_PASSWORD

SEPTEMBER = dt.date(2026, 9, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered(history, people, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    rollup_month(month=SEPTEMBER)
    with django_capture_on_commit_callbacks(execute=True):
        bulletin = bulletin_request(month=SEPTEMBER, division=Division.objects.get(code="330700"), by=people.manager)
    bulletin.refresh_from_db()
    return bulletin


def test_bulletin_docx_has_title_summary_county_table_items_and_lagging_projects(rendered, people):
    assert rendered.status == BulletinStatus.DONE
    doc = Document(rendered.docx.path)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "金华市千万工程交办事项月度调度通报（2026年9月）" in text
    assert "共交办事项6件，销号3件，其中按期销号2件；月末在办4件，月末逾期1件；销号率42.86%" in text
    assert "完成率55.00%，序时进度75.00%" in text
    county, ranking, items, projects = doc.tables
    yiwu = next(row for row in county.rows if row.cells[0].text == "义乌市")
    assert [c.text for c in yiwu.cells[1:6]] == ["5", "3", "50.00", "66.67", "1"]
    listed = {row.cells[0].text: [c.text for c in row.cells] for row in items.rows[1:]}
    assert listed["F 逾期未改"][1:4] == ["义乌市", people.yiwu_lead.name, "2026-09-18"]
    assert listed["F 逾期未改"][6] == "逾期、本月提级"
    assert projects.rows[1].cells[0].text == "33078220260001"
    assert projects.rows[1].cells[6].text == "-20.00"


def test_bulletin_xlsx_has_one_sheet_per_table_with_numbers_stored_as_numbers(rendered):
    workbook = load_workbook(rendered.xlsx.path)
    assert workbook.sheetnames == ["概况", "各地交办销号情况", "分类排名", "逾期及提级事项", "投资进度滞后于序时进度的项目"]
    sheet = workbook["各地交办销号情况"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("地区", "本月交办", "本月销号", "销号率")
    # Rates are fractions shown as percentages; counts are integers; nothing numeric is text.
    yiwu = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "义乌市")
    assert [c.value for c in yiwu[1:8]] == [5, 3, 0.5, pytest.approx(0.6667), 1, 0.55, -20.0]
    assert [c.number_format for c in yiwu[1:8]] == ["0", "0", "0.00%", "0.00%", "0", "0.00%", "0.00"]
    assert rows[-1][0] == "全市合计" and sheet.cell(row=sheet.max_row, column=1).font.b
    for name in workbook.sheetnames[1:]:
        table = workbook[name]
        assert table.freeze_panes == "A2", name
        assert all(table.column_dimensions[letter].width >= 8 for letter in "ABC"), name
    lagging = workbook["投资进度滞后于序时进度的项目"]
    assert lagging["A2"].value == "33078220260001" and lagging["A2"].data_type == "s"
    assert lagging["D2"].value == 1200 and lagging["D2"].number_format == "0.00"
    items = workbook["逾期及提级事项"]
    assert items["D2"].value == dt.datetime(2026, 9, 18) and items["D2"].number_format == "yyyy-mm-dd"


def test_download_is_an_attachment_for_the_jurisdiction_only(rendered, people, client):
    client.login(username=people.manager.username, password=TEST_PASSWORD)
    response = client.get(reverse("rollups:bulletin-download", args=[rendered.pk, "xlsx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    client.login(username=people.dongyang_clerk.username, password=TEST_PASSWORD)
    assert client.get(reverse("rollups:bulletin-download", args=[rendered.pk, "xlsx"])).status_code == 404


def test_board_regenerates_on_demand_and_polls_until_done(history, people, client, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    rollup_month(month=SEPTEMBER)
    client.login(username=people.manager.username, password=TEST_PASSWORD)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.post(reverse("rollups:bulletin-request"), {"month": "2026-09", "division": "330700"})
    # Queued on commit: the panel polls the status until the worker has rendered it.
    assert response.status_code == 200 and 'hx-trigger="every 2s"' in response.content.decode()
    bulletin = Bulletin.objects.get()
    bulletin_render(bulletin_id=bulletin.pk)
    panel = client.get(reverse("rollups:bulletin-status", args=[bulletin.pk])).content.decode()
    assert "下载 Word" in panel and "every 2s" not in panel


def test_finalising_a_month_queues_the_province_and_city_bulletins(history, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    bulletins = bulletins_after_finalising(month=SEPTEMBER)
    assert {b.division.code for b in bulletins} == {"330000", *Division.objects.filter(level=2).values_list("code", flat=True)}


def test_bulletin_request_for_a_township_is_refused_in_chinese(history, people, client):
    client.login(username=people.manager.username, password=TEST_PASSWORD)
    panel = client.post(reverse("rollups:bulletin-request"), {"month": "2026-09", "division": "330782001"}).content.decode()
    assert "调度通报按省、设区市或县（市、区）生成" in panel
    panel = client.post(reverse("rollups:bulletin-request"), {"month": "九月", "division": "330782"}).content.decode()
    assert "月份格式应为 YYYY-MM" in panel
    assert not Bulletin.objects.exists()


def test_bulletin_renders_text_with_control_characters_and_formula_triggers(history, people, settings, tmp_path,
                                                                            django_capture_on_commit_callbacks):
    """A title stored with \\x0b (before input was checked) or starting with "=" renders in both files."""
    from cases.models import Case

    Case.objects.filter(title="F 逾期未改").update(title="=F\x0b 逾期未改")
    settings.MEDIA_ROOT = tmp_path
    rollup_month(month=SEPTEMBER)
    with django_capture_on_commit_callbacks(execute=True):
        bulletin = bulletin_request(month=SEPTEMBER, division=Division.objects.get(code="330700"), by=people.manager)
    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.DONE
    cells = [cell.text for table in Document(bulletin.docx.path).tables for row in table.rows for cell in row.cells]
    assert "=F 逾期未改" in cells
    sheet = load_workbook(bulletin.xlsx.path)["逾期及提级事项"]
    cell = next(row[0] for row in sheet.iter_rows() if row[0].value == "=F 逾期未改")
    assert cell.data_type == "s"
