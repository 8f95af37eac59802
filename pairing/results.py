"""每季掌握成效 and 年度综合评价: a pairing's figures for a quarter, all read from the ledger and the
reports (cases, monthly project reports, enclave revenue, visit problems) in a handful of grouped
queries for any number of pairings, and the score sheet computed from them with the editable criteria."""
import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, Max, OuterRef, Q, Sum

from cases import clock
from cases.models import OPEN_STATES, CaseState, JointConfirmation
from projects.models import COUNTED_STATUSES, MonthlyReport, ProjectYearPlan

from .models import EnclaveRevenue, EvaluationCriterion, LeaderVisit, Metric, PairingTask, QuarterInput, VisitProblem

ZERO = Decimal("0")


def quarter_end(year: int, quarter: int) -> dt.date:
    month = quarter * 3
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def current_quarter(today: dt.date | None = None) -> tuple[int, int]:
    today = today or clock.today()
    return today.year, (today.month - 1) // 3 + 1


@dataclass
class Figures:
    """One pairing's figures up to the end of a quarter (cumulative within the year, unless named 'quarter_')."""

    pairing_id: int
    tasks: int = 0
    planned: int = 0  # tasks due by the quarter's end: the plan the closed tasks are held against
    closed: int = 0
    closed_on_time: int = 0
    open: int = 0
    overdue: int = 0
    awaiting_joint: int = 0
    takeover: int = 0
    takeover_closed: int = 0
    investment: Decimal = ZERO
    planned_investment: Decimal = ZERO
    revenue: Decimal = ZERO
    quarter_revenue: Decimal = ZERO
    last_year_revenue: Decimal = ZERO
    funds: Decimal = ZERO
    quarter_funds: Decimal = ZERO
    problems_raised: int = 0
    problems_solved: int = 0
    last_visit: dt.date | None = None
    score: Decimal | None = None
    lines: list = field(default_factory=list)

    def ratio(self, metric: str) -> Decimal | None:
        """The criterion's measured value (None: nothing to measure, e.g. no task due yet)."""
        pairs = {
            Metric.COMPLETION: (self.closed, self.planned),
            Metric.ON_TIME: (self.closed_on_time, self.closed),
            Metric.INVESTMENT: (self.investment, self.planned_investment),
            Metric.REVENUE: (self.revenue, self.last_year_revenue),
            Metric.TAKEOVER: (self.takeover_closed, self.takeover),
        }
        done, base = pairs[Metric(metric)]
        if not base:
            return None if not (metric == Metric.REVENUE and done) else Decimal(1)
        return Decimal(done) / Decimal(base)


def _by_pairing(rows, key="pairing_id"):
    """{pairing id: {figure: value}}; an annotation named like a model field carries an "x_" prefix."""
    return {row.pop(key): {k.removeprefix("x_"): v for k, v in row.items()} for row in rows}


