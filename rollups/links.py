"""Where each board figure leads: the case or project list filtered to exactly the cases or projects it
counts (the filters are cases.filters' and projects.filters' own names). A month that has ended opens
its sets at the month's end; the running month opens them now (至今逾期: the live overdue filter)."""
import datetime as dt
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from registry.models import Division
from registry.periods import add_months

from .running import is_running


def _case_list_base() -> str:
    # The cases page and the cases API filter with the same CaseFilter; the page is preferred when the
    # cases app serves it.
    try:
        return reverse("case-list")
    except NoReverseMatch:
        return "/api/v1/cases/"


def case_list_url(f, **params) -> str:
    """The case list showing exactly the cases behind a board number (the cases filter's names)."""
    query = {"county": f.division.code}
    if f.category is not None:
        query["category"] = f.category.pk
    if f.record_type is not None:
        query["concerns_type"] = f"{f.record_type.app_label}.{f.record_type.model}"
    if f.mountain_only:
        query["mountain_island"] = "true"
    query.update(params)
    return f"{_case_list_base()}?{urlencode(query)}"


def _month_filters(month: dt.date) -> dict:
    """The case list filter (name, value) behind each monthly figure of a snapshot row: the sets of
    cases.ledger_sets that rollups.figures counts, for the month or at its end (its last day's end).
    The running month's stock figures are read as of now: open and awaiting at today's end (nothing
    later has happened yet), overdue as the live filter counts it (owed, deadline before today)."""
    in_month = f"{month:%Y-%m}"
    if is_running(month):
        today = timezone.localdate().isoformat()
        overdue, day = ("overdue", "true"), today
    else:
        day = (add_months(month, 1) - dt.timedelta(days=1)).isoformat()
        overdue = ("overdue_at", day)
    return {
        "dispatched": ("assigned_month", in_month),
        "closed": ("closed_month", in_month),
        "closed_on_time": ("closed_on_time_month", in_month),
        "open_at_end": ("open_at", day),
        "overdue_at_end": overdue,
        "urged": ("urged_month", in_month),
        "escalated": ("escalated_month", in_month),
        "awaiting_joint": ("awaiting_joint_at", day),
    }


def figure_links(f, division: Division) -> dict:
    """{figure: case list URL} for a row of the month's table (or its totals, for the board's division)."""
    return {
        figure: case_list_url(f, county=division.code, **{name: value})
        for figure, (name, value) in _month_filters(f.month).items()
    }


def _project_list_base() -> str:
    try:
        return reverse("project-list")
    except NoReverseMatch:
        return "/api/v1/projects/"


def project_links(f, division: Division) -> dict:
    """{figure: project list URL}: the projects behind a row's 投资完成率 / 序时差 (the division's
    projects, those lagging), 开工率 (new projects due to start this year) and 未报 (not reported)."""
    query = {"county": division.code, "month": f"{f.month:%Y-%m}"}
    if f.mountain_only:
        query["mountain_island"] = "true"
    base = _project_list_base()

    def url(**params):
        return f"{base}?{urlencode({**query, **params})}"

    return {
        "investment_rate": url(),
        "schedule_gap": url(lagging="true"),
        "start_rate": url(start_due="true"),
        "started": url(start_due="true", started="true"),
        "reports_missing": url(missing_report="true"),
    }


