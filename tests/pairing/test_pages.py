"""The dashboard and board section read in a constant number of queries, and show the right figures."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pairing import services
from pairing.selectors import section_rows
from rollups.pairing_section import bulletin_section

from .factories import deadline


def _tasks(world, n, prefix):
    s = world.suichang
    for i in range(n):
        services.task_create(by=world.suichang_clerk, pairing=s.pairing, number=f"{prefix}{i}", title=f"任务{prefix}{i}",
                             groups=[s.groups["provincial"]], lead_unit=world.county_lead, deadline=deadline())


def _count(client, url):
    client.get(url)  # the first request of a session warms caches (inbox generation, ...): not the page's cost
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url_name", ["pairing-dashboard", "pairing-partner-home"])
def test_pages_read_in_constant_queries(world, client, url_name):
    user = world.province_clerk if url_name == "pairing-dashboard" else world.dept_staff
    client.force_login(user)
    _tasks(world, 1, "a")
    few = _count(client, reverse(url_name))
    _tasks(world, 5, "b")
    assert _count(client, reverse(url_name)) == few


def test_the_pairing_page_reads_in_constant_queries(world, client):
    client.force_login(world.suichang_clerk)
    url = reverse("pairing-detail", args=[world.suichang.pairing.pk])
    _tasks(world, 1, "a")
    few = _count(client, url)
    _tasks(world, 5, "b")
    assert _count(client, url) == few


def test_board_section_counts_per_county(world, client):
    _tasks(world, 2, "a")
    rows = section_rows(world.province_clerk)
    assert rows == [{"code": "331123", "county": "遂昌县", "total": 2, "due": 2, "closed": 0, "overdue": 0, "awaiting": 0}]
    assert section_rows(world.panan_clerk) == []
    section = bulletin_section(world.suichang.pairing.county, deadline(0))
    assert section.table.rows == [["遂昌县", 2, 2, 0, 0, 0]]
    client.force_login(world.province_clerk)
    board = client.get(reverse("rollups:board")).content.decode()
    assert 'id="board-pairing"' in board and "遂昌县" in board


@pytest.mark.parametrize("query", [{"year": "abc"}, {"year": "99999", "quarter": "7"}, {"quarter": "-1"}])
def test_odd_periods_answer_a_page_not_an_error(world, client, query):
    client.force_login(world.province_clerk)
    assert client.get(reverse("pairing-dashboard"), query).status_code == 200
    assert client.get(reverse("pairing-evaluations"), query).status_code == 200


def test_a_partner_cannot_confirm_someone_elses_task_or_keep_the_pairing(world, client):
    s = world.suichang
    task = services.task_create(by=world.suichang_clerk, pairing=s.pairing, number="X1", title="任务", groups=[s.groups["soe"]])
    client.force_login(world.dept_staff)
    response = client.post(reverse("pairing-partner-confirm", args=[task.pk]), {"version": "x"}, follow=True)
    assert response.status_code == 200 and "联合确认" in response.content.decode()
    client.force_login(world.panan_clerk)
    assert client.post(reverse("pairing-partner-confirm", args=[task.pk]), {"version": 1}).status_code == 404
    assert client.post(reverse("pairing-visit-create", args=[s.pairing.pk]), {}).status_code == 404
    client.force_login(world.dept_staff)
    refused = client.post(reverse("pairing-funds", args=[s.pairing.pk]), {"year": 2026, "quarter": 1, "funds": "10"}, follow=True)
    assert "只有该县" in refused.content.decode()


def test_the_api_lists_a_partners_tasks_and_a_quarters_figures(world, api_client):
    _tasks(world, 2, "a")
    api_client.force_authenticate(world.school_staff)
    rows = api_client.get("/api/v1/pairing-tasks/").json()["results"]
    assert [r["number"] for r in rows] == ["a0", "a1"] and rows[0]["joint_parties"][0]["name"] == "省发展改革委"
    api_client.force_authenticate(world.panan_clerk)
    assert api_client.get("/api/v1/pairing-tasks/").json()["results"] == []
    assert api_client.get(f"/api/v1/pairing-tasks/{rows[0]['id']}/").status_code == 404
    api_client.force_authenticate(world.suichang_clerk)
    url = f"/api/v1/pairings/{world.suichang.pairing.pk}/quarter/"
    figures = api_client.get(url, {"year": 2026, "quarter": 4}).json()
    assert figures["tasks"] == 2 and figures["county"] == "遂昌县"
    bad = api_client.get(url, {"year": 2026, "quarter": 9})
    assert bad.status_code == 400 and "error" in bad.json()
    api_client.force_authenticate(world.panan_clerk)
    assert api_client.get(url, {"year": 2026, "quarter": 4}).status_code == 404
