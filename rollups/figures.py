"""The month's figures, computed in the database: the cases' month-end state in one grouped query, the
month's closings in one GROUP BY per (level, dimension), the projects through projects.selectors.

Definitions for a month M (times in Asia/Shanghai, from the cases' event chain). Each case set is
written once, in cases/ledger_sets.py, which the case list's filters use too: a board figure and the list
it links to cannot disagree.
- dispatched: cases first assigned (交办) during M;
- closed: cases closed (销号) during M and still closed at its end — a closing undone by a reopening
  (回头看) in the same month does not count; a case closed twice counts once;
- closed on time: of those, closed on or before the deadline in force at that close — the deadline
  last set before it by assignment, an approved or denied extension, or a reopening (a request for
  an extension moves nothing);
- open at month end: cases whose state at the end of M is 已交办 / 整改中 / 已反馈;
- overdue at month end: cases still owed by the responsible units at the end of M (已交办 / 整改中)
  whose deadline in force then was before the first day of the next month;
- closure rate: closed / (closed + open at month end); on-time rate: closed on time / closed;
- median working days to close: over the cases closed in M, working days from assignment to closing
  on the official calendar (WorkCalendarDay);
- urged / escalated: cases urged (督办) / escalated (提级, by hand or automatically) during M;
- awaiting joint close-out: cases in 已反馈 at the end of M with joint parties who had not all confirmed.
Project figures come from projects.selectors.figures_rollup (year to date at the end of M).
"""
import datetime as dt
import zoneinfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Aggregate, Count, F, FloatField, IntegerField, Min, OuterRef, Q, Subquery, Value, When
from django.db.models import Case as CaseWhen
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from cases.ledger_sets import (  # noqa: F401  (the definitions' names, read here by bench and bulletins)
    DEADLINE_ACTIONS,
    ESCALATE_ACTIONS,
    ON_TIME,
    OPEN_AT_END,
    OWED_STATES,
    at_moment,
    awaiting_joint_q,
    closings,
    confirms_at,
    dispatched_q,
    escalated_q,
    month_bounds,
    open_q,
    overdue_q,
    urged_q,
)
from cases.models import Case, CaseCategory, WorkCalendarDay
from projects.models import MonthlyReport, Project
from projects.selectors import figures_rollup, schedule_share
from registry.models import Division, DivisionLevel

from .models import Dimension

LEVELS = (DivisionLevel.COUNTY, DivisionLevel.CITY, DivisionLevel.PROVINCE)
STOCK_FIELDS = ("dispatched", "open_at_end", "overdue_at_end", "urged", "escalated", "awaiting_joint")
COUNT_FIELDS = (
    "dispatched", "closed", "closed_on_time", "open_at_end", "overdue_at_end", "urged", "escalated", "awaiting_joint",
)


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set median: percentile_cont(0.5) WITHIN GROUP (ORDER BY x)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _group_expressions(level: int, dimension: str, prefix: str = "") -> dict:
    """The group keys `_g` (division id) and `_d` (dimension value) for Case (or, with a prefix, CaseEvent)."""
    if level == DivisionLevel.COUNTY:
        g = F(f"{prefix}county_id")
    elif level == DivisionLevel.CITY:
        g = F(f"{prefix}county__parent_id")
    else:
        # A constant is left out of GROUP BY: one group over everything.
        g = Value(0, output_field=IntegerField())
    d = {
        Dimension.ALL: Value(0, output_field=IntegerField()),
        Dimension.CATEGORY: F(f"{prefix}category_id"),
        Dimension.RECORD_TYPE: F(f"{prefix}content_type_id"),
    }[dimension]
    return {"_g": g, "_d": d}


def _dimension_filter(dimension: str, prefix: str = "") -> Q:
    return Q(**{f"{prefix}content_type__isnull": False}) if dimension == Dimension.RECORD_TYPE else Q()


