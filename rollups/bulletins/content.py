"""What a bulletin says, independent of the file format: a title, a summary and small data-driven sections.

Each section is a heading, a few sentences and at most one table of raw values (numbers stay numbers;
the Word and Excel writers format them). A section without data says so in one sentence."""
import dataclasses
import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cases.models import Case, CaseEvent
from cases.services import DEADLINE_STATES
from projects.models import Project
from projects.selectors import lagging_projects, schedule_rule, schedule_share
from registry.deliverables.models import CentralTown, DevelopmentAxis, VillageCluster, Workshop
from registry.models import Division, DivisionLevel

from .. import running
from ..figures import ESCALATE_ACTIONS, month_bounds
from ..pairing_section import bulletin_section as pairing_bulletin_section
from ..models import Dimension, MonthlySnapshot
from ..rankings import class_rankings
from ..selectors import overdue_label
from registry.periods import add_months

# A bulletin lists at most this many items per table; the rest are counted in a closing line.
ITEM_LIMIT = 300


@dataclasses.dataclass(frozen=True)
class Column:
    """kind: text, code (text never broken across lines), count, rate (a percentage such as 42.86),
    points (percentage points), money (万元) or date."""

    label: str
    kind: str = "text"

    @property
    def numeric(self) -> bool:
        return self.kind in ("count", "rate", "points", "money", "date")

    @property
    def no_wrap(self) -> bool:
        return self.numeric or self.kind == "code"

    @property
    def word_label(self) -> str:
        return f"{self.label}（%）" if self.kind == "rate" else self.label


@dataclasses.dataclass
class Table:
    name: str  # the Excel sheet's name
    columns: list[Column]
    rows: list[list]
    emphasised: set[int] = dataclasses.field(default_factory=set)  # subtotal and total rows


@dataclasses.dataclass
class Section:
    heading: str
    paragraphs: list[str] = dataclasses.field(default_factory=list)
    table: Table | None = None


def county_columns(month: dt.date) -> list[Column]:
    # 至今逾期 while the month runs, 月末逾期 once it has ended (rollups.selectors.overdue_label).
    return [
        Column("地区"), Column("本月交办", "count"), Column("本月销号", "count"), Column("销号率", "rate"),
        Column("按期销号率", "rate"), Column(overdue_label(month), "count"), Column("投资完成率", "rate"),
        Column("与序时进度差（百分点）", "points"),
    ]


def ranking_columns(measure) -> list[Column]:
    return [
        Column("范围"), Column("名次", "count"), Column("地区"), Column("较上月", "code"),
        Column(f"{measure.volume.split('（')[0]}（{measure.unit}）", "count"),
        Column(measure.first_label, "rate"), Column(measure.second_label, "points" if measure.second == "schedule_gap" else "rate"),
    ]
ITEM_COLUMNS = [
    Column("事项"), Column("所在地"), Column("牵头责任单位"), Column("办理期限", "date"), Column("状态"),
    Column("层级"), Column("情形"),
]
PROJECT_COLUMNS = [
    Column("项目编号", "code"), Column("项目名称"), Column("所在地"), Column("年度计划（万元）", "money"),
    Column("累计完成（万元）", "money"), Column("完成率", "rate"), Column("与序时进度差（百分点）", "points"),
]


def fmt(value) -> str:
    return "—" if value is None else f"{value:.2f}"


def _county_values(name: str, r) -> list:
    return [name, r.dispatched, r.closed, r.closure_rate, r.on_time_rate, r.overdue_at_end, r.investment_rate, r.schedule_gap]


def county_table(division: Division, month: dt.date, totals) -> Table:
    """The counties' figures; in the province's bulletin grouped under their city with a subtotal row
    per city (the city's own snapshot row), and a total row for a province or city."""
    level = DivisionLevel.CITY if division.level == DivisionLevel.PROVINCE else DivisionLevel.COUNTY
    snapshots = list(
        MonthlySnapshot.objects.within(division)
        .filter(month=month, level__in={level, DivisionLevel.COUNTY}, dimension=Dimension.ALL)
        .select_related("division")
        .order_by("division__code")
    )
    if running.is_running(month):
        running.overlay(snapshots, division, month)
    table = Table("各地交办销号情况", county_columns(month), [])
    counties = [r for r in snapshots if r.level == DivisionLevel.COUNTY]
    if division.level == DivisionLevel.PROVINCE:
        for city in (r for r in snapshots if r.level == DivisionLevel.CITY):
            table.rows += [_county_values(r.division.name, r) for r in counties if r.division.parent_id == city.division_id]
            table.emphasised.add(len(table.rows))
            table.rows.append(_county_values(f"{city.division.name}小计", city))
    else:
        table.rows += [_county_values(r.division.name, r) for r in counties]
    if totals is not None and division.level < DivisionLevel.COUNTY:
        table.emphasised.add(len(table.rows))
        table.rows.append(_county_values("全省合计" if division.level == DivisionLevel.PROVINCE else "全市合计", totals))
    return table


