"""年度综合评价: for a year, per county, the index and domain scores, rank within class, strengths and
weaknesses (the indicators with the best and worst standardised score against the class average), the
year's case closure rate and project completion from the monthly roll-ups, and the clerk's written
recommendation (精准建议). The province finalises the year; a worker then writes one .docx per county
(progress on the page) and one summary workbook."""
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Max, Sum
from django.utils import timezone

from pairing.evaluation import county_section
from registry import outbox
from registry.history import record_changes, snapshot
from registry.models import Division, DivisionLevel
from registry.scoping import user_can_see_division
from rollups.models import Dimension, MonthlySnapshot

from . import catalogue, tasks
from .models import CountyEvaluation, Domain, EvaluationYear, IndexSnapshot, IndicatorScore
from .services import may_publish

HIGHLIGHTS = 3  # strengths and weaknesses listed per county


def _year_state(year: int, *, lock=False) -> EvaluationYear:
    EvaluationYear.objects.get_or_create(year=year)
    qs = EvaluationYear.objects.select_for_update() if lock else EvaluationYear.objects
    return qs.get(year=year)


def _highlights(year: int, county_ids, groups: dict) -> dict:
    """{county: (strengths, weaknesses)}: each county's indicator scores minus its class's average score."""
    scores = list(IndicatorScore.objects.filter(period=str(year), division__in=county_ids).select_related("indicator")
                  .order_by("division_id", "indicator__code"))
    averages = {}
    for s in scores:
        averages.setdefault((groups[s.division_id], s.indicator_id), []).append(s.score)
    found = {}
    for s in scores:
        pool = averages[(groups[s.division_id], s.indicator_id)]
        mean = sum(pool) / len(pool)
        found.setdefault(s.division_id, []).append({
            "code": s.indicator.code, "name": s.indicator.name, "unit": s.indicator.unit, "value": float(s.value),
            "score": round(s.score, 1), "class_average": round(mean, 1), "gap": round(s.score - mean, 1),
        })
    result = {}
    for county, items in found.items():
        ordered = sorted(items, key=lambda i: (-i["gap"], i["code"]))
        result[county] = ([i for i in ordered[:HIGHLIGHTS] if i["gap"] > 0],
                          [i for i in reversed(ordered[-HIGHLIGHTS:]) if i["gap"] < 0])
    return result


def _rollup_figures(year: int) -> dict:
    """{county: (closure rate %, project completion %)} for the year from the monthly roll-ups: cases closed
    over cases dispatched in the year's months, and the investment completion rate at the last month rolled up."""
    months = MonthlySnapshot.objects.filter(level=DivisionLevel.COUNTY, dimension=Dimension.ALL,
                                            month__gte=dt.date(year, 1, 1), month__lte=dt.date(year, 12, 1))
    totals = {r["division_id"]: r for r in months.values("division_id").annotate(d=Sum("dispatched"), c=Sum("closed"), last=Max("month"))}
    last_rates = {
        (division_id, month): rate
        for division_id, month, rate in months.filter(month__in={r["last"] for r in totals.values()})
        .values_list("division_id", "month", "investment_rate")
    }
    return {
        county: (round(100 * r["c"] / r["d"], 1) if r["d"] else None, last_rates.get((county, r["last"])))
        for county, r in totals.items()
    }


def pairing_section(evaluation: CountyEvaluation) -> str:
    """The "1+3" pairing's annual evaluation of the county (pairing.evaluation.county_section: final when
    the province has finalised it, else computed from the ledger now and marked provisional), as text for
    the page and the document; what a clerk wrote in pairing_summary follows it. A county without a
    pairing that year says so."""
    section = county_section(evaluation.division, evaluation.year.year)
    parts = []
    if section is None:
        parts.append("本年度无“1+3”结对帮扶关系。")
    else:
        scored = "；".join(
            f"{line['name']} {line['points']} 分（权重 {line['weight']}）" if line["points"] is not None
            else f"{line['name']} 不适用" for line in section["lines"]
        )
        total = f"{section['total']} 分" if section["total"] is not None else "暂无可计分项"
        parts.append(f"{section['title']}：总分 {total}。{scored}。")
        if section["comment"]:
            parts.append(f"省专班评语：{section['comment']}")
    if evaluation.pairing_summary:
        parts.append(evaluation.pairing_summary)
    return "\n".join(parts)


