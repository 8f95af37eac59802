"""Reads for the board (调度看板), the API and the bulletin: snapshot rows plus a few live counts.

Every read is a fixed number of queries whatever the number of cases or counties: the pipeline is one
aggregate over the live cases (rollups.pipeline), the table one read of snapshot rows, the trend one
GROUP BY month, the rankings one read of the previous month's county rows. The running month's figures
are the live county counts (rollups.running) laid over its snapshot rows; an ended month's are the
frozen snapshots. Where each figure leads: rollups.links; the rankings: rollups.rankings."""
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, Sum

from cases.models import CaseCategory
from projects.selectors import completion_figures, schedule_rule, schedule_share
from registry.generations import cached
from registry.models import Division, DivisionLevel, PeriodLock
from registry.periods import add_months, current_month, is_locked, parse_month
from registry.scoping import areas, user_can_see_division

from . import cache, running
from .links import case_list_url, figure_links, project_links
from .models import Bulletin, Dimension, MonthlySnapshot, RollupMonth
from .pipeline import PIPELINE_STATES, pipeline  # noqa: F401  (the board's parts, read from here)
from .rankings import class_rankings, rank

TREND_MONTHS = 12
SORTABLE = {
    "division": "division__code", "dispatched": "dispatched", "closed": "closed", "closure_rate": "closure_rate",
    "on_time_rate": "on_time_rate", "overdue": "overdue_at_end", "investment_rate": "investment_rate",
    "schedule_gap": "schedule_gap",
}
SUM_FIELDS = ("dispatched", "closed", "closed_on_time", "open_at_end", "overdue_at_end", "urged", "escalated", "awaiting_joint")


@dataclass
class BoardFilters:
    """What the board shows: validated against the user's jurisdiction by `board_filters`."""

    month: dt.date
    division: Division  # the jurisdiction or a city/county within it
    level: int  # the level of the table rows
    category: CaseCategory | None = None
    record_type: ContentType | None = None
    mountain_only: bool = False

    @property
    def dimension(self) -> tuple[str, str]:
        if self.category is not None:
            return Dimension.CATEGORY, str(self.category.pk)
        if self.record_type is not None:
            return Dimension.RECORD_TYPE, f"{self.record_type.app_label}.{self.record_type.model}"
        return Dimension.ALL, ""

    @property
    def uses_projects(self) -> bool:
        return self.dimension[0] == Dimension.ALL


def default_month() -> dt.date:
    return current_month()


def jurisdiction(user) -> Division | None:
    own = user.division  # loaded with the user
    if user.is_partner:
        # A partner unit's board is its first paired county's (the others by choice): never the province.
        covered = areas(user)
        return covered[0] if covered else None
    if user.sees_everything and (own is None or own.level != DivisionLevel.PROVINCE):
        return Division.objects.get(level=DivisionLevel.PROVINCE)
    return own


def board_filters(user, *, month=None, division_code=None, level=None, category=None, record_type=None, mountain_only=False) -> BoardFilters:
    """Resolve the filters a user asked for; anything outside their jurisdiction falls back to it."""
    own = jurisdiction(user)
    division = own
    if division_code:
        chosen = Division.objects.filter(code=division_code, level__lte=DivisionLevel.COUNTY).first()
        if chosen is not None and user_can_see_division(user, chosen):
            division = chosen
    # The province compares its 11 cities unless asked for its 90 counties; a city compares its counties.
    child = DivisionLevel.COUNTY
    if division.level == DivisionLevel.PROVINCE and level != "county":
        child = DivisionLevel.CITY
    category_obj = CaseCategory.objects.filter(pk=category).first() if str(category or "").isdigit() else None
    record_obj = None
    if record_type and not category_obj:
        app_label, _, model = str(record_type).partition(".")
        record_obj = ContentType.objects.filter(app_label=app_label, model=model).first()
    return BoardFilters(
        month=(month or default_month()).replace(day=1), division=division, level=child, category=category_obj,
        record_type=record_obj, mountain_only=bool(mountain_only),
    )


def require_board_user(user):
    if not (user.is_clerk or user.is_manager or user.is_superuser) or jurisdiction(user) is None:
        raise PermissionDenied("调度看板仅供专班工作人员和领导使用。")


def filters_from_params(user, params) -> BoardFilters:
    """The board's filters from query parameters (page and API use the same names)."""
    try:
        month = parse_month(params["month"]) if params.get("month") else None
    except ValueError:
        month = None
    return board_filters(
        user, month=month, division_code=params.get("division") or None, level=params.get("level"),
        category=params.get("category"), record_type=params.get("record_type"),
        mountain_only=params.get("mountain") in ("1", "on", "true", "True"),
    )


