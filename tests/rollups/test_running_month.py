"""The running month is not a finished month: one 序时进度 rule (the year elapsed as of today) and so one
序时差 for a county on the board, the project list, the home card and the bulletin; 至今逾期 (owed now,
deadline before today) where an ended month has 月末逾期; and today's work counted at once, without a
roll-up, on the board, the home card and a bulletin generated now."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.selectors import overdue_q
from cases.services import perform_action
from projects.models import MonthlyReport, Project, ReportStatus
from projects.selectors import schedule_rule, schedule_share
from registry.models import Division
from registry.periods import current_month
from rollups.bulletins.content import bulletin_content, summary
from rollups.home import home_card
from rollups.selectors import board, board_filters
from rollups.services import rollup_month
from tests.factories import TEST_PASSWORD, make_user

from .factories import assign, create

pytestmark = pytest.mark.django_db


def test_schedule_share_is_the_year_elapsed_as_of_today_for_the_running_month_only():
    today = dt.date(2026, 12, 3)
    assert schedule_share(dt.date(2026, 12, 1), today) == round(337 * 100 / 365, 2)  # not 100 %
    assert schedule_share(dt.date(2026, 11, 1), today) == round(11 * 100 / 12, 2)
    assert schedule_share(dt.date(2026, 12, 1), dt.date(2026, 12, 31)) == 100.0
    assert schedule_share(dt.date(2028, 3, 1), dt.date(2028, 3, 1)) == round(61 * 100 / 366, 2)  # a leap year
    assert "截至今日（12月3日）" in schedule_rule(dt.date(2026, 12, 1), today)
    assert schedule_rule(dt.date(2026, 9, 1), today) == "序时进度按月末计算：9/12 = 75.00%"


def _login(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)


def _county_bulletin_row(content, name):
    table = content["sections"][0].table
    return next(row for row in table.rows if row[0] == name)


def test_one_county_shows_one_schedule_gap_everywhere_in_the_running_month(history, people, client):
    month = current_month()
    rollup_month(month=month)
    # A report of the running month arrives after the roll-up: counted at once everywhere.
    project = Project.objects.get(code="33078220260001")
    MonthlyReport.objects.create(project=project, month=month, completed=Decimal("123.45"), status=ReportStatus.SUBMITTED)
    manager = make_user("manager", "330782")  # 义乌
    expected = round((660 + 123.45) * 100 / 1200 - schedule_share(month), 2)

    [row] = board(manager, board_filters(manager))["rows"]
    assert row.schedule_gap == expected
    assert row.schedule_share == schedule_share(month)

    _login(client, manager)
    page = client.get(reverse("project-list"), {"month": f"{month:%Y-%m}"}).content.decode()
    assert re.search(r'id="project-schedule-gap">([-\d.]+)<', page).group(1) == f"{expected:.2f}"
    assert schedule_rule(month) in page

    card = home_card(manager)
    assert card["schedule_gap"] == expected and f"投资序时差 {expected:.2f}" in card["note"]

    content = bulletin_content(month=month, division=people.yiwu)
    assert _county_bulletin_row(content, "义乌市")[-1] == expected
    assert f"序时差{expected:.2f}个百分点" in summary(content)

    board_page = client.get(reverse("rollups:board")).content.decode()
    assert schedule_rule(month) in board_page


def test_running_month_counts_todays_work_and_overdue_so_far(history, people, client):
    month = current_month()
    rollup_month(month=month)
    manager = make_user("manager", "330782")
    before = board(manager, board_filters(manager))["rows"][0]
    card_before = home_card(manager)

    # Assigned a moment ago (no roll-up since), due later this month or early next: not overdue yet,
    # though a month-end reading would count it.
    case = create(people, (timezone.localtime() - dt.timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M"), title="刚刚交办")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    perform_action(case=case, action="assign", by=people.yiwu_clerk, version=case.version,
                   lead_unit=people.yiwu_lead, deadline=tomorrow)

    data = board(manager, board_filters(manager))
    [row] = data["rows"]
    assert row.dispatched == before.dispatched + 1
    assert data["totals"]["dispatched"] == row.dispatched and data["trend"][-1]["dispatched"] == row.dispatched
    overdue_now = Case.objects.filter(county=people.yiwu).filter(overdue_q()).count()
    assert row.overdue_at_end == overdue_now == data["totals"]["overdue_at_end"] == data["trend"][-1]["overdue_at_end"]
    assert data["overdue_label"] == "至今逾期"
    assert "overdue=true" in row.links["overdue_at_end"]

    card = home_card(manager)
    assert card["value"] == f"交办 {row.dispatched} / 销号 {row.closed}" != card_before["value"]
    assert card["overdue"] == overdue_now

    content = bulletin_content(month=month, division=people.yiwu)
    assert _county_bulletin_row(content, "义乌市")[1] == row.dispatched
    assert content["sections"][0].table.columns[5].label == "至今逾期"
    assert f"共交办事项{row.dispatched}件" in summary(content) and f"至今逾期{overdue_now}件" in summary(content)

    _login(client, manager)
    page = client.get(reverse("rollups:board")).content.decode()
    assert "至今逾期" in page and "月末逾期</a></th>" not in page


def test_an_ended_month_keeps_month_end_overdue(history, people):
    rollup_month(month=dt.date(2026, 9, 1))
    manager = make_user("manager", "330782")
    data = board(manager, board_filters(manager, month=dt.date(2026, 9, 1)))
    assert data["overdue_label"] == "月末逾期"
    assert "overdue_at=2026-09-30" in data["rows"][0].links["overdue_at_end"]
    content = bulletin_content(month=dt.date(2026, 9, 1), division=people.yiwu)
    assert content["sections"][0].table.columns[5].label == "月末逾期"


def test_running_month_board_reads_a_constant_number_of_queries_after_a_change(history, people, client):
    """A case event moves only its county's live counts: the next read recounts that county, in the
    same number of queries as any other read of a changed county."""
    month = current_month()
    rollup_month(month=month)
    _login(client, people.province_manager)
    url = reverse("rollups:board")
    params = {"month": f"{month:%Y-%m}", "level": "county"}
    client.get(url, params)

    def after_a_change(title):
        case = create(people, (timezone.localtime() - dt.timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M"), title=title)
        with CaptureQueriesContext(connection) as ctx:
            answer = client.get(url, params)
        assert answer.status_code == 200
        return len(ctx.captured_queries), case

    first, _ = after_a_change("第一件")
    for n in range(20):
        create(people, (timezone.localtime() - dt.timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M"), title=f"批量{n}")
    second, _ = after_a_change("第二件")
    assert first == second
    assert Division.objects.filter(level=3).count() > 50  # the province's counties, one recounted