def _county_rows(division: Division, month: dt.date) -> list:
    rows = list(
        MonthlySnapshot.objects.within(division)
        .filter(month=month, level=DivisionLevel.COUNTY, dimension=Dimension.ALL)
        .select_related("division")
        .order_by("division__code")
    )
    return running.overlay(rows, division, month) if running.is_running(month) and rows else rows


def ranking_section(division: Division, month: dt.date) -> Section:
    """比学赶超 overall and within each index class, for cases and projects, with each measure's
    minimum and the movement against the previous month (rollups.rankings, as on the board)."""
    section = Section("二、分类排名")
    rows = _county_rows(division, month)
    if not rows:
        section.paragraphs.append("本辖区尚无县（市、区）统计数据，本期不作排名。")
        return section
    previous = _county_rows(division, add_months(month, -1))
    section.paragraphs.append(
        "县（市、区）按高度城镇化地区、山区海岛地区、其他地区三类分别排名，并列全部县（市、区）总排名；"
        "“较上月”为与上月同类同项名次相比的变化（↑上升、↓下降、—不变、新为上月未排名）。"
    )
    table = None
    for ranking in class_rankings(rows, previous):
        measure = ranking["measure"]
        section.paragraphs.append(f"{measure.label}：{measure.rule}")
        if table is None:
            table = Table("分类排名", ranking_columns(measure), [])
        else:
            # One table per section: the project ranking's rows follow under their own header line.
            table.emphasised.add(len(table.rows))
            table.rows.append([f"{measure.label}排名", None, None, None, None, None, None])
        for scope in ranking["scopes"]:
            for e in scope["entries"]:
                table.rows.append([scope["label"], e["rank"], e["division"].name, e["movement"], e["volume"], e["first"], e["second"]])
            if scope["unranked"]:
                section.paragraphs.append(
                    f"{measure.label}·{scope['label']}未排名：" + "、".join(d.name for d in scope["unranked"]) + "。"
                )
    section.table = table if table and table.rows else None
    return section


def _items(division: Division, month: dt.date, today: dt.date):
    start, end = month_bounds(month)
    escalated = CaseEvent.objects.filter(case=OuterRef("pk"), action__in=ESCALATE_ACTIONS, created_at__gte=start, created_at__lt=end)
    # Overdue as of the day the bulletin is drawn up: what the meeting must still chase.
    overdue = Q(state__in=DEADLINE_STATES, deadline__lt=today)
    return list(
        Case.objects.within(division)
        .filter(created_at__lt=end)
        .annotate(_escalated=Exists(escalated))
        .filter(overdue | Q(_escalated=True))
        .select_related("county", "lead_unit")
        .order_by("deadline", "pk")[: ITEM_LIMIT + 1]
    )


def _item_row(case: Case, today: dt.date) -> list:
    reasons = []
    if case.state in DEADLINE_STATES and case.deadline and case.deadline < today:
        reasons.append("逾期")
    if case._escalated:
        reasons.append("本月提级")
    return [
        case.title, case.county.name, case.lead_unit.name if case.lead_unit else "—", case.deadline,
        case.get_state_display(), case.get_level_display(), "、".join(reasons),
    ]


def _limited(section: Section, table: Table, found: list, row, noun: str) -> Section:
    table.rows = [row(x) for x in found[:ITEM_LIMIT]]
    if len(found) > ITEM_LIMIT:
        section.paragraphs.append(f"（{noun}超过{ITEM_LIMIT}条，仅列前{ITEM_LIMIT}条，其余请在系统中查看。）")
    section.table = table
    return section


def items_section(division: Division, month: dt.date, today: dt.date) -> Section:
    items = _items(division, month, today)
    section = Section("三、逾期及提级事项")
    if not items:
        section.paragraphs.append(f"截至{today.year}年{today.month}月{today.day}日，无逾期事项，本月无提级事项。")
        return section
    section.paragraphs.append(
        f"截至{today.year}年{today.month}月{today.day}日，下列事项逾期未销号或本月提级办理，请牵头责任单位抓紧推进。"
    )
    return _limited(section, Table("逾期及提级事项", ITEM_COLUMNS, []), items, lambda c: _item_row(c, today), "事项")


