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
    assert "共交办事项6件，销号3件，其中按期销号2件；月末在办4件，逾期1件；销号率42.86%" in text
    assert "完成率55.00%，序时进度75.00%" in text
    county, items, projects = doc.tables
    yiwu = next(row for row in county.rows if row.cells[0].text == "义乌市")
    assert [c.text for c in yiwu.cells[1:6]] == ["5", "3", "50.00", "66.67", "1"]
    listed = {row.cells[0].text: [c.text for c in row.cells] for row in items.rows[1:]}
    assert listed["F 逾期未改"][1:4] == ["义乌市", people.yiwu_lead.name, "2026-09-18"]
    assert listed["F 逾期未改"][6] == "逾期、本月提级"
    assert projects.rows[1].cells[0].text == "33078220260001"
    assert projects.rows[1].cells[6].text == "-20.00"


def test_bulletin_xlsx_has_the_same_tables(rendered):
    workbook = load_workbook(rendered.xlsx.path, read_only=True)
    assert workbook.sheetnames == ["概况", "各地交办销号情况", "逾期及提级事项", "投资进度滞后于序时进度的项目"]
    rows = list(workbook["各地交办销号情况"].iter_rows(values_only=True))
    assert rows[0][:3] == ("地区", "本月交办", "本月销号")
    assert next(r for r in rows if r[0] == "义乌市")[1:6] == (5, 3, "50.00", "66.67", 1)
    lagging = list(workbook["投资进度滞后于序时进度的项目"].iter_rows(values_only=True))
    assert lagging[1][0] == "33078220260001"


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
    items = Document(bulletin.docx.path).tables[1]
    assert "=F 逾期未改" in [row.cells[0].text for row in items.rows]
    sheet = load_workbook(bulletin.xlsx.path)["逾期及提级事项"]
    cell = next(row[0] for row in sheet.iter_rows() if row[0].value == "=F 逾期未改")
    assert cell.data_type == "s"
