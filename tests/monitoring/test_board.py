import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoring import services
from registry.models import Division

from .support import put
from .test_compute import _fill


@pytest.fixture
def computed(catalogue):
    _fill(catalogue, "2025", codes=("S01", "E01", "L01", "G01"))
    services.index_compute(period="2025")
    return catalogue


def test_manager_sees_the_class_ranking_radar_trend_and_indicator_view(client, computed, province_manager):
    client.force_login(province_manager)
    page = client.get("/monitoring/?period=2025&group=mountain_island&division=330881").content.decode()
    assert 'id="ranking-table"' in page and page.count('data-division="33') == 28
    assert "radar-series" in page and "山区海岛地区平均" in page and "trend-series" in page
    assert 'id="indicator-view"' in page and "index-strip" in page
    assert "演示" in page
    assert "<script src=\"http" not in page and "cdn" not in page.lower()


def test_switching_class_shows_that_class(client, computed, province_manager):
    client.force_login(province_manager)
    page = client.get("/monitoring/?period=2025&group=city").content.decode()
    assert page.count('data-division="33') == 11


def test_board_query_count_does_not_grow_with_the_group(client, computed, province_manager):
    client.force_login(province_manager)
    client.get("/monitoring/?period=2025&group=mountain_island&division=330881")
    with CaptureQueriesContext(connection) as small:
        client.get("/monitoring/?period=2025&group=mountain_island&division=330881")
    with CaptureQueriesContext(connection) as large:
        client.get("/monitoring/?period=2025&group=other&division=330782")
    assert len(large) == len(small)


def test_county_user_sees_own_county_and_gets_404_for_another_countys_unpublished_index(client, computed, yiwu_staff):
    client.force_login(yiwu_staff)
    page = client.get("/monitoring/?period=2025").content.decode()
    assert page.count('data-division="33') == 1 and "本期指数尚未发布" in page and "radar-series" in page
    assert client.get("/monitoring/?period=2025&division=330783").status_code == 404


def test_after_publication_a_county_sees_its_class_ranking_but_not_another_countys_detail(
    client, computed, province_clerk, yiwu_staff
):
    services.index_publish(period="2025", by=province_clerk)
    yiwu = Division.objects.get(code="330782")
    client.force_login(yiwu_staff)
    page = client.get("/monitoring/?period=2025").content.decode()
    assert page.count('data-division="33') == Division.objects.filter(level=3, index_class=yiwu.index_class).count()
    assert client.get("/monitoring/?period=2025&division=330783").status_code == 404
    assert client.get("/monitoring/?period=2025&group=bogus").status_code == 404


def test_only_province_clerks_publish(client, computed, yiwu_clerk, province_clerk):
    client.force_login(yiwu_clerk)
    assert client.post("/monitoring/publish/", {"period": "2025"}).status_code == 403
    client.force_login(province_clerk)
    assert client.post("/monitoring/publish/", {"period": "2025"}).status_code == 302
    response = client.post("/monitoring/publish/", {"period": "2025"}, follow=True)
    assert "重新发布须填写原因" in response.content.decode()
    put(computed, "2026", Division.objects.get(code="330782"), "S01", 1)
    assert client.post("/monitoring/publish/", {"period": "不是期别"}, follow=True).status_code == 200


def test_snapshot_api_answers_the_scoped_rows_and_a_chinese_error_for_a_bad_period(api_client, computed, yiwu_staff, province_clerk):
    api_client.force_authenticate(yiwu_staff)
    assert [r["division_code"] for r in api_client.get("/api/v1/monitoring/snapshots/?period=2025").json()] == ["330782"]
    response = api_client.get("/api/v1/monitoring/snapshots/?period=bad")
    assert response.status_code == 400 and "期别" in str(response.json()["error"])
    services.index_publish(period="2025", by=province_clerk)
    yiwu = Division.objects.get(code="330782")
    rows = api_client.get("/api/v1/monitoring/snapshots/?period=2025").json()
    assert len(rows) == Division.objects.filter(level=3, index_class=yiwu.index_class).count()
