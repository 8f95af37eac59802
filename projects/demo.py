"""Demo projects and 24 months of monthly reports, in the programme's orders of magnitude.

About 1,833 projects at province scale, ~59 % of the annual plan done by the last month, ~87 % of new
projects started. Every month before the previous one is locked and approved (some reports missing or
late), the previous month is spread over its approval chain and the current month is open."""
import datetime
import random
from decimal import Decimal

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from registry.models import Division, DivisionLevel, User

from .cache import figures_changed
from .models import (
    MonthlyReport,
    PeriodLock,
    Project,
    ProjectCategory,
    ProjectCodeSequence,
    ProjectKind,
    ProjectRecordLink,
    ProjectStage,
    ProjectYearPlan,
    ReportStatus,
)
from registry.periods import add_months, current_month, reporting_window
from .reference import seed_categories
from .selectors import month_end

PROVINCE_PROJECTS = 1833
# The deliverables demo uses 330782, 330783, 330727 and 330127 at small scale: projects there can link to them.
SMALL_COUNTIES = ["330782", "330783", "330727", "330127", "330702", "331123"]
SMALL_PER_COUNTY = 6
HISTORY_MONTHS = 24
CATEGORY_WEIGHTS = {
    "县城承载能力提升": 22, "中心镇": 16, "发展轴重点项目": 18, "片区组团": 10, "山海协作产业项目": 8, "基础设施": 16, "公共服务": 10,
}
NAME_PARTS = (
    ["城东", "城西", "滨江", "高新区", "老城区", "工业园", "新区", "中心镇", "溪口", "港区"],
    ["污水管网改造", "道路提升改造", "未来社区", "文化中心", "综合医院迁建", "职业技术学校", "农贸市场改造",
     "产业园标准厂房", "供水一体化", "公交首末站", "乡村振兴示范带", "共富工坊集聚区", "安置房", "滨水绿道"],
    ["工程", "项目", "一期工程", "二期工程"],
)
# The registry record a project of a category typically serves (linked when its county has one).
SERVED_RECORD = {
    "发展轴重点项目": "registry.developmentaxis", "中心镇": "registry.centraltown",
    "片区组团": "registry.villagecluster", "山海协作产业项目": "registry.pairingrelationship",
}
# The previous month's spread over the approval chain (the rest is missing).
PREVIOUS_MONTH_STATES = [
    (ReportStatus.APPROVED, 0.25), (ReportStatus.CONFIRMED, 0.3), (ReportStatus.SUBMITTED, 0.25), (ReportStatus.DRAFT, 0.1),
]


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