def case_stock_rows(month: dt.date, *, until: dt.datetime | None = None, counties=None) -> list[dict]:
    """Per (county, city, category, record type): dispatched, open and overdue at month end, urged,
    escalated, awaiting joint close-out. Each case's flags are computed in an inner query with the
    predicates of cases.ledger_sets (which the case list filters with too); the outer query sums them
    per group. `until` reads the month only up to that moment (the running month read now: overdue
    then means a deadline before today), `counties` only those counties' cases."""
    start, end = month_bounds(month)
    end = min(end, until) if until is not None else end
    one = {"default": Value(0), "output_field": IntegerField()}

    def flag(condition):
        return CaseWhen(When(condition, then=Value(1)), **one)

    cases = Case.objects.filter(created_at__lt=end)
    if counties is not None:
        cases = cases.filter(county_id__in=counties)
    per_case = (
        cases
        .annotate(**at_moment(end))
        .annotate(**confirms_at(end))
        .annotate(
            _county=F("county_id"),
            _city=F("county__parent_id"),
            _category=F("category_id"),
            _ct=F("content_type_id"),
            _dispatched=flag(dispatched_q(start, end)),
            _open=flag(open_q()),
            _overdue=flag(overdue_q(end)),
            _urged=flag(urged_q(start, end)),
            _escalated=flag(escalated_q(start, end)),
            _awaiting=flag(awaiting_joint_q()),
        )
        .values("_county", "_city", "_category", "_ct", "_dispatched", "_open", "_overdue", "_urged", "_escalated", "_awaiting")
        .order_by()
    )
    inner, params = per_case.query.sql_with_params()
    names = ("county", "city", "category", "content_type", *STOCK_FIELDS)
    sql = f"""
        SELECT t."_county", t."_city", t."_category", t."_ct", SUM(t."_dispatched"), SUM(t."_open"),
            SUM(t."_overdue"), SUM(t."_urged"), SUM(t."_escalated"), SUM(t."_awaiting")
        FROM ({inner}) t
        GROUP BY t."_county", t."_city", t."_category", t."_ct"
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The per-case subqueries' cost estimate makes PostgreSQL JIT-compile the query, which takes
            # seconds at province scale, several times longer than running it.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def stock_by_group(stock: list[dict], level: int, dimension: str) -> dict:
    """Sum the per-county stock rows into the groups of one level and dimension (a few hundred rows)."""
    division_key = {DivisionLevel.COUNTY: "county", DivisionLevel.CITY: "city"}.get(level)
    dimension_key = {Dimension.CATEGORY: "category", Dimension.RECORD_TYPE: "content_type"}.get(dimension)
    groups: dict = {}
    for row in stock:
        d = row[dimension_key] if dimension_key else 0
        if d is None:
            continue
        key = (row[division_key] if division_key else 0, d)
        totals = groups.setdefault(key, dict.fromkeys(STOCK_FIELDS, 0))
        for name in STOCK_FIELDS:
            totals[name] += int(row[name] or 0)
    return groups


def _closings(month: dt.date, level: int, dimension: str):
    """The closings of the month (cases.ledger_sets.closings) with their working days to close."""
    start, end = month_bounds(month)
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    workdays = (
        WorkCalendarDay.objects.filter(
            is_workday=True, date__gt=OuterRef("_assigned_on"), date__lte=OuterRef("_closed_on")
        )
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        closings(start, end)
        .filter(_dimension_filter(dimension, "case__"))
        .annotate(_assigned_on=TruncDate("case__assigned_at", tzinfo=tz))
        .annotate(_workdays=Coalesce(Subquery(workdays, output_field=IntegerField()), 0), **_group_expressions(level, dimension, "case__"))
        .order_by()
    )


def case_closing_rows(month: dt.date, level: int, dimension: str):
    """Per group: closed, closed on time, and the median working days to close."""
    closings = _closings(month, level, dimension)
    aggregates = {"closed": Count("pk"), "closed_on_time": Count("pk", filter=ON_TIME)}
    if connection.vendor == "postgresql":
        aggregates["median_close_workdays"] = PercentileCont("_workdays")
    rows = list(closings.values("_g", "_d").annotate(**aggregates).order_by())
    if connection.vendor != "postgresql":
        medians = _median_by_window(closings)
        for row in rows:
            row["median_close_workdays"] = medians.get((row["_g"], row["_d"]))
    return rows


def _median_by_window(closings) -> dict:
    """The median per group without percentile_cont: the middle row(s) found by window functions."""
    inner, params = closings.values_list("_g", "_d", "_workdays").query.sql_with_params()
    sql = f"""
        SELECT g, d, AVG(w) FROM (
            SELECT g, d, w, ROW_NUMBER() OVER (PARTITION BY g, d ORDER BY w) AS rn, COUNT(*) OVER (PARTITION BY g, d) AS cnt
            FROM (SELECT t."_g" AS g, t."_d" AS d, t."_workdays" AS w FROM ({inner}) t) src
        ) ranked
        WHERE rn IN ((cnt + 1) / 2, (cnt + 2) / 2)
        GROUP BY g, d
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(g, d): float(m) for g, d, m in cursor.fetchall()}