# --- snapshot table, totals, trend -----------------------------------------------------------------

def _table_rows(user, f: BoardFilters, *, month: dt.date, level: int):
    dimension, value = f.dimension
    qs = (
        MonthlySnapshot.objects.for_user(user)
        .within(f.division)
        .filter(month=month, level=level, dimension=dimension, dimension_value=value)
        .select_related("division", "division__parent")
    )
    if f.mountain_only:
        qs = qs.filter(division__is_mountain_island=True)
    return qs


def snapshot_rows(user, f: BoardFilters, *, sort: str = ""):
    """The month's snapshot rows of the table's level within the chosen division."""
    field = SORTABLE.get(sort.lstrip("-"), "division__code")
    order = F(field).desc(nulls_last=True) if sort.startswith("-") else F(field).asc(nulls_last=True)
    return _table_rows(user, f, month=f.month, level=f.level).order_by(order, "division__code")


def live_rows(f: BoardFilters, rows: list, *, sort: str = "") -> list:
    """The running month's rows with the live figures (rollups.running), sorted again by them."""
    running.overlay(rows, f.division, f.month, dimension=running.dimension_key(f.category, f.record_type),
                    with_projects=f.uses_projects)
    field = SORTABLE.get(sort.lstrip("-"), "")
    if field and field != "division__code":
        # Nones last whichever the direction, as the database sorts the snapshot rows.
        present = [r for r in rows if getattr(r, field) is not None]
        present.sort(key=lambda r: getattr(r, field), reverse=sort.startswith("-"))
        rows = present + [r for r in rows if getattr(r, field) is None]
    return rows


def city_groups(f: BoardFilters, rows: list) -> list[dict]:
    """A county table grouped under its cities, each with its subtotal (the sums of its rows shown) and
    the subtotal's links; [] for a table of cities."""
    if f.level != DivisionLevel.COUNTY:
        return []
    groups: dict = {}
    for row in rows:
        groups.setdefault(row.division.parent_id, []).append(row)
    result = []
    for members in sorted(groups.values(), key=lambda m: m[0].division.parent.code):
        city = members[0].division.parent
        result.append({
            "city": city, "rows": members,
            "subtotal": running.totals_of(members, f.month, with_projects=f.uses_projects),
            "links": figure_links(f, city),
            "project_links": project_links(f, city) if f.uses_projects else {},
        })
    return result


def _previous_county_rows(user, f: BoardFilters) -> list:
    return list(_table_rows(user, f, month=add_months(f.month, -1), level=DivisionLevel.COUNTY))


def _county_rows(user, f: BoardFilters, rows: list) -> list:
    """The counties of the board's rankings: the table's rows, or the counties under its cities."""
    if f.level == DivisionLevel.COUNTY:
        return rows
    return list(_table_rows(user, f, month=f.month, level=DivisionLevel.COUNTY))


def _with_rates(totals: dict) -> dict:
    closed, open_ = totals.get("closed") or 0, totals.get("open_at_end") or 0
    totals["closure_rate"] = round(closed * 100 / (closed + open_), 2) if closed + open_ else None
    totals["on_time_rate"] = round((totals.get("closed_on_time") or 0) * 100 / closed, 2) if closed else None
    plan, done = totals.get("planned_investment"), totals.get("completed_investment")
    totals["investment_rate"] = round(float(done) * 100 / float(plan), 2) if plan and done is not None else None
    return totals


def trend(user, f: BoardFilters) -> list[dict]:
    """Month by month up to the chosen month: the jurisdiction's sums over its table rows (one query)."""
    dimension, value = f.dimension
    first = add_months(f.month, -(TREND_MONTHS - 1))
    qs = MonthlySnapshot.objects.for_user(user).within(f.division).filter(
        month__gte=first, month__lte=f.month, level=f.level, dimension=dimension, dimension_value=value
    )
    if f.mountain_only:
        qs = qs.filter(division__is_mountain_island=True)
    rows = qs.order_by().values("month").annotate(
        **{name: Sum(name) for name in SUM_FIELDS},
        planned_investment=Sum("planned_investment"),
        completed_investment=Sum("completed_investment"),
        reports_missing=Sum("reports_missing"),
        units=Count("pk"),
    ).order_by("month")
    points = []
    for row in rows:
        row = _with_rates(row)
        row["schedule_share"] = schedule_share(row["month"])
        plan, done = row["planned_investment"], row["completed_investment"]
        gap = completion_figures(plan, done, row["month"])["schedule_gap"] if plan and done is not None else None
        row["schedule_gap"] = round(gap, 2) if gap is not None else None
        points.append(row)
    return points


def _snapshot_reads(user, f: BoardFilters, sort: str) -> dict:
    """What the board reads from the snapshots (a few queries), cached until a roll-up writes again."""
    parts = (f.division.key, f.level, *f.dimension, int(f.mountain_only), f.month.isoformat(), sort)

    def read():
        rows = list(snapshot_rows(user, f, sort=sort))
        return {"rows": rows, "trend": trend(user, f), "counties": _county_rows(user, f, rows),
                "previous": _previous_county_rows(user, f)}

    return cached("board-snapshots", [cache.SNAPSHOTS], parts, read, cache.SNAPSHOT_SECONDS)


def _figures(user, f: BoardFilters, sort: str) -> dict:
    reads = _snapshot_reads(user, f, sort)
    rows, points, counties = reads["rows"], reads["trend"], reads["counties"]
    totals = next((p for p in points if p["month"] == f.month), None)
    if running.is_running(f.month) and rows:
        rows = live_rows(f, rows, sort=sort)
        counties = rows if f.level == DivisionLevel.COUNTY else live_rows(f, counties)
        # The trend's last point is the running month's totals, live as the table is.
        totals = running.totals_of(rows, f.month, with_projects=f.uses_projects)
        points = [p for p in points if p["month"] != f.month] + [totals]
    rank(rows)
    for row in rows:
        row.overdue_url = case_list_url(f, county=row.division.code, overdue="true")
        row.links = figure_links(f, row.division)
        row.project_links = project_links(f, row.division) if f.uses_projects else {}
    return {"rows": rows, "totals": totals, "trend": points, "groups": city_groups(f, rows),
            "rankings": class_rankings(counties, reads["previous"], with_projects=f.uses_projects),
            "totals_links": figure_links(f, f.division),
            "totals_project_links": project_links(f, f.division) if f.uses_projects else {}}


def snapshot_figures(user, f: BoardFilters, *, sort: str = "", serialize=None):
    """The table's rows (ranked), the totals, the trend and the rankings. An ended month's come from
    its snapshots and are cached until a roll-up run writes snapshots again (see rollups.cache); the
    running month's are laid over with the live county counts, cached per county (rollups.running).
    `serialize`, if given, turns them into what is cached (the API caches its JSON-ready data); its
    name keeps the two apart in the cache."""
    if running.is_running(f.month):
        figures = _figures(user, f, sort)
        return serialize(figures) if serialize else figures
    # `f.division` lies within the user's jurisdiction (board_filters): the figures depend on the
    # filters only, not on who asks.
    parts = (f.division.key, f.level, *f.dimension, int(f.mountain_only), f.month.isoformat(), sort,
             getattr(serialize, "__qualname__", ""))

    def compute():
        figures = _figures(user, f, sort)
        return serialize(figures) if serialize else figures

    return cached("board-figures", [cache.SNAPSHOTS], parts, compute, cache.SNAPSHOT_SECONDS)


def overdue_label(month: dt.date) -> str:
    """至今逾期 while the month runs (owed now, deadline before today); 月末逾期 once it has ended."""
    return "至今逾期" if running.is_running(month) else "月末逾期"


def board(user, f: BoardFilters, *, sort: str = "", serialize=None) -> dict:
    return {
        **snapshot_figures(user, f, sort=sort, serialize=serialize),
        "filters": f,
        "pipeline": pipeline(user, f),
        "minimum": settings.ROLLUP_RANKING_MIN_CASES,
        "schedule_share": schedule_share(f.month),
        "schedule_rule": schedule_rule(f.month),
        "running": running.is_running(f.month),
        "overdue_label": overdue_label(f.month),
        "overdue_url": case_list_url(f, overdue="true"),
    }


def latest_bulletin(user, f: BoardFilters):
    return (
        Bulletin.objects.for_user(user)
        .filter(month=f.month, division=f.division)
        .select_related("division")
        .order_by("-requested_at", "-id")
        .first()
    )


BULLETIN_HISTORY_LIMIT = 24


def bulletin_history(user, division):
    """The division's bulletins, every month and version, newest month and version first (the board's list)."""
    return (
        Bulletin.objects.for_user(user)
        .filter(division=division)
        .select_related("division", "requested_by")
        .order_by("-month", "-version")[:BULLETIN_HISTORY_LIMIT]
    )


def month_status(month: dt.date) -> tuple[RollupMonth | None, bool]:
    """The month's fill state and whether the province has locked it: one query for a rolled-up month."""
    row = RollupMonth.objects.filter(month=month).annotate(locked=Exists(PeriodLock.objects.filter(month=month))).first()
    if row is None:
        return None, is_locked(month)
    return row, row.locked
