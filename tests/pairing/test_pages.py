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
