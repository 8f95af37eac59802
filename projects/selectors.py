"""Reads of projects and the figures the programme watches, all computed in the database.

Per project: ``projects_with_figures``. Rolled up per county, city, province, category or registry
record: ``figures_rollup`` (one GROUP BY query; reused by the monthly roll-up job later). The
cumulative of a report is derived by a window function in ``reports_with_cumulative``.

Definitions, for a month M of year Y:
- completed for the year: sum of counted reports (submitted or later) from January to M of Y;
- annual completion rate: completed for the year / the project's planned investment for Y, in %;
- 序时进度 (one rule, `schedule_share`, for the board, this list, the home cards and the bulletin): for
  a month that has ended, the share of the year elapsed at its end (M/12, in %); for the month still
  running, the share elapsed as of today (days of the year through today / days in the year). The gap
  is the completion rate minus it, and a project or group is lagging when the gap is below -PROJECT_LAG_POINTS;
- start rate: new projects (新建) started by the end of M / new projects planned to start in Y by then;
- missing: projects in 前期/在建 with no counted report for M.
"""
import calendar
import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, ExtractYear, NullIf
from django.utils import timezone

from cases.models import Case as CaseRecord

from .models import (
    COUNTED_STATUSES,
    REPORTING_STAGES,
    MonthlyReport,
    ProjectKind,
    ProjectStage,
    ProjectYearPlan,
    ReportStatus,
)
from registry.periods import add_months, current_month

MONEY_OUTPUT = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=MONEY_OUTPUT)