@transaction.atomic
def evaluation_prepare(*, year: int, by) -> EvaluationYear:
    """(Re)build the year's county rows from the published or computed annual index and the roll-ups;
    recommendations already written are kept. A finalised year is not touched."""
    if not may_publish(by):
        raise PermissionDenied("只有省专班工作人员可以生成年度评价。")
    state = _year_state(year, lock=True)
    if state.finalised:
        raise ValidationError("该年度评价已定稿，不能重新生成。")
    version = catalogue.version_for(str(year))
    snapshots = {s.division_id: s for s in IndexSnapshot.objects.filter(period=str(year), version=version, level=DivisionLevel.COUNTY)}
    counties = list(Division.objects.filter(level=DivisionLevel.COUNTY).order_by("code"))
    groups = {c.pk: c.index_class for c in counties}
    highlights, figures = _highlights(year, [c.pk for c in counties], groups), _rollup_figures(year)
    existing = {e.division_id: e for e in CountyEvaluation.objects.filter(year=state)}
    rows = []
    for county in counties:
        s = snapshots.get(county.pk)
        row = existing.get(county.pk) or CountyEvaluation(year=state, division=county)
        row.composite, row.domain_scores = (s.composite, s.domain_scores) if s else (None, {})
        row.rank_in_group, row.group_size = (s.rank_in_group, s.group_size) if s else (None, 0)
        row.strengths, row.weaknesses = highlights.get(county.pk, ([], []))
        row.closure_rate, row.project_completion = figures.get(county.pk, (None, None))
        rows.append(row)
    fields = ["composite", "domain_scores", "rank_in_group", "group_size", "strengths", "weaknesses", "closure_rate",
              "project_completion"]
    CountyEvaluation.objects.bulk_create([r for r in rows if r.pk is None])
    CountyEvaluation.objects.bulk_update([r for r in rows if r.pk is not None], fields)
    return state


def may_recommend(user, evaluation) -> bool:
    return user.is_superuser or (user.is_clerk and user_can_see_division(user, evaluation.division))


@transaction.atomic
def evaluation_recommend(*, evaluation: CountyEvaluation, by, text: str) -> CountyEvaluation:
    if not may_recommend(by, evaluation):
        raise PermissionDenied("只有专班工作人员可以填写精准建议。")
    evaluation = CountyEvaluation.objects.select_for_update().select_related("year").get(pk=evaluation.pk)
    if evaluation.year.finalised:
        raise ValidationError("该年度评价已定稿，不能修改建议。")
    text = (text or "").strip()
    if len(text) > 4000:
        raise ValidationError({"recommendation": "精准建议不能超过 4000 字。"})
    before = snapshot(evaluation)
    evaluation.recommendation = text
    evaluation.save(update_fields=["recommendation"])
    record_changes(evaluation, actor=by, before=before, after=snapshot(evaluation), reason="填写精准建议")
    return evaluation


@transaction.atomic
def evaluation_finalise(*, year: int, by) -> EvaluationYear:
    """The province finalises the year; the documents are then written by a worker (progress on the page)."""
    if not may_publish(by):
        raise PermissionDenied("只有省专班工作人员可以定稿年度评价。")
    state = _year_state(year, lock=True)
    if state.finalised:
        raise ValidationError("该年度评价已定稿。")
    total = CountyEvaluation.objects.filter(year=state).count()
    if not total:
        raise ValidationError("请先生成该年度的县（市、区）评价。")
    state.finalised, state.finalised_at, state.finalised_by = True, timezone.now(), by
    state.documents_total, state.documents_done, state.documents_error = total, 0, ""
    state.save()
    outbox.enqueue(tasks.evaluation_documents, year)
    return state


def class_domain_averages(year: int) -> dict:
    """{group: {domain code: average}} over the year's county snapshots (for the county documents)."""
    found = {}
    domains = [d.code for d in Domain.objects.all()]
    for s in IndexSnapshot.objects.filter(period=str(year), level=DivisionLevel.COUNTY).values("group", "domain_scores"):
        for code in domains:
            if s["domain_scores"].get(code) is not None:
                found.setdefault(s["group"], {}).setdefault(code, []).append(s["domain_scores"][code])
    return {g: {c: sum(v) / len(v) for c, v in by.items()} for g, by in found.items()}


def group_average(year: int, group: str):
    return IndexSnapshot.objects.filter(period=str(year), group=group).aggregate(a=Avg("composite"))["a"]
