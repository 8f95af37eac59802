"""Every figure of the board opens to exactly its cases (and projects): each linked number of the
monthly table, its totals and the live pipeline equals the count of the list its link opens, for the
province, a city and a county, for a finished month and the running one."""
import datetime as dt
import re

import pytest

from cases.models import CaseState
from registry.models import Division, IndexClass
from registry.periods import current_month
from rollups.selectors import board, board_filters
from rollups.services import rollup_month
from tests.factories import TEST_PASSWORD, make_user

from .factories import act, assign, close, create, feedback

SEPTEMBER = dt.date(2026, 9, 1)
pytestmark = pytest.mark.django_db


def running_month_history(people):
    """Work of the running month: a case assigned and closed, one assigned and urged, one still
    overdue from before and escalated now (its own month's deadline long passed)."""
    month = current_month()
    day = f"{month:%Y-%m}-01"
    deadline = f"{month:%Y-%m}-20"
    done = create(people, f"{day} 00:10", title="本月交办并销号")
    assign(people, done, f"{day} 00:11", deadline)
    feedback(people, done, f"{day} 00:12")
    close(people, done, f"{day} 00:13")
    urged = create(people, f"{day} 00:20", title="本月交办并督办", county="dongyang")
    assign(people, urged, f"{day} 00:21", deadline, county="dongyang")
    act(urged, "urge", people.dongyang_clerk, f"{day} 00:22", comment="请加快")
    # F (assigned in September, due 18 Sep, still rectifying) is escalated again this month.
    return done, urged


def login(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)


def listed(client, url, *, page=False) -> int:
    """The total count of the list `url` opens: the API's rows for a case list, and also the count
    the list page shows (共 N 条) if asked; the page's count for a project list."""
    path, _, query = url.partition("?")
    if path.startswith("/projects/") or page:
        answer = client.get(url)
        assert answer.status_code == 200, url
        [total] = re.findall(r'id="list-total">[^<]*?共 (\d+) 条', answer.content.decode())
        if path.startswith("/projects/"):
            return int(total)
    rows = client.get(f"/api/v1/cases/?{query}&page_size=200").json()["results"]
    assert not page or len(rows) == int(total), url
    return len(rows)


def walk(client, user, f, *, pipeline=True) -> int:
    """Open every linked figure of the board `f` selects (and of its live pipeline, if asked);
    return how many were checked."""
    data = board(user, f)
    checked = 0
    for row in data["rows"]:
        for figure, url in row.links.items():
            assert listed(client, url) == getattr(row, figure), (row.division.code, figure, url)
            checked += 1
        if row.project_links:
            assert listed(client, row.project_links["investment_rate"]) == row.project_count, row.division.code
            assert listed(client, row.project_links["reports_missing"]) == row.reports_missing, row.division.code
            due, started = listed(client, row.project_links["start_rate"]), listed(client, row.project_links["started"])
            assert (round(started * 100 / due, 2) if due else None) == row.start_rate, row.division.code
            checked += 3
    if data["totals"]:
        for figure, url in data["totals_links"].items():
            assert listed(client, url, page=True) == data["totals"][figure], (f.division.code, figure, url)
            checked += 1
    for step in data["pipeline"] if pipeline else ():
        for url, number in (("url", "count"), ("overdue_url", "overdue"), ("due_soon_url", "due_soon")):
            if step[url] is not None:
                assert listed(client, step[url], page=True) == step[number], (step["state"], number, step[url])
                checked += 1
    return checked


def test_every_linked_figure_opens_a_list_of_exactly_that_many(history, people, client):
    running_month_history(people)
    act(history.f, "escalate", people.province_clerk, f"{current_month():%Y-%m}-01 00:30", comment="再次提级")
    Division.objects.filter(pk=people.dongyang.pk).update(is_mountain_island=True)
    for month in (SEPTEMBER, current_month()):
        rollup_month(month=month)
    yiwu_manager = make_user("manager", "330782")
    boards = [
        (people.province_manager, {}),  # the 11 cities
        (people.manager, {}),  # Jinhua's counties
        (people.manager, {"mountain_only": True}),
        (yiwu_manager, {}),
    ]
    for user, options in boards:
        client.logout()
        login(client, user)
        for month in (SEPTEMBER, current_month()):
            f = board_filters(user, month=month, **options)
            # The pipeline is live, the same whatever the month: walked with the running month.
            assert walk(client, user, f, pipeline=month == current_month()) > 8 * len(board(user, f)["rows"])
    # The figures walked were not all zero: September's Yiwu row, by hand (see test_figures.py).
    login(client, yiwu_manager)
    [row] = board(yiwu_manager, board_filters(yiwu_manager, month=SEPTEMBER))["rows"]
    assert (row.dispatched, row.closed, row.closed_on_time, row.overdue_at_end, row.urged, row.escalated,
            row.awaiting_joint) == (5, 3, 2, 1, 1, 1, 1)
    running = board(people.province_manager, board_filters(people.province_manager))["totals"]
    assert (running["dispatched"], running["closed"], running["urged"], running["escalated"]) == (2, 1, 1, 1)