def figures_month() -> datetime.date:
    """The month figures are read for by default: the last one completed (being reported now)."""
    return add_months(current_month(), -1)


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def is_running_month(month: datetime.date, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (month.year, month.month) == (today.year, today.month)


def schedule_share(month: datetime.date, today: datetime.date | None = None) -> float:
    """序时进度 in percent: the year elapsed at the end of `month`, or, while `month` is still running,
    as of today (a December read on the 3rd is 337/365, not 100 %). The only place the rule is written."""
    today = today or timezone.localdate()
    if is_running_month(month, today):
        days = 366 if calendar.isleap(today.year) else 365
        return round(today.timetuple().tm_yday * 100 / days, 2)
    return round(month.month * 100 / 12, 2)


def schedule_rule(month: datetime.date, today: datetime.date | None = None) -> str:
    """The rule behind `schedule_share(month)`, as the pages and the bulletin state it."""
    today = today or timezone.localdate()
    share = schedule_share(month, today)
    if is_running_month(month, today):
        days = 366 if calendar.isleap(today.year) else 365
        return (f"本月尚未结束，序时进度按截至今日（{today.month}月{today.day}日）全年已过天数计算："
                f"{today.timetuple().tm_yday}/{days} = {share:.2f}%")
    return f"序时进度按月末计算：{month.month}/12 = {share:.2f}%"


def _percent(numerator, denominator):
    # Rates are ratios, not money: computed in floating point so SQLite's integer storage of
    # whole-number decimals cannot turn them into integer division.
    return ExpressionWrapper(
        Cast(numerator, FloatField()) * 100.0 / NullIf(Cast(denominator, FloatField()), 0.0), output_field=FloatField()
    )


def _completed_in_year(month: datetime.date, project_ref="pk"):
    reports = (
        MonthlyReport.objects.filter(
            project=OuterRef(project_ref), status__in=COUNTED_STATUSES,
            month__gte=month.replace(month=1), month__lte=month,
        )
        .order_by()
        .values("project")
        .annotate(total=Sum("completed"))
        .values("total")
    )
    return Coalesce(Subquery(reports, output_field=MONEY_OUTPUT), ZERO)


def _planned_for_year(year: int, project_ref="pk"):
    # No default ordering: (project, year) is unique, and ordering by the project's code joined and sorted
    # once per project of every list and roll-up.
    plans = ProjectYearPlan.objects.filter(project=OuterRef(project_ref), year=year).order_by().values("planned_investment")[:1]
    return Coalesce(Subquery(plans, output_field=MONEY_OUTPUT), ZERO)


def _reported(month: datetime.date, project_ref="pk"):
    return Exists(MonthlyReport.objects.filter(project=OuterRef(project_ref), month=month, status__in=COUNTED_STATUSES))


def _flag(condition: Q):
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def _lagging(gap_field: str):
    return _flag(Q(**{f"{gap_field}__lt": -settings.PROJECT_LAG_POINTS}))


def completion_figures(year_plan, completed_year, month: datetime.date) -> dict:
    """Completion rate, 序时进度 gap and lag flag from a plan and its completed investment: what
    projects_with_figures computes in SQL (for filtering), for figures already read."""
    rate = float(completed_year) * 100 / float(year_plan) if year_plan else None
    gap = rate - schedule_share(month) if rate is not None else None
    return {"completion_rate": rate, "schedule_gap": gap, "is_lagging": gap is not None and gap < -settings.PROJECT_LAG_POINTS}


def start_due_q(month: datetime.date) -> Q:
    """New projects (新建) planned to start this year by the end of `month`: 开工率's denominator."""
    return Q(kind=ProjectKind.NEW, planned_start__gte=month.replace(month=1), planned_start__lte=month_end(month))


def started_q(month: datetime.date) -> Q:
    """Of those, started by the end of `month`: 开工率's numerator."""
    return start_due_q(month) & Q(actual_start__isnull=False, actual_start__lte=month_end(month))


def missing_q(reported_field: str) -> Q:
    """Owing the month's report (a reporting stage) and not having it counted (未报)."""
    return Q(stage__in=REPORTING_STAGES, **{reported_field: False})


def projects_with_figures(queryset, *, month: datetime.date | None = None):
    """Each project with its plan, completed for the year, completion rate, 序时进度 gap, lag flag and
    whether (and in which state) it reported `month`."""
    month = month or figures_month()
    share = schedule_share(month)
    status = MonthlyReport.objects.filter(project=OuterRef("pk"), month=month).order_by().values("status")[:1]
    return queryset.annotate(
        year_plan=_planned_for_year(month.year),
        completed_year=_completed_in_year(month),
        month_status=Subquery(status),
        reported=_reported(month),
    ).annotate(
        completion_rate=_percent(F("completed_year"), F("year_plan")),
        schedule_gap=ExpressionWrapper(F("completion_rate") - Value(share), output_field=FloatField()),
        is_lagging=_lagging("schedule_gap"),
        is_start_due=_flag(start_due_q(month)),
        is_started=_flag(started_q(month)),
        is_missing_report=_flag(missing_q("reported")),
    )


def lagging_projects(queryset, *, month: datetime.date | None = None):
    return projects_with_figures(queryset, month=month).filter(is_lagging=True)


def projects_missing_report(queryset, *, month: datetime.date):
    return queryset.filter(stage__in=REPORTING_STAGES).exclude(_reported(month))


# A roll-up's grouping: the project fields it groups by.
ROLLUP_GROUPS = {
    "county": ("county_id", "county__code", "county__name"),
    "city": ("county__parent_id", "county__parent__code", "county__parent__name"),
    "category": ("category_id", "category__name"),
    "record": ("record_links__content_type_id", "record_links__object_id"),
}


def _rollup_aggregates(month: datetime.date) -> dict:
    aggregates = {
        "project_count": Count("pk", distinct=True),
        "year_plan": Sum("_plan"),
        "completed_year": Sum("_done"),
        "new_due": Count("pk", filter=start_due_q(month)),
        "new_started": Count("pk", filter=started_q(month)),
        "missing": Count("pk", filter=missing_q("_reported")),
    }
    for stage in ProjectStage:
        aggregates[f"stage_{stage.value}"] = Count("pk", filter=Q(stage=stage))
    return aggregates


def figures_rollup(queryset, *, by: str, month: datetime.date | None = None):
    """Figures summed over the projects of `queryset` per county, city, category or registry record
    (a values() queryset, one row per group), or for all of them (`by="province"`, a dict)."""
    month = month or figures_month()
    base = queryset.annotate(
        _plan=_planned_for_year(month.year), _done=_completed_in_year(month), _reported=_reported(month)
    )
    share = schedule_share(month)
    if by == "province":
        totals = base.aggregate(**_rollup_aggregates(month))
        totals["year_plan"] = totals["year_plan"] or Decimal("0")
        totals["completed_year"] = totals["completed_year"] or Decimal("0")
        # Two numbers already aggregated in the database; the ratio is arithmetic, not a loop.
        totals.update(completion_figures(totals["year_plan"], totals["completed_year"], month))
        totals["start_rate"] = totals["new_started"] * 100 / totals["new_due"] if totals["new_due"] else None
        totals["schedule_share"] = share
        return totals
    fields = ROLLUP_GROUPS[by]
    rows = base.values(*fields).annotate(**_rollup_aggregates(month)).annotate(
        completion_rate=_percent(F("completed_year"), F("year_plan")),
        start_rate=_percent(F("new_started"), F("new_due")),
    ).annotate(
        schedule_gap=ExpressionWrapper(F("completion_rate") - Value(share), output_field=FloatField()),
    ).annotate(is_lagging=_lagging("schedule_gap")).order_by(*fields)
    if by == "record":
        rows = rows.filter(record_links__isnull=False)
    return rows


def missing_reports_by_county(queryset, *, month: datetime.date):
    """For `month`: per county, how many projects owe a report and have not submitted it."""
    return (
        projects_missing_report(queryset, month=month)
        .order_by()
        .values("county_id", "county__code", "county__name")
        .annotate(missing=Count("pk"))
        .order_by("county__code")
    )


def reports_with_cumulative(queryset):
    """Reports with `cumulative_year`: the project's counted completed investment from January to the
    report's month (a draft's own figure counts only once it is submitted)."""
    counted = Case(When(status__in=COUNTED_STATUSES, then=F("completed")), default=ZERO, output_field=MONEY_OUTPUT)
    return queryset.annotate(
        cumulative_year=Window(
            Sum(counted), partition_by=[F("project_id"), ExtractYear("month")], order_by=F("month").asc(),
        )
    )


def reports_with_cumulative_by_id(report_ids) -> list:
    """The reports `report_ids` with their true `cumulative_year`. A WHERE that picks the rows would also
    narrow the window to them (one month's report summed only itself: 820.50 where the year said
    7,788.02), so the window runs over each project's year up to the latest month asked for, and the
    wanted rows are picked from its result."""
    wanted = set(report_ids)
    keys = list(MonthlyReport.objects.filter(pk__in=wanted).values_list("project_id", "month"))
    if not keys:
        return []
    rows = reports_with_cumulative(
        MonthlyReport.objects.filter(
            project_id__in={project for project, _ in keys},
            month__year__in={month.year for _, month in keys},
            month__lte=max(month for _, month in keys),
        ).select_related("submitted_by", "confirmed_by", "approved_by").prefetch_related("attachments")
    ).order_by("project_id", "month")
    return [row for row in rows if row.pk in wanted]


def project_history(project):
    """A project's reports, newest first, with the year's cumulative and the case its problems became."""
    cases = CaseRecord.objects.filter(content_type=ContentType.objects.get_for_model(MonthlyReport), object_id=OuterRef("pk"))
    return reports_with_cumulative(
        MonthlyReport.objects.filter(project=project)
        .select_related("submitted_by", "confirmed_by", "approved_by").prefetch_related("attachments")
    ).annotate(case_id=Subquery(cases.values("pk")[:1])).order_by("-month")


# The state a report waits in for each approval step.
AWAITING = {"submit": ReportStatus.DRAFT, "confirm": ReportStatus.SUBMITTED, "approve": ReportStatus.CONFIRMED}


def reports_awaiting(user, *, month: datetime.date, step: str):
    """The reports of `month` in the user's jurisdiction waiting for `step` (submit/confirm/approve)."""
    return (
        MonthlyReport.objects.for_user(user).filter(month=month, status=AWAITING[step])
        .select_related("project__county", "project__category", "submitted_by").order_by("project__code")
    )


def month_status_counts(user, *, month: datetime.date) -> dict:
    rows = MonthlyReport.objects.for_user(user).filter(month=month).order_by().values("status").annotate(n=Count("pk"))
    counts = {status.value: 0 for status in ReportStatus}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts
