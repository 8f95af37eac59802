"""比学赶超 by class and overall, with the minimum volume and the movement against the previous month;
county tables grouped under their city with subtotals."""
import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse

from registry.models import Division
from rollups.rankings import CASES, PROJECTS, class_rankings, movement
from rollups.selectors import board, board_filters
from rollups.services import rollup_month
from tests.factories import TEST_PASSWORD

SEPTEMBER = dt.date(2026, 9, 1)


def _row(pk, code, index_class, closed, open_, rate, on_time, projects=0, investment=None, gap=None):
    division = SimpleNamespace(pk=pk, code=code, name=code, index_class=index_class)
    return SimpleNamespace(division=division, division_id=pk, closed=closed, open_at_end=open_, closure_rate=rate,
                           on_time_rate=on_time, project_count=projects, investment_rate=investment, schedule_gap=gap)


def test_movement_reads_like_the_bulletin():
    assert [movement(1, 3), movement(3, 2), movement(2, 2), movement(1, None), movement(None, 1)] == ["↑2", "↓1", "—", "新", ""]


def test_ranked_within_each_class_and_overall_with_the_minimum_and_the_move(settings):
    settings.ROLLUP_RANKING_MIN_CASES, settings.ROLLUP_RANKING_MIN_PROJECTS = 5, 2
    now = [
        _row(1, "A", "urbanised", 8, 2, 80.0, 50.0, projects=3, investment=60.0, gap=-10.0),
        _row(2, "B", "urbanised", 5, 5, 50.0, 100.0, projects=1, investment=90.0, gap=20.0),
        _row(3, "C", "mountain_island", 9, 1, 90.0, 80.0, projects=2, investment=40.0, gap=-30.0),
        _row(4, "D", "mountain_island", 1, 1, 50.0, 0.0),  # 2 cases: below the minimum
    ]
    before = [_row(1, "A", "urbanised", 8, 2, 95.0, 50.0), _row(2, "B", "urbanised", 5, 5, 50.0, 100.0),
              _row(3, "C", "mountain_island", 5, 5, 50.0, 80.0)]
    cases, projects = class_rankings(now, before)
    assert cases["measure"] == CASES and projects["measure"] == PROJECTS
    overall = cases["scopes"][0]
    assert [(e["division"].code, e["rank"], e["movement"]) for e in overall["entries"]] == [("C", 1, "↑2"), ("A", 2, "↓1"), ("B", 3, "↓1")]
    assert [d.code for d in overall["unranked"]] == ["D"]
    by_class = {s["scope"]: [(e["division"].code, e["rank"]) for e in s["entries"]] for s in cases["scopes"][1:]}
    assert by_class == {"urbanised": [("A", 1), ("B", 2)], "mountain_island": [("C", 1)]}  # 其他地区 has no county
    assert [(e["division"].code, e["movement"]) for e in projects["scopes"][0]["entries"]] == [("A", "新"), ("C", "新")]
    assert "不少于5件" in CASES.rule and "不少于2个" in PROJECTS.rule


@pytest.mark.django_db
def test_board_shows_rankings_by_class_and_groups_the_provinces_counties_under_their_city(history, people, client):
    Division.objects.filter(code="330782").update(index_class="other")
    rollup_month(month=SEPTEMBER)
    data = board(people.province_manager, board_filters(people.province_manager, month=SEPTEMBER, level="county"))
    jinhua = next(g for g in data["groups"] if g["city"].code == "330700")
    assert {r.division.parent_id for r in jinhua["rows"]} == {jinhua["city"].pk}
    assert jinhua["subtotal"]["dispatched"] == sum(r.dispatched for r in jinhua["rows"]) == 6
    assert "closed_month=2026-09" in jinhua["links"]["closed"] and "county=330700" in jinhua["links"]["closed"]
    assert [s["scope"] for s in data["rankings"][0]["scopes"]][:1] == ["all"]

    assert client.login(username=people.manager.username, password=TEST_PASSWORD)
    page = client.get(reverse("rollups:board"), {"month": "2026-09"}).content.decode()
    assert 'id="rankings"' in page and "排名规则" in page and 'data-scope="other"' in page
    assert 'class="fw-bold subtotal" data-city="330700"' in page and "金华市小计" in page


@pytest.mark.django_db
def test_board_api_answers_the_rankings_and_the_running_months_rules(history, people, api_client):
    from registry.periods import current_month

    rollup_month(month=current_month())
    api_client.force_authenticate(people.manager)
    data = api_client.get("/api/v1/board/").json()
    assert data["overdue_label"] == "至今逾期" and data["schedule_rule"].startswith("本月尚未结束")
    assert [r["measure"] for r in data["rankings"]] == ["cases", "projects"]
    assert data["rankings"][0]["scopes"][0]["scope"] == "all" and "不少于" in data["rankings"][0]["rule"]
    september = api_client.get("/api/v1/board/", {"month": "2026-09"}).json()
    assert september["overdue_label"] == "月末逾期"