def test_mountain_island_only_pipeline_opens_the_mountain_island_counties_cases(history, people, client):
    Division.objects.filter(pk=people.dongyang.pk).update(is_mountain_island=True)
    login(client, people.province_manager)
    f = board_filters(people.province_manager, mountain_only=True)
    steps = {s["state"]: s for s in board(people.province_manager, f)["pipeline"]}
    assert steps[CaseState.CLOSED]["count"] == 1  # I, Dongyang's only case
    assert "mountain_island=true" in steps[CaseState.CLOSED]["url"]
    assert listed(client, steps[CaseState.CLOSED]["url"], page=True) == 1


def _api_count(api_client, **params):
    answer = api_client.get("/api/v1/cases/", {**params, "page_size": 200})
    assert answer.status_code == 200, answer.content
    return len(answer.json()["results"])


def test_case_list_filters_by_the_ledger(history, people, api_client):
    api_client.force_authenticate(people.manager)
    assert _api_count(api_client, assigned_month="2026-09") == 6
    assert _api_count(api_client, closed_month="2026-09") == 3  # A B C: D's closing was undone
    assert _api_count(api_client, closed_on_time_month="2026-09") == 2
    assert _api_count(api_client, open_at="2026-09-30") == 4
    assert _api_count(api_client, overdue_at="2026-09-30") == 1
    # At the end of its deadline day (18 Sep) F is overdue: the deadline has passed; not a day earlier.
    assert _api_count(api_client, overdue_at="2026-09-17") == 0
    assert _api_count(api_client, overdue_at="2026-09-18") == 1
    assert _api_count(api_client, urged_month="2026-09") == 1
    assert _api_count(api_client, escalated_month="2026-09") == 1
    assert _api_count(api_client, awaiting_joint_at="2026-09-30") == 1
    assert _api_count(api_client, awaiting_joint_at="2026-10-09") == 0
    Division.objects.filter(pk=people.dongyang.pk).update(is_mountain_island=True, index_class=IndexClass.MOUNTAIN_ISLAND)
    assert _api_count(api_client, mountain_island="true") == 1
    assert _api_count(api_client, index_class=IndexClass.MOUNTAIN_ISLAND) == 1


@pytest.mark.parametrize("params", [
    {"assigned_month": "2026-13"}, {"closed_month": "九月"}, {"closed_on_time_month": "99999-01"},
    {"urged_month": "9999-12"}, {"open_at": "2026-02-30"}, {"overdue_at": "9999-12-31"},
    {"awaiting_joint_at": "x"}, {"index_class": "city"},
])
def test_a_bad_filter_value_is_refused_not_a_server_error(people, api_client, client, params):
    api_client.force_authenticate(people.manager)
    answer = api_client.get("/api/v1/cases/", params)
    assert answer.status_code == 400 and "error" in answer.json()
    login(client, people.manager)
    page = client.get("/cases/", params)
    assert page.status_code == 200 and "invalid-feedback" in page.content.decode()


def test_board_api_answers_the_links_of_every_figure(history, people, api_client):
    rollup_month(month=SEPTEMBER)
    api_client.force_authenticate(people.manager)
    data = api_client.get("/api/v1/board/", {"month": "2026-09"}).json()
    yiwu = next(r for r in data["rows"] if r["division_code"] == "330782")
    assert "closed_month=2026-09" in yiwu["links"]["closed"] and "county=330782" in yiwu["links"]["closed"]
    assert "overdue_at=2026-09-30" in data["totals_links"]["overdue_at_end"]
    assert "missing_report=true" in yiwu["project_links"]["reports_missing"]
    assert _api_count(api_client, **dict(p.split("=") for p in yiwu["links"]["closed"].split("?")[1].split("&"))) == 3