def figures_for(pairing_ids, year: int, quarter: int, *, today: dt.date | None = None) -> dict[int, Figures]:
    """{pairing id: Figures} for the quarter; constant query count whatever the number of pairings."""
    pairing_ids = list(pairing_ids)
    end = quarter_end(year, quarter)
    today = today or clock.today()
    live = ~Q(case__state=CaseState.CANCELLED)
    closed_by_end = Q(case__state=CaseState.CLOSED, case__closed_at__date__lte=end)
    pending = JointConfirmation.objects.filter(case=OuterRef("case_id"), confirmed_at__isnull=True)
    tasks = _by_pairing(
        PairingTask.objects.filter(pairing_id__in=pairing_ids).annotate(pending=Exists(pending)).values("pairing_id").annotate(
            tasks=Count("pk", filter=live),
            planned=Count("pk", filter=live & Q(case__deadline__lte=end)),
            closed=Count("pk", filter=closed_by_end),
            closed_on_time=Count("pk", filter=closed_by_end & Q(case__closed_at__date__lte=F("case__deadline"))),
            open=Count("pk", filter=Q(case__state__in=OPEN_STATES)),
            overdue=Count("pk", filter=Q(case__state__in=OPEN_STATES, case__deadline__lt=today)),
            awaiting_joint=Count("pk", filter=Q(case__state=CaseState.FEEDBACK, pending=True)),
            takeover=Count("pk", filter=live & Q(is_takeover=True)),
            takeover_closed=Count("pk", filter=closed_by_end & Q(is_takeover=True)),
        ).order_by()
    )
    invested = _by_pairing(
        MonthlyReport.objects.filter(project__pairing_link__pairing_id__in=pairing_ids, status__in=COUNTED_STATUSES,
                                     month__year=year, month__lte=end)
        .values(pairing_id=F("project__pairing_link__pairing_id")).annotate(investment=Sum("completed")).order_by()
    )
    plans = _by_pairing(
        ProjectYearPlan.objects.filter(project__pairing_link__pairing_id__in=pairing_ids, year=year)
        .values(pairing_id=F("project__pairing_link__pairing_id")).annotate(x_planned_investment=Sum("planned_investment")).order_by()
    )
    revenue = _by_pairing(
        EnclaveRevenue.objects.filter(enclave__pairing_id__in=pairing_ids, year__in=(year, year - 1))
        .values(pairing_id=F("enclave__pairing_id")).annotate(
            revenue=Sum("amount", filter=Q(year=year, quarter__lte=quarter)),
            quarter_revenue=Sum("amount", filter=Q(year=year, quarter=quarter)),
            last_year_revenue=Sum("amount", filter=Q(year=year - 1)),
        ).order_by()
    )
    funds = _by_pairing(
        QuarterInput.objects.filter(pairing_id__in=pairing_ids, year=year, quarter__lte=quarter).values("pairing_id").annotate(
            x_funds=Sum("funds"), quarter_funds=Sum("funds", filter=Q(quarter=quarter))).order_by()
    )
    problems = _by_pairing(
        VisitProblem.objects.filter(visit__pairing_id__in=pairing_ids, visit__visited_on__year=year, visit__visited_on__lte=end)
        .values(pairing_id=F("visit__pairing_id")).annotate(
            problems_raised=Count("pk"),
            problems_solved=Count("pk", filter=Q(case__state=CaseState.CLOSED, case__closed_at__date__lte=end)),
        ).order_by()
    )
    visits = dict(LeaderVisit.objects.filter(pairing_id__in=pairing_ids, visited_on__lte=end).values("pairing_id")
                  .annotate(last=Max("visited_on")).order_by().values_list("pairing_id", "last"))
    criteria = list(EvaluationCriterion.objects.filter(is_active=True))
    result = {}
    for pk in pairing_ids:
        values = {}
        for source in (tasks, invested, plans, revenue, funds, problems):
            values.update({k: v for k, v in source.get(pk, {}).items() if v is not None})
        figures = Figures(pairing_id=pk, last_visit=visits.get(pk), **values)
        figures.lines, figures.score = score(figures, criteria)
        result[pk] = figures
    return result


def _points(value: Decimal, criterion) -> Decimal:
    reached = value / criterion.full_marks_at if criterion.full_marks_at else Decimal(1)
    return (criterion.weight * min(reached, Decimal(1))).quantize(Decimal("0.01"), ROUND_HALF_UP)


def score(figures: Figures, criteria) -> tuple[list[dict], Decimal | None]:
    """The score sheet's lines and total. A criterion with nothing to measure (no task due, no project
    linked) is marked 不适用 and the others are scaled up to the full weight, so that a county is not
    marked down for what it had no occasion to do."""
    lines, earned, weight_measured = [], ZERO, ZERO
    weight_all = sum((c.weight for c in criteria), ZERO)
    for criterion in criteria:
        value = figures.ratio(criterion.metric)
        line = {"criterion": criterion.pk, "name": criterion.name, "metric": criterion.metric,
                "weight": str(criterion.weight), "value": None, "points": None}
        if value is not None:
            points = _points(value, criterion)
            line.update(value=str(value.quantize(Decimal("0.0001"), ROUND_HALF_UP)), points=str(points))
            earned += points
            weight_measured += criterion.weight
        lines.append(line)
    if not weight_measured:
        return lines, None
    return lines, (earned * weight_all / weight_measured).quantize(Decimal("0.01"), ROUND_HALF_UP)