def project_rows(month: dt.date, level: int) -> dict:
    """Project figures per division id (year to date at the end of the month)."""
    projects = Project.objects.all()
    if level == DivisionLevel.PROVINCE:
        return {0: figures_rollup(projects, by="province", month=month)}
    by = "county" if level == DivisionLevel.COUNTY else "city"
    key = "county_id" if by == "county" else "county__parent_id"
    return {row[key]: row for row in figures_rollup(projects, by=by, month=month)}


def _rate(numerator, denominator):
    return round(numerator * 100 / denominator, 2) if denominator else None


def _round(value):
    return round(value, 2) if value is not None else None


def dimension_labels() -> dict:
    labels = {(Dimension.ALL, 0): ("", "全部事项")}
    for pk, name in CaseCategory.objects.values_list("pk", "name"):
        labels[(Dimension.CATEGORY, pk)] = (str(pk), name)
    for ct in ContentType.objects.filter(pk__in=Case.objects.filter(content_type__isnull=False).values("content_type")):
        labels[(Dimension.RECORD_TYPE, ct.pk)] = (f"{ct.app_label}.{ct.model}", str(ct.model_class()._meta.verbose_name if ct.model_class() else ct.model))
    return labels


def divisions_by_level() -> dict:
    """Division ids per level; the province row is keyed by the constant group 0 in the queries."""
    ids = dict.fromkeys(LEVELS)
    for level in LEVELS:
        ids[level] = list(Division.objects.filter(level=level).order_by("code").values_list("pk", flat=True))
    return ids


def level_rows(month: dt.date, level: int, division_ids: list, labels: dict, stock: list[dict]) -> list[dict]:
    """All snapshot field values of one level: every division on the "all" dimension, and every group
    with cases on the others."""
    province_id = division_ids[0] if level == DivisionLevel.PROVINCE else None
    rows: dict = {}

    def row_for(group, dimension, value):
        division_id = province_id if level == DivisionLevel.PROVINCE else group
        key = (division_id, dimension, value)
        if key not in rows:
            dim_value, label = labels.get((dimension, value), (str(value), str(value)))
            rows[key] = {
                "division_id": division_id, "level": level, "dimension": dimension, "dimension_value": dim_value,
                "dimension_label": label, **dict.fromkeys(COUNT_FIELDS, 0), "median_close_workdays": None,
            }
        return rows[key]

    for division_id in division_ids:
        row_for(0 if province_id else division_id, Dimension.ALL, 0)
    for dimension in Dimension.values:
        for (group, value), figures in stock_by_group(stock, level, dimension).items():
            row_for(group, dimension, value).update(figures)
        for figures in case_closing_rows(month, level, dimension):
            row = row_for(figures.pop("_g"), dimension, figures.pop("_d"))
            row.update(figures, median_close_workdays=_round(figures["median_close_workdays"]))
    projects = project_rows(month, level)
    share = schedule_share(month)
    for (division_id, dimension, _), row in rows.items():
        row["closure_rate"] = _rate(row["closed"], row["closed"] + row["open_at_end"])
        row["on_time_rate"] = _rate(row["closed_on_time"], row["closed"])
        if dimension != Dimension.ALL:
            continue
        p = projects.get(0 if province_id else division_id)
        row.update(
            project_count=p["project_count"] if p else 0,
            planned_investment=(p["year_plan"] if p else None),
            completed_investment=(p["completed_year"] if p else None),
            investment_rate=_round(p["completion_rate"]) if p else None,
            schedule_share=share,
            schedule_gap=_round(p["schedule_gap"]) if p else None,
            start_rate=_round(p["start_rate"]) if p else None,
            reports_missing=p["missing"] if p else 0,
        )
    return list(rows.values())


def earliest_activity_month() -> dt.date | None:
    """The first month with a case or a project report: nothing before it needs rolling up."""
    first_case = Case.objects.aggregate(first=Min("created_at"))["first"]
    first_report = MonthlyReport.objects.aggregate(first=Min("month"))["first"]
    candidates = [timezone.localtime(first_case).date().replace(day=1)] if first_case else []
    if first_report:
        candidates.append(first_report.replace(day=1))
    return min(candidates) if candidates else None