@transaction.atomic
def seed(*, scale: str, seed: int, **_) -> dict:
    if Project.objects.exists():
        return {"projects": Project.objects.count(), "reports": MonthlyReport.objects.count(), "skipped": "already seeded"}
    rng = random.Random(seed)
    seed_categories()
    this_month = current_month()
    previous = add_months(this_month, -1)
    months = [add_months(this_month, -i) for i in range(HISTORY_MONTHS, 0, -1)]
    categories = list(ProjectCategory.objects.filter(name__in=CATEGORY_WEIGHTS))
    weights = [CATEGORY_WEIGHTS[c.name] for c in categories]
    counties = list(Division.objects.filter(level=DivisionLevel.COUNTY).select_related("parent").order_by("code"))
    if scale != "province":
        counties = [c for c in counties if c.code in SMALL_COUNTIES]
    townships = {}
    for town in Division.objects.filter(level=DivisionLevel.TOWNSHIP, parent__in=counties).only("pk", "parent_id"):
        townships.setdefault(town.parent_id, []).append(town.pk)
    users = {u.username: u.pk for u in User.objects.filter(username__startswith="staff_") | User.objects.filter(username__startswith="clerk")}

    total = PROVINCE_PROJECTS if scale == "province" else SMALL_PER_COUNTY * len(counties)
    # Larger counties get more projects: a weight per county, fixed by the seed.
    county_weights = [rng.uniform(0.5, 1.5) for _ in counties]
    placed = rng.choices(counties, weights=county_weights, k=total)
    placed.sort(key=lambda c: c.code)

    year = this_month.year
    last_year_start = datetime.date(year - 1, 1, 1)
    projects, plans, sequences, paces = [], [], {}, []
    for county in placed:
        kind = ProjectKind.NEW if rng.random() < 0.42 else ProjectKind.CONTINUING
        registered = year if kind == ProjectKind.NEW else rng.choice([year - 2, year - 1])
        sequences[(county.pk, registered)] = sequences.get((county.pk, registered), 0) + 1
        plan = rng.lognormvariate(9.3, 0.8)  # 万元; median ~11,000, mean ~15,000
        if kind == ProjectKind.NEW:
            planned_start = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
            due = planned_start <= month_end(previous)
            started = due and rng.random() < 0.88
            actual_start = planned_start + datetime.timedelta(days=rng.randint(0, 45)) if started else None
            if actual_start and actual_start > month_end(previous):
                actual_start = month_end(previous)
            stage = ProjectStage.CONSTRUCTION if started else (ProjectStage.PREPARATION if rng.random() < 0.8 else ProjectStage.PLANNING)
        else:
            planned_start = datetime.date(registered, rng.randint(1, 12), rng.randint(1, 28))
            actual_start = planned_start + datetime.timedelta(days=rng.randint(0, 60))
            roll = rng.random()
            stage = ProjectStage.COMPLETED if roll < 0.05 else ProjectStage.TERMINATED if roll < 0.06 else ProjectStage.CONSTRUCTION
        name = "".join(rng.choice(part) for part in NAME_PARTS)
        project = Project(
            code=f"{county.code}{registered}{sequences[(county.pk, registered)]:04d}",
            name=f"{county.name}{name}", category=rng.choices(categories, weights=weights)[0], county=county,
            township_id=rng.choice(townships[county.pk]) if townships.get(county.pk) else None,
            owner_unit=f"{county.name}{rng.choice(['城市建设投资集团', '交通投资集团', '水务集团', '国有资本运营公司', '住房和城乡建设局'])}",
            contact_name=rng.choice(["张", "王", "李", "陈", "刘", "杨"]) + rng.choice(["伟", "芳", "敏", "强", "静", "军"]),
            contact_phone=f"1{rng.randint(3000000000, 9999999999)}",
            total_investment=_money(plan * rng.uniform(2.5, 6)), planned_start=planned_start,
            planned_completion=planned_start + datetime.timedelta(days=rng.randint(540, 1460)),
            kind=kind, stage=stage, actual_start=actual_start,
        )
        projects.append(project)
        # A project's pace against its plan: about one in five lags well behind 序时进度.
        paces.append(rng.uniform(0.4, 0.7) if rng.random() < 0.2 else rng.uniform(1.1, 1.3))
        plans.append(plan)
    Project.objects.bulk_create(projects, batch_size=1000)
    ProjectCodeSequence.objects.bulk_create(
        [ProjectCodeSequence(county_id=c, year=y, last=n) for (c, y), n in sequences.items()], batch_size=1000
    )

    reports, year_plans = [], []
    # Once per month, not per report: each lookup is a query and there are tens of thousands of reports.
    windows = {month: reporting_window(month) for month in months}
    for project, plan, pace in zip(projects, plans, paces):
        for plan_year in (year - 1, year):
            year_plans.append(ProjectYearPlan(project=project, year=plan_year, planned_investment=_money(plan * rng.uniform(0.9, 1.1))))
        staff, county_clerk = users.get(f"staff_{project.county.code}"), users.get(f"clerk_{project.county.code}")
        city_clerk = users.get(f"clerk_{project.county.parent.code}")
        owes_from = max(last_year_start, (project.actual_start or this_month).replace(day=1))
        if project.stage == ProjectStage.PREPARATION:
            owes_from = max(last_year_start, datetime.date(year, 1, 1))
        for month in months:
            if month < owes_from or (project.stage == ProjectStage.PLANNING):
                continue
            if month == previous:
                roll, status = rng.random(), None
                for candidate, share in PREVIOUS_MONTH_STATES:
                    roll -= share
                    if roll < 0:
                        status = candidate
                        break
                if status is None:
                    continue
            else:
                if rng.random() < 0.04:  # never reported, even before the lock
                    continue
                status = ReportStatus.APPROVED
            started = project.actual_start is not None and project.actual_start <= month.replace(day=28)
            completed = plan * pace / 12 * rng.uniform(0.6, 1.4) if started else plan * rng.uniform(0, 0.01)
            opens, closes = windows[month]
            late = rng.random() < 0.08
            submitted_on = closes + datetime.timedelta(days=rng.randint(1, 6)) if late else opens + datetime.timedelta(days=rng.randint(0, (closes - opens).days))
            report = MonthlyReport(
                project=project, month=month, completed=_money(completed), status=status, saved_by_id=staff,
                progress=rng.choice(["按计划推进", "主体结构施工中", "完成基础工程", "设备安装中", "配套工程施工", "完成形象进度目标"]),
                problems=rng.choice(["", "", "", "用地指标未落实", "资金拨付滞后", "政策处理进度慢", "施工受汛期影响"]),
            )
            if status != ReportStatus.DRAFT:
                report.submitted_by_id, report.submitted_at = staff, _at(submitted_on, 10)
            if status in (ReportStatus.CONFIRMED, ReportStatus.APPROVED):
                report.confirmed_by_id, report.confirmed_at = county_clerk, _at(submitted_on + datetime.timedelta(days=1), 15)
            if status == ReportStatus.APPROVED:
                report.approved_by_id, report.approved_at = city_clerk, _at(submitted_on + datetime.timedelta(days=3), 16)
            reports.append(report)
    ProjectRecordLink.objects.bulk_create(_record_links(projects, rng), batch_size=2000)
    ProjectYearPlan.objects.bulk_create(year_plans, batch_size=2000)
    MonthlyReport.objects.bulk_create(reports, batch_size=2000)
    figures_changed()
    province_clerk = users.get("clerk")
    if province_clerk:
        PeriodLock.objects.bulk_create(
            [PeriodLock(month=m, locked_by_id=province_clerk, reason="月度数据定稿") for m in months if m < previous],
            ignore_conflicts=True,
        )
    return {"projects": len(projects), "reports": len(reports), "locked_months": len(months) - 1}


def _record_links(projects, rng) -> list[ProjectRecordLink]:
    """Links each project of a record-serving category to one such record of its county, if any."""
    records = {}
    for label in set(SERVED_RECORD.values()):
        model = apps.get_model(label)
        content_type = ContentType.objects.get_for_model(model)
        for county_id, pk in model.objects.values_list("county_id", "pk").order_by("pk"):
            records.setdefault((label, county_id), []).append((content_type.pk, pk))
    links = []
    for project in projects:
        candidates = records.get((SERVED_RECORD.get(project.category.name), project.county_id))
        if candidates:
            content_type_id, object_id = rng.choice(candidates)
            links.append(ProjectRecordLink(project=project, content_type_id=content_type_id, object_id=object_id))
    return links
