"""年度综合评价: each pairing's annual score sheet, computed from the ledger and reports (results.figures_for
at the year's fourth quarter), commented and finalised by the province. A finalised sheet is never
recomputed; every change is written to the change history.

county_section(county, year) is what a county's annual evaluation (another app's page) shows as its
pairing section: call it, it imports nothing from that app.
"""
from django.core.exceptions import ValidationError
from django.db import transaction

from cases import clock
from registry.history import record_changes, snapshot
from registry.models import PairingKind, PairingRelationship

from .models import EvaluationState, PairingEvaluation
from .results import figures_for
from .services import check_province_clerk


def _draft(pairing, year) -> PairingEvaluation:
    evaluation = PairingEvaluation.objects.select_for_update().filter(pairing=pairing, year=year).first()
    if evaluation is not None and evaluation.state == EvaluationState.FINAL:
        raise ValidationError(f"{pairing.county.name}{year}年度评价已定稿，不能再修改。")
    return evaluation or PairingEvaluation(pairing=pairing, year=year)


@transaction.atomic
def evaluation_compute(*, by, pairing: PairingRelationship, year: int) -> PairingEvaluation:
    """(Re)compute a draft sheet from the ledger and reports as they stand now."""
    check_province_clerk(by)
    if pairing.kind != PairingKind.ONE_PLUS_THREE:
        raise ValidationError("只有“1+3”结对帮扶关系参加年度综合评价。")
    evaluation = _draft(pairing, year)
    before = snapshot(evaluation) if evaluation.pk else {}
    figures = figures_for([pairing.pk], year, 4)[pairing.pk]
    evaluation.lines, evaluation.total = figures.lines, figures.score or 0
    evaluation.computed_at = clock.now()
    evaluation.full_clean()
    evaluation.save()
    record_changes(evaluation, actor=by, before=before, after=snapshot(evaluation), reason="按台账重新计算")
    return evaluation


@transaction.atomic
def evaluation_comment(*, by, evaluation: PairingEvaluation, comment: str) -> PairingEvaluation:
    check_province_clerk(by)
    evaluation = _draft(evaluation.pairing, evaluation.year)
    if evaluation.pk is None:
        raise ValidationError("请先计算评分。")
    before = snapshot(evaluation)
    evaluation.comment = comment.strip()
    evaluation.save(update_fields=["comment"])
    record_changes(evaluation, actor=by, before=before, after=snapshot(evaluation), reason="省专班评语")
    return evaluation


@transaction.atomic
def evaluation_finalise(*, by, evaluation: PairingEvaluation) -> PairingEvaluation:
    check_province_clerk(by)
    evaluation = _draft(evaluation.pairing, evaluation.year)
    if evaluation.pk is None:
        raise ValidationError("请先计算评分。")
    if not evaluation.comment.strip():
        raise ValidationError({"comment": "定稿前请填写省专班评语。"})
    before = snapshot(evaluation)
    evaluation.state, evaluation.finalised_by, evaluation.finalised_at = EvaluationState.FINAL, by, clock.now()
    evaluation.save(update_fields=["state", "finalised_by", "finalised_at"])
    record_changes(evaluation, actor=by, before=before, after=snapshot(evaluation), reason="定稿")
    return evaluation


def county_section(county, year: int) -> dict | None:
    """The pairing section of a county's annual evaluation: None for a county without a "1+3" pairing
    that year; else its sheet (finalised if it is, else computed now and marked provisional)."""
    pairing = PairingRelationship.objects.filter(county=county, year=year, kind=PairingKind.ONE_PLUS_THREE).first()
    if pairing is None:
        return None
    evaluation = PairingEvaluation.objects.filter(pairing=pairing, year=year).first()
    if evaluation is not None and evaluation.state == EvaluationState.FINAL:
        return {"title": "结对帮扶年度评价", "final": True, "total": evaluation.total, "lines": evaluation.lines,
                "comment": evaluation.comment, "pairing_id": pairing.pk}
    figures = figures_for([pairing.pk], year, 4)[pairing.pk]
    return {"title": "结对帮扶年度评价（未定稿，按当前台账计算）", "final": False, "total": figures.score,
            "lines": figures.lines, "comment": evaluation.comment if evaluation else "", "pairing_id": pairing.pk}
