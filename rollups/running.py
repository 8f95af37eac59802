"""The running month, counted live: a case assigned or closed a minute ago is on the board, the home
card and a bulletin generated now, and its overdue figure is 至今逾期 (still owed now, deadline before
today) instead of 月末逾期 (owed at the month's end), which only an ended month has.

The month's snapshot rows still give the table its shape (which divisions, groups and median), but for
the running month their case and project figures are replaced by counts per county kept in the cache
under the county's own generation "month:<county id>": every case event in the county moves it (see
rollups.cache), and any project change moves "projects". A read adds up cached county counts, so it
costs the same few queries whatever the number of cases; after a change only that county is recounted.
The day is part of the key, since 至今逾期 and 序时进度 move at midnight. Ended months are the frozen
snapshots the roll-up wrote.
"""
import datetime as dt

from django.db.models import Count
from django.utils import timezone

from cases.ledger_sets import ON_TIME, closings, month_bounds
from projects.cache import GENERATION as PROJECTS_GENERATION
from projects.models import Project
from projects.selectors import completion_figures, figures_rollup, is_running_month, schedule_share
from registry.generations import cached, cached_many
from registry.models import Division, DivisionLevel

from . import cache
from .figures import COUNT_FIELDS, case_stock_rows

# Every case event in a county, every project change and every roll-up run move what these depend on;
# the timeout only bounds a change made outside all of them.
COUNTY_SECONDS = 3600
PROJECT_FIELDS = ("project_count", "year_plan", "completed_year", "new_due", "new_started", "missing")
ALL = ("all", 0)


def is_running(month: dt.date) -> bool:
    return is_running_month(month, timezone.localdate())


def counties(division: Division, mountain_only: bool = False) -> list[tuple[int, str]]:
    """(id, key) of the counties `division` covers (the mountain and island ones if asked)."""
    def read():
        qs = Division.objects.within(division).filter(level=DivisionLevel.COUNTY)
        if mountain_only:
            qs = qs.filter(is_mountain_island=True)
        return list(qs.order_by().values_list("pk", "key"))

    return cached("board-counties", ["reference"], (division.key, mountain_only), read, cache.REFERENCE_SECONDS)


def dimension_key(category=None, record_type=None) -> tuple:
    """The key of a board's dimension in the county counts: every case, a category, or a record type."""
    if category is not None:
        return ("category", category.pk)
    if record_type is not None:
        return ("record_type", record_type.pk)
    return ALL


def _add(groups: dict, key: tuple, values: dict):
    totals = groups.setdefault(key, dict.fromkeys(COUNT_FIELDS, 0))
    for name, value in values.items():
        totals[name] += int(value or 0)


def _keys(category_id, content_type_id) -> list[tuple]:
    keys = [ALL, ("category", category_id)]
    return keys + [("record_type", content_type_id)] if content_type_id else keys


def _count_cases(county_ids: list[int], month: dt.date) -> dict:
    """{county id: {dimension key: figures}} of the month so far, in two queries over those counties:
    the month's stock (read as of now, by cases.ledger_sets' predicates, as the roll-up does) and the
    closings still standing now."""
    now = timezone.now()
    result = {pk: {ALL: dict.fromkeys(COUNT_FIELDS, 0)} for pk in county_ids}
    for row in case_stock_rows(month, until=now, counties=county_ids):
        stock = {name: row[name] for name in ("dispatched", "open_at_end", "overdue_at_end", "urged", "escalated", "awaiting_joint")}
        for key in _keys(row["category"], row["content_type"]):
            _add(result[row["county"]], key, stock)
    start, _ = month_bounds(month)
    closed = (
        closings(start, now).filter(case__county_id__in=county_ids)
        .values("case__county_id", "case__category_id", "case__content_type_id")
        .annotate(closed=Count("pk"), closed_on_time=Count("pk", filter=ON_TIME)).order_by()
    )
    for row in closed:
        for key in _keys(row["case__category_id"], row["case__content_type_id"]):
            _add(result[row["case__county_id"]], key, {"closed": row["closed"], "closed_on_time": row["closed_on_time"]})
    return result


def county_case_counts(county_list: list[tuple[int, str]], month: dt.date) -> dict:
    """{county id: {dimension key: figures}} of the running month, each county cached on its own."""
    today = timezone.localdate().isoformat()
    # A roll-up run (generation "snapshots") also recounts them: it is the resync point for writes made
    # outside the services (bulk loads, the admin), which move no generation.
    entries = {pk: (["cases", cache.SNAPSHOTS, cache.month_generation(pk)], (key, month.isoformat(), today)) for pk, key in county_list}
    return cached_many("running-month-county", entries, lambda ids: _count_cases(ids, month), COUNTY_SECONDS)