def projects_section(division: Division, month: dt.date, share) -> Section:
    projects = list(
        lagging_projects(Project.objects.within(division), month=month)
        .select_related("county")
        .order_by("schedule_gap", "code")[: ITEM_LIMIT + 1]
    )
    section = Section("四、投资进度滞后于序时进度的项目")
    if not projects:
        section.paragraphs.append("本月无投资进度滞后于序时进度的项目。")
        return section
    section.paragraphs.append(f"本月序时进度为{fmt(share)}%，下列项目投资完成率低于序时进度。")
    return _limited(
        section, Table("投资进度滞后于序时进度的项目", PROJECT_COLUMNS, []), projects,
        lambda p: [p.code, p.name, p.county.name, p.year_plan, p.completed_year, p.completion_rate, p.schedule_gap],
        "项目",
    )


DELIVERABLES = [(DevelopmentAxis, "县域发展轴", "条"), (CentralTown, "中心镇", "个"), (VillageCluster, "片区组团", "个"),
                (Workshop, "共富工坊", "家")]


def deliverables_section(division: Division) -> Section:
    counts = [(label, unit, model.objects.within(division).count()) for model, label, unit in DELIVERABLES]
    section = Section("五、千万工程成果建设情况")
    if not any(n for _, _, n in counts):
        section.paragraphs.append("本辖区尚未录入发展轴、中心镇、片区组团和共富工坊等成果数据。")
    else:
        listed = "、".join(f"{label}{n}{unit}" for label, unit, n in counts)
        section.paragraphs.append(f"截至目前，{division.name}已录入{listed}。")
    return section


def issuer(division: Division) -> str:
    """发文机关署名: the division's task force (浙江省缩小“三大差距”工作专班)."""
    return f"{division.name}缩小“三大差距”工作专班"


def bulletin_content(*, month: dt.date, division: Division) -> dict:
    """Everything a bulletin shows, from the snapshots plus the items, projects and deliverables behind them."""
    month = month.replace(day=1)
    today = timezone.localdate()
    totals = MonthlySnapshot.objects.filter(month=month, division=division, dimension=Dimension.ALL).select_related("division").first()
    if totals is not None and running.is_running(month):
        running.overlay([totals], division, month)
    share = schedule_share(month)
    county = county_table(division, month, totals)
    return {
        "month": month,
        "division": division,
        "totals": totals,
        "schedule_share": share,
        "schedule_rule": schedule_rule(month),
        "today": today,
        "issuer": issuer(division),
        "sections": [
            Section("一、各地交办销号情况", [] if county.rows else ["本月尚无各地统计数据。"], county if county.rows else None),
            ranking_section(division, month),
            items_section(division, month, today),
            projects_section(division, month, share),
            deliverables_section(division),
            pairing_bulletin_section(division, today),
        ],
    }


def title(content) -> str:
    return f"{content['division'].name}千万工程交办事项月度调度通报（{content['month'].year}年{content['month'].month}月）"


def summary(content) -> str:
    t = content["totals"]
    month = content["month"]
    if t is None:
        return f"{month.year}年{month.month}月的统计尚未生成。"
    today = content["today"]
    if running.is_running(month):
        period, stock = f"{month.year}年{month.month}月1日至{today.month}月{today.day}日", f"截至目前在办{t.open_at_end}件，至今逾期{t.overdue_at_end}件"
    else:
        period, stock = f"{month.year}年{month.month}月", f"月末在办{t.open_at_end}件，月末逾期{t.overdue_at_end}件"
    text = (
        f"{period}，{content['division'].name}共交办事项{t.dispatched}件，销号{t.closed}件，"
        f"其中按期销号{t.closed_on_time}件；{stock}；"
        f"销号率{fmt(t.closure_rate)}%，按期销号率{fmt(t.on_time_rate)}%。本月督办{t.urged}件，提级{t.escalated}件，"
        f"待联合销号{t.awaiting_joint}件。"
    )
    if t.planned_investment:
        text += (
            f"重大项目年度计划投资{t.planned_investment:.2f}万元，累计完成{t.completed_investment:.2f}万元，"
            f"完成率{fmt(t.investment_rate)}%，序时进度{fmt(content['schedule_share'])}%，"
            f"序时差{fmt(t.schedule_gap)}个百分点（{content['schedule_rule']}）。"
        )
    return text
