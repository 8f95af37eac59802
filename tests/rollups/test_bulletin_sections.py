"""What the bulletin says beyond the month's table (the province grouped by city with subtotals, rankings
within the index classes, the programme's deliverables) and how its versions are kept and listed."""
import datetime as dt
import urllib.parse

import pytest
from django.urls import reverse

from registry.models import Division
from rollups.bulletins import bulletin_content, bulletin_request
from rollups.models import Bulletin, BulletinStatus
from rollups.services import rollup_month
from tests.factories import TEST_PASSWORD
from tests.registry.factories import AxisFactory, WorkshopFactory

SEPTEMBER = dt.date(2026, 9, 1)
pytestmark = pytest.mark.django_db


def _sections(code: str) -> dict:
    content = bulletin_content(month=SEPTEMBER, division=Division.objects.get(code=code))
    return {s.heading.split("、", 1)[1]: s for s in content["sections"]}


def test_province_bulletin_groups_counties_under_their_city_with_a_subtotal_per_city(history):
    rollup_month(month=SEPTEMBER)
    table = _sections("330000")["各地交办销号情况"].table
    names = [row[0] for row in table.rows]
    subtotal = names.index("金华市小计")
    previous = max(i for i, name in enumerate(names[:subtotal]) if name.endswith("小计"))
    jinhua = set(Division.objects.filter(parent__code="330700").values_list("name", flat=True))
    assert set(names[previous + 1 : subtotal]) == jinhua
    assert table.rows[subtotal][1:3] == [6, 3] and table.rows[subtotal][3] == 42.86
    assert names[-1] == "全省合计" and table.rows[-1][1:3] == [6, 3]
    assert {i for i, name in enumerate(names) if name.endswith(("小计", "合计"))} == table.emphasised
    assert sum(name.endswith("小计") for name in names) == Division.objects.filter(level=2).count()


def _case_ranking_rows(section) -> list:
    rows = section.table.rows
    end = next((i for i, row in enumerate(rows) if row[1] is None), len(rows))
    return rows[:end]


def test_rankings_are_overall_and_within_each_index_class_and_state_the_minimum_volume(history, settings):
    rollup_month(month=SEPTEMBER)
    Division.objects.filter(level=3).update(index_class="")
    Division.objects.filter(code="330782").update(index_class="other")  # 义乌: 6 cases in the month
    Division.objects.filter(code="330783").update(index_class="mountain_island")  # 东阳: 1 case
    settings.ROLLUP_RANKING_MIN_CASES = 5
    ranking = _sections("330700")["分类排名"]
    assert any("交办事项：当月办理量（本月销号 + 月末在办）不少于5件" in p for p in ranking.paragraphs)
    assert any(p.startswith("重大项目：年度有计划的项目数不少于") for p in ranking.paragraphs)
    assert "交办事项·山区海岛地区未排名：东阳市。" in ranking.paragraphs
    # August has no figures: every rank is new.
    assert [row[:5] for row in _case_ranking_rows(ranking)] == [
        ["全部县（市、区）", 1, "义乌市", "新", 6], ["其他地区", 1, "义乌市", "新", 6],
    ]

    settings.ROLLUP_RANKING_MIN_CASES = 1
    ranking = _sections("330700")["分类排名"]
    assert [row[:3] for row in _case_ranking_rows(ranking)] == [
        ["全部县（市、区）", 1, "义乌市"], ["全部县（市、区）", 2, "东阳市"],
        ["山区海岛地区", 1, "东阳市"], ["其他地区", 1, "义乌市"],
    ]


def test_deliverables_are_counted_when_there_are_any(history):
    rollup_month(month=SEPTEMBER)
    assert _sections("330700")["千万工程成果建设情况"].paragraphs == ["本辖区尚未录入发展轴、中心镇、片区组团和共富工坊等成果数据。"]
    AxisFactory()
    WorkshopFactory()
    assert _sections("330700")["千万工程成果建设情况"].paragraphs == [
        "截至目前，金华市已录入县域发展轴1条、中心镇0个、片区组团0个、共富工坊1家。"
    ]
    assert "尚未录入" in _sections("330100")["千万工程成果建设情况"].paragraphs[0]  # 杭州 has none


def test_regenerating_keeps_the_earlier_version_and_both_are_listed_on_the_board_and_the_api(
    history, people, client, api_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    rollup_month(month=SEPTEMBER)
    jinhua = Division.objects.get(code="330700")
    with django_capture_on_commit_callbacks(execute=True):
        first = bulletin_request(month=SEPTEMBER, division=jinhua, by=people.manager)
    with django_capture_on_commit_callbacks(execute=True):
        second = bulletin_request(month=SEPTEMBER, division=jinhua, by=people.manager)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.status == second.status == BulletinStatus.DONE
    assert first.docx.name != second.docx.name and first.docx.storage.exists(first.docx.name)
    assert Bulletin.objects.count() == 2

    client.login(username=people.manager.username, password=TEST_PASSWORD)
    page = client.get(reverse("rollups:board"), {"month": "2026-09"}).content.decode()
    history_table = page[page.index('id="bulletin-history"'):]
    assert "第1版" in history_table and "第2版" in history_table and str(people.manager) in history_table
    assert reverse("rollups:bulletin-download", args=[first.pk, "docx"]) in history_table
    download = client.get(reverse("rollups:bulletin-download", args=[second.pk, "docx"]))
    assert "（第2版）" in urllib.parse.unquote(download["Content-Disposition"])

    api_client.force_authenticate(people.manager)
    listed = api_client.get("/api/v1/bulletins/", {"month": "2026-09-01", "division__code": "330700"}).json()["results"]
    assert [(b["version"], b["requested_by_name"]) for b in listed] == [(2, str(people.manager)), (1, str(people.manager))]
    # Outside the jurisdiction: not listed, and each version answers 404.
    api_client.force_authenticate(people.dongyang_clerk)
    assert api_client.get("/api/v1/bulletins/").json()["results"] == []
    assert api_client.get(f"/api/v1/bulletins/{first.pk}/").status_code == 404
    client.login(username=people.dongyang_clerk.username, password=TEST_PASSWORD)
    assert client.get(reverse("rollups:bulletin-status", args=[first.pk])).status_code == 404
