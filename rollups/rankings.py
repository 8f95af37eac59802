"""比学赶超: counties ranked within each index class (高度城镇化地区 / 山区海岛地区 / 其他地区) and
overall, for cases (closure rate, then on-time rate) and for projects (investment completion rate,
then 序时差), each with a minimum volume below which a county is listed as not ranked, and the
movement of each rank against the previous month (the same measure and class).

The rows are snapshot rows (for the running month, overlaid with the live figures: rollups.running);
nothing here reads the database."""
import dataclasses

from django.conf import settings

from registry.models import IndexClass


@dataclasses.dataclass(frozen=True)
class Measure:
    key: str
    label: str
    first: str  # the rate ranked by, highest first
    second: str  # the tie-breaker, highest first
    volume: str  # what the minimum counts
    unit: str
    fixed_minimum: int | None = None

    def volume_of(self, row) -> int:
        if self.key == "cases":
            return (row.closed or 0) + (row.open_at_end or 0)
        return row.project_count or 0

    @property
    def minimum(self) -> int:
        if self.fixed_minimum is not None:
            return self.fixed_minimum
        return settings.ROLLUP_RANKING_MIN_CASES if self.key == "cases" else settings.ROLLUP_RANKING_MIN_PROJECTS

    @property
    def rule(self) -> str:
        return (f"{self.volume}不少于{self.minimum}{self.unit}的县（市、区）参与排名，按{self.first_label}从高到低，"
                f"相同时按{self.second_label}；不足{self.minimum}{self.unit}的列出但不排名。")

    @property
    def first_label(self) -> str:
        return LABELS[self.first]

    @property
    def second_label(self) -> str:
        return LABELS[self.second]


LABELS = {"closure_rate": "销号率", "on_time_rate": "按期销号率", "investment_rate": "投资完成率", "schedule_gap": "序时差"}
CASES = Measure("cases", "交办事项", "closure_rate", "on_time_rate", "当月办理量（本月销号 + 月末在办）", "件")
PROJECTS = Measure("projects", "重大项目", "investment_rate", "schedule_gap", "年度有计划的项目数", "个")
SCOPES = [("all", "全部县（市、区）"), *((c.value, c.label) for c in IndexClass)]


def ranks(rows: list, measure: Measure) -> dict:
    """{division id: rank} of the rows that qualify, best first (ties broken by the division code)."""
    eligible = [r for r in rows if measure.volume_of(r) >= measure.minimum and getattr(r, measure.first) is not None]
    eligible.sort(key=lambda r: (-getattr(r, measure.first), -(getattr(r, measure.second) or 0), r.division.code))
    return {r.division_id: i for i, r in enumerate(eligible, start=1)}


def rank(rows: list, *, minimum: int | None = None) -> list:
    """The table's 比学赶超 column (cases, over the table's rows): sets `rank` on each row, None where
    the row is below the minimum."""
    measure = CASES if minimum is None else dataclasses.replace(CASES, fixed_minimum=minimum)
    found = ranks(rows, measure)
    for r in rows:
        r.rank = found.get(r.division_id)
    return rows


def movement(now: int | None, before: int | None) -> str:
    """↑2 (two places up), ↓1, "—" (unchanged), "新" (not ranked the month before), "" (not ranked)."""
    if now is None:
        return ""
    if before is None:
        return "新"
    if before == now:
        return "—"
    return f"↑{before - now}" if before > now else f"↓{now - before}"


def _in_scope(rows: list, scope: str) -> list:
    return rows if scope == "all" else [r for r in rows if r.division.index_class == scope]


def class_rankings(rows: list, previous: list, *, with_projects: bool = True) -> list[dict]:
    """Per measure, per scope (overall, then each class): the ranked and the unranked counties.
    `rows` and `previous` are county rows of this and the previous month."""
    tables = []
    for measure in (CASES, PROJECTS) if with_projects else (CASES,):
        scopes = []
        for scope, label in SCOPES:
            mine = _in_scope(rows, scope)
            if not mine:
                continue
            now, before = ranks(mine, measure), ranks(_in_scope(previous, scope), measure)
            ranked = sorted((r for r in mine if r.division_id in now), key=lambda r: now[r.division_id])
            scopes.append({
                "scope": scope, "label": label,
                "entries": [{
                    "rank": now[r.division_id], "division": r.division, "volume": measure.volume_of(r),
                    "first": getattr(r, measure.first), "second": getattr(r, measure.second),
                    "movement": movement(now[r.division_id], before.get(r.division_id)),
                } for r in ranked],
                "unranked": [r.division for r in mine if r.division_id not in now],
            })
        tables.append({"measure": measure, "scopes": scopes})
    return tables
