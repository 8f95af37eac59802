"""Reads for the status board, the API and the bulletin: snapshot rows plus a few live counts.

Every read is a fixed number of queries whatever the number of cases or counties: the pipeline is one
aggregate over the live cases, the table one read of snapshot rows, the trend one GROUP BY month."""
import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, Q, Sum
from django.urls import NoReverseMatch, reverse

from cases.models import Case, CaseCategory, CaseState
from cases.services import DEADLINE_STATES, DUE_SOON_WORKDAYS, local_today
from cases.workdays import add_working_days
from registry.models import PeriodLock
from registry.periods import add_months, current_month, is_locked, parse_month
from projects.selectors import schedule_share
from registry.generations import cached, cached_many
from registry.models import Division, DivisionLevel
from registry.scoping import areas, user_can_see_division

from . import cache
from .models import Bulletin, Dimension, MonthlySnapshot, RollupMonth

PIPELINE_STATES = (
    (CaseState.DISCOVERED, "待交办"),
    (CaseState.ASSIGNED, "已交办"),
    (CaseState.RECTIFYING, "整改中"),
    (CaseState.FEEDBACK, "已反馈"),
    (CaseState.CLOSED, "已销号"),
)
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


# --- live pipeline --------------------------------------------------------------------------------

def _case_list_base() -> str:
    # The cases page and the cases API filter with the same CaseFilter; the page is preferred when the
    # cases app serves it.
    try:
        return reverse("case-list")
    except NoReverseMatch:
        return "/api/v1/cases/"


def case_list_url(f: BoardFilters, **params) -> str:
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
    cases.ledger_sets that rollups.figures counts, for the month or at its end (its last day's end)."""
    in_month, last_day = f"{month:%Y-%m}", (add_months(month, 1) - dt.timedelta(days=1)).isoformat()
    return {
        "dispatched": ("assigned_month", in_month),
        "closed": ("closed_month", in_month),
        "closed_on_time": ("closed_on_time_month", in_month),
        "open_at_end": ("open_at", last_day),
        "overdue_at_end": ("overdue_at", last_day),
        "urged": ("urged_month", in_month),
        "escalated": ("escalated_month", in_month),
        "awaiting_joint": ("awaiting_joint_at", last_day),
    }


def figure_links(f: BoardFilters, division: Division) -> dict:
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


def project_links(f: BoardFilters, division: Division) -> dict:
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


def pipeline(user, f: BoardFilters) -> list[dict]:
    """Per step of assign – track – close: cases now, and how many of them are overdue or due soon.

    Cached per division until a case below it changes state, deadline or record (see rollups.cache),
    and, beneath, per county: a city or the province adds up its counties' counts, so after a change
    it recounts that county's cases, not the province's 100,000 (at month-end some county changes
    every few seconds)."""
    today = local_today()
    # The counts depend on the place, the filters and the day only, not on who asks: the board's
    # division lies within the user's jurisdiction (board_filters), and so do its counties.
    filters = (f.category.pk if f.category else "", f.record_type.pk if f.record_type else "", today.isoformat())
    totals = cached("pipeline", ["cases", f"cases:{f.division.key}"], (f.division.key, f.mountain_only, *filters),
                    lambda: _add_up_counties(user, f, filters, today), cache.PIPELINE_SECONDS)
    return [_step(f, state, label, totals.get(state.value, (0, 0, 0))) for state, label in PIPELINE_STATES]


def _add_up_counties(user, f: BoardFilters, filters: tuple, today: dt.date) -> dict:
    """{state: (cases, overdue, due soon)} of the division, as the sum of its counties' cached counts."""
    entries = {pk: (["cases", f"cases:{key}"], (key, *filters)) for pk, key in _counties(f)}
    per_county = cached_many("pipeline-county", entries, lambda ids: _county_counts(user, f, ids, today),
                             cache.PIPELINE_SECONDS)
    totals = {}
    for counts in per_county.values():
        for state, numbers in counts.items():
            totals[state] = tuple(map(sum, zip(totals.get(state, (0, 0, 0)), numbers)))
    return totals


def _step(f: BoardFilters, state: CaseState, label: str, numbers: tuple) -> dict:
    owed = state in DEADLINE_STATES
    count, overdue, due_soon = numbers
    return {
        "state": state.value,
        "label": label,
        "count": count,
        "url": case_list_url(f, state=state.value),
        "overdue": overdue if owed else None,
        "overdue_url": case_list_url(f, state=state.value, overdue="true") if owed else None,
        "due_soon": due_soon if owed else None,
        "due_soon_url": case_list_url(f, state=state.value, due_soon="true") if owed else None,
    }


def _counties(f: BoardFilters) -> list[tuple[int, str]]:
    """(id, key) of the counties the board's division covers (the mountain and island ones if asked)."""
    def read():
        counties = Division.objects.within(f.division).filter(level=DivisionLevel.COUNTY)
        if f.mountain_only:
            counties = counties.filter(is_mountain_island=True)
        return list(counties.order_by().values_list("pk", "key"))

    return cached("board-counties", ["reference"], (f.division.key, f.mountain_only), read, cache.REFERENCE_SECONDS)


def _county_counts(user, f: BoardFilters, county_ids: list[int], today: dt.date) -> dict:
    """{county id: {state: (cases, overdue, due soon)}} in one query over those counties' cases."""
    soon = add_working_days(today, DUE_SOON_WORKDAYS)
    cases = Case.objects.for_user(user).filter(county__in=county_ids)
    if f.category is not None:
        cases = cases.filter(category=f.category)
    if f.record_type is not None:
        cases = cases.filter(content_type=f.record_type)
    # One row per county and state with three counts: filtered counts per step cost twice as much.
    rows = (
        cases.order_by().values_list("county_id", "state")
        .annotate(count=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=today)),
                  due_soon=Count("pk", filter=Q(deadline__gte=today, deadline__lte=soon)))
    )
    counts = {pk: {} for pk in county_ids}
    for county_id, state, *numbers in rows:
        counts[county_id][state] = tuple(numbers)
    return counts