def county_project_counts(division: Division, month: dt.date) -> dict:
    """{county id: project figures} of the counties under `division`, year to date, in one query."""
    def read():
        rows = figures_rollup(Project.objects.within(division), by="county", month=month)
        return {r["county_id"]: {name: r[name] for name in PROJECT_FIELDS} for r in rows}

    parts = (division.key, month.isoformat(), timezone.localdate().isoformat())
    return cached("running-month-projects", [PROJECTS_GENERATION], parts, read, COUNTY_SECONDS)


def _sum(per_county: list[dict], names) -> dict:
    totals = dict.fromkeys(names, 0)
    for figures in per_county:
        for name in names:
            totals[name] += figures.get(name) or 0
    return totals


def case_rates(figures: dict) -> dict:
    closed, open_ = figures["closed"], figures["open_at_end"]
    figures["closure_rate"] = round(closed * 100 / (closed + open_), 2) if closed + open_ else None
    figures["on_time_rate"] = round(figures["closed_on_time"] * 100 / closed, 2) if closed else None
    return figures


def project_figures(sums: dict, month: dt.date) -> dict:
    """The board's project fields from summed county figures (completion and 序时差 by the one rule)."""
    if not sums.get("project_count"):
        return {"project_count": 0, "planned_investment": None, "completed_investment": None, "investment_rate": None,
                "schedule_share": schedule_share(month), "schedule_gap": None, "start_rate": None, "reports_missing": 0}
    figures = completion_figures(sums["year_plan"], sums["completed_year"], month)
    rate, gap = figures["completion_rate"], figures["schedule_gap"]
    return {
        "project_count": sums["project_count"],
        "planned_investment": sums["year_plan"],
        "completed_investment": sums["completed_year"],
        "investment_rate": round(rate, 2) if rate is not None else None,
        "schedule_share": schedule_share(month),
        "schedule_gap": round(gap, 2) if gap is not None else None,
        "start_rate": round(sums["new_started"] * 100 / sums["new_due"], 2) if sums["new_due"] else None,
        "reports_missing": sums["missing"],
    }


def division_figures(division: Division, month: dt.date, *, dimension: tuple = ALL, mountain_only: bool = False,
                     with_projects: bool = True) -> dict:
    """The running month's figures of one division (its counties added up): the home card's and a
    bulletin's totals."""
    county_list = counties(division, mountain_only)
    cases = county_case_counts(county_list, month)
    figures = case_rates(_sum([cases[pk].get(dimension, {}) for pk, _ in county_list], COUNT_FIELDS))
    if with_projects:
        projects = county_project_counts(division, month)
        figures.update(project_figures(_sum([projects.get(pk, {}) for pk, _ in county_list], PROJECT_FIELDS), month))
    return figures


def overlay(rows: list, division: Division, month: dt.date, *, dimension: tuple = ALL, with_projects: bool = True) -> list:
    """Replace the figures of snapshot rows (counties or cities under `division`) by the live ones."""
    county_list = counties(division)
    cases = county_case_counts(county_list, month)
    projects = county_project_counts(division, month) if with_projects else {}
    for row in rows:
        mine = [pk for pk, key in county_list if key.startswith(row.division.key)]
        values = case_rates(_sum([cases[pk].get(dimension, {}) for pk in mine], COUNT_FIELDS))
        if with_projects:
            values.update(project_figures(_sum([projects.get(pk, {}) for pk in mine], PROJECT_FIELDS), month))
        for name, value in values.items():
            setattr(row, name, value)
    return rows


def totals_of(rows: list, month: dt.date, *, with_projects: bool = True) -> dict:
    """The board's totals over live rows, as the trend's point for the month."""
    totals = case_rates({name: sum(getattr(r, name) for r in rows) for name in COUNT_FIELDS})
    totals.update(planned_investment=None, completed_investment=None, investment_rate=None,
                  schedule_share=schedule_share(month), reports_missing=0)
    if with_projects:
        sums = {
            "project_count": sum(r.project_count for r in rows),
            "year_plan": sum((r.planned_investment or 0) for r in rows),
            "completed_year": sum((r.completed_investment or 0) for r in rows),
            "missing": sum(r.reports_missing for r in rows),
            "new_due": 0, "new_started": 0,
        }
        totals.update(project_figures(sums, month))
    totals["month"], totals["units"] = month, len(rows)
    return totals