# --- snapshot table, totals, trend -----------------------------------------------------------------

def snapshot_rows(user, f: BoardFilters, *, sort: str = ""):
    """The month's snapshot rows of the table's level within the chosen division."""
    dimension, value = f.dimension
    qs = (
        MonthlySnapshot.objects.for_user(user)
        .within(f.division)
        .filter(month=f.month, level=f.level, dimension=dimension, dimension_value=value)
        .select_related("division")
    )
    if f.mountain_only:
        qs = qs.filter(division__is_mountain_island=True)
    field = SORTABLE.get(sort.lstrip("-"), "division__code")
    order = F(field).desc(nulls_last=True) if sort.startswith("-") else F(field).asc(nulls_last=True)
    return qs.order_by(order, "division__code")


def rank(rows: list, *, minimum: int | None = None) -> list:
    """比学赶超: units handling at least `minimum` cases in the month (closed + open at month end) are
    ranked by closure rate, then on-time rate; smaller units get no rank. `rows` are snapshot rows."""
    minimum = settings.ROLLUP_RANKING_MIN_CASES if minimum is None else minimum
    eligible = [r for r in rows if r.closed + r.open_at_end >= minimum and r.closure_rate is not None]
    eligible.sort(key=lambda r: (-(r.closure_rate or 0), -(r.on_time_rate or 0), r.division.code))
    ranks = {r.pk: i for i, r in enumerate(eligible, start=1)}
    for r in rows:
        r.rank = ranks.get(r.pk)
    return rows


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
        points.append(row)
    return points


def snapshot_figures(user, f: BoardFilters, *, sort: str = "", serialize=None):
    """The table's rows (ranked), the totals and the trend from the month's snapshots, cached until a
    roll-up run writes snapshots again (see rollups.cache). `serialize`, if given, turns them into what
    is cached (the API caches its JSON-ready data); its name keeps the two apart in the cache."""
    # `f.division` lies within the user's jurisdiction (board_filters): the figures depend on the
    # filters only, not on who asks.
    parts = (f.division.key, f.level, *f.dimension, int(f.mountain_only), f.month.isoformat(), sort,
             getattr(serialize, "__qualname__", ""))

    def compute():
        rows = rank(list(snapshot_rows(user, f, sort=sort)))
        for row in rows:
            row.overdue_url = case_list_url(f, county=row.division.code, overdue="true")
            row.links = figure_links(f, row.division)
            row.project_links = project_links(f, row.division) if f.uses_projects else {}
        points = trend(user, f)
        figures = {"rows": rows, "totals": next((p for p in points if p["month"] == f.month), None), "trend": points,
                   "totals_links": figure_links(f, f.division),
                   "totals_project_links": project_links(f, f.division) if f.uses_projects else {}}
        return serialize(figures) if serialize else figures

    return cached("board-figures", [cache.SNAPSHOTS], parts, compute, cache.SNAPSHOT_SECONDS)


def board(user, f: BoardFilters, *, sort: str = "", serialize=None) -> dict:
    return {
        **snapshot_figures(user, f, sort=sort, serialize=serialize),
        "filters": f,
        "pipeline": pipeline(user, f),
        "minimum": settings.ROLLUP_RANKING_MIN_CASES,
        "schedule_share": schedule_share(f.month),
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


def home_card(user) -> dict:
    """This month so far, for the user's jurisdiction, from its snapshot row."""
    division = jurisdiction(user)
    row = (
        MonthlySnapshot.objects.filter(month=current_month(), division=division, dimension=Dimension.ALL)
        .values("dispatched", "closed", "overdue_at_end")
        .first()
    )
    if row is None:
        return {"value": "—", "url": reverse("rollups:board"), "note": "本月统计尚未生成"}
    return {
        "value": f"交办 {row['dispatched']} / 销号 {row['closed']}",
        "url": reverse("rollups:board"),
        "note": f"月末口径逾期 {row['overdue_at_end']} 件",
    }


def month_status(month: dt.date) -> tuple[RollupMonth | None, bool]:
    """The month's fill state and whether the province has locked it: one query for a rolled-up month."""
    row = RollupMonth.objects.filter(month=month).annotate(locked=Exists(PeriodLock.objects.filter(month=month))).first()
    if row is None:
        return None, is_locked(month)
    return row, row.locked
