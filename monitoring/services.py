"""Computing, publishing and re-publishing a period's index (monitoring.method holds the formulas).

A computation rewrites the period's rows in one transaction under the period's lock, upserting on
(period, division, catalogue version), so a task redelivered after its worker died, or a second run,
writes the same rows. A published period is frozen: recomputing it is skipped (and recorded) unless
a province clerk re-publishes it with a reason."""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from registry import outbox
from registry.models import Division, DivisionLevel

from . import catalogue, method, periods, tasks
from .models import Group, GroupWeight, IndexPeriod, IndexRun, IndexSnapshot, IndicatorScore, IndicatorValue, PeriodStatus, RunKind

SNAPSHOT_FIELDS = ["level", "group", "composite", "domain_scores", "rank_in_group", "group_size", "rank_overall",
                   "previous_rank", "change_previous", "change_year", "used", "missing"]
COUNTY_GROUPS = (Group.URBANISED, Group.MOUNTAIN_ISLAND, Group.OTHER)


def may_publish(user) -> bool:
    """Publishing and re-publishing belong to the province task force's clerks."""
    if user is None:
        return False
    return user.is_superuser or (user.is_clerk and user.division is not None and user.division.level == DivisionLevel.PROVINCE)


def require_reader(user, what: str) -> None:
    """The managers' pages (catalogue, quarterly key indicators, annual evaluation): clerks and managers."""
    if not (user.is_superuser or user.is_clerk or user.is_manager):
        raise PermissionDenied(f"{what}供专班工作人员和领导使用。")


def alpha() -> float:
    return float(settings.INDEX_SUBJECTIVE_ALPHA)


def _spec(indicator) -> method.Spec:
    band = (float(indicator.band_low), float(indicator.band_high)) if indicator.direction == "band" else None
    return method.Spec(indicator.pk, indicator.domain.code, indicator.direction, float(indicator.subjective_weight), band)


def _members() -> dict:
    """Comparison groups → division ids (counties by their class; cities; the province)."""
    groups = {g: [] for g in Group.values}
    for pk, level, index_class in Division.objects.filter(level__lte=DivisionLevel.COUNTY).values_list("pk", "level", "index_class"):
        if level == DivisionLevel.PROVINCE:
            groups[Group.PROVINCE].append(pk)
        elif level == DivisionLevel.CITY:
            groups[Group.CITY].append(pk)
        elif index_class:
            groups[index_class].append(pk)
    return groups


def _lock(period: str, version) -> IndexPeriod:
    if connection.vendor == "postgresql":
        year, quarter = periods.split(period)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x494E4458, year * 10 + (quarter or 0)])
    try:
        IndexPeriod.objects.get_or_create(period=period, version=version, defaults={"alpha": Decimal(str(alpha()))})
    except IntegrityError:
        pass  # created meanwhile by another run
    return IndexPeriod.objects.select_for_update().get(period=period, version=version)


def _previous_rows(period: str, version) -> tuple[dict, dict]:
    rows = IndexSnapshot.objects.filter(version=version, period__in=[periods.previous(period), periods.same_last_year(period)])
    before, last_year = {}, {}
    for period_of, division_id, composite, rank in rows.values_list("period", "division_id", "composite", "rank_in_group"):
        if period_of == periods.previous(period):
            before[division_id] = (composite, rank)
        if period_of == periods.same_last_year(period):
            last_year[division_id] = composite
    return before, last_year


def _difference(now, then):
    return None if now is None or then is None else round(now - then, 6)


def compute(period: str, version) -> tuple[list, list, list, str]:
    """The period's snapshot, score and weight rows (unsaved) and the method note."""
    indicators = catalogue.indicators_for(period, version)
    by_level = {level: [i for i in indicators if i.applies_at(level)] for level in (1, 2, 3)}
    values = {}
    for division_id, indicator_id, value in IndicatorValue.objects.filter(period=period, indicator__in=indicators).values_list(
        "division_id", "indicator_id", "value"
    ):
        values[(division_id, indicator_id)] = float(value)
    members = _members()
    results, note = {}, [f"α = {alpha():g}（综合权重 = α × 主观权重 + (1 − α) × 熵值法客观权重）。",
                         "缺失值不按零计：该地区缺少的指标不参与其得分，其余指标权重重新归一。"]
    if periods.is_quarter(period):
        note.append("季度指数只含季度报送指标，年度指标在年度指数中计算。")
    by_code = {i.pk: i.code for i in indicators}
    for group in (*COUNTY_GROUPS, Group.CITY):
        specs = [_spec(i) for i in by_level[3 if group in COUNTY_GROUPS else 2]]
        results[group] = method.compute_group(specs, values, alpha(), divisions=members[group])
        if results[group].excluded:
            note.append(f"{Group(group).label}：指标 {'、'.join(by_code[j] for j in results[group].excluded)} 有值地区不足"
                        f" {method.MIN_VALUES} 个，未参与本组计算。")
    province = members[Group.PROVINCE]
    if province:
        specs = [_spec(i) for i in by_level[1]]
        results[Group.PROVINCE] = method.place_on_scale(specs, values, results[Group.CITY], province[0])
        results[Group.PROVINCE].rank = {}
    levels = {Group.CITY: 2, Group.PROVINCE: 1}
    overall = method.competition_ranks({d: c for g in COUNTY_GROUPS for d, c in results[g].composite.items()})
    overall.update(results[Group.CITY].rank)
    before, last_year = _previous_rows(period, version)
    snapshots, scores, weights = [], [], []
    for group, result in results.items():
        used = {}
        for division_id, _ in result.scores:
            used[division_id] = used.get(division_id, 0) + 1
        for division_id, composite in result.composite.items():
            previous = before.get(division_id, (None, None))
            snapshots.append(IndexSnapshot(
                period=period, division_id=division_id, version=version, level=levels.get(group, 3), group=group,
                composite=composite, domain_scores=result.domains[division_id], rank_in_group=result.rank.get(division_id),
                group_size=len(result.rank) if group != Group.PROVINCE else 1, rank_overall=overall.get(division_id),
                previous_rank=previous[1], change_previous=_difference(composite, previous[0]),
                change_year=_difference(composite, last_year.get(division_id)), used=used.get(division_id, 0),
                missing=[by_code[j] for j in result.missing[division_id]],
            ))
        for (division_id, indicator_id), score in sorted(result.scores.items()):
            scores.append(IndicatorScore(period=period, division_id=division_id, indicator_id=indicator_id,
                                         value=Decimal(str(values[(division_id, indicator_id)])), score=score,
                                         weight=result.weights[indicator_id][2]))
        if group != Group.PROVINCE:
            for indicator_id, (u, o, w) in sorted(result.weights.items()):
                weights.append(GroupWeight(period=period, version=version, group=group, indicator_id=indicator_id,
                                           subjective=u, objective=o, combined=w))
    return snapshots, scores, weights, "\n".join(note)


def _write(period: str, version) -> tuple[int, int]:
    """Upsert the period's rows; rows no longer produced are removed. Answers (rows, rows that changed)."""
    snapshots, scores, weights, note = compute(period, version)
    existing = {
        row["division_id"]: row for row in IndexSnapshot.objects.filter(period=period, version=version).values(
            "division_id", *SNAPSHOT_FIELDS)
    }
    changed = sum(
        1 for s in snapshots
        if existing.get(s.division_id) != {"division_id": s.division_id, **{f: getattr(s, f) for f in SNAPSHOT_FIELDS}}
    )
    IndexSnapshot.objects.bulk_create(snapshots, update_conflicts=True, update_fields=SNAPSHOT_FIELDS,
                                      unique_fields=["period", "division", "version"])
    _delete_stale(IndexSnapshot.objects.filter(period=period, version=version), {(s.division_id,) for s in snapshots},
                  ("division_id",))
    IndicatorScore.objects.filter(period=period).exclude(
        indicator__version=version).delete()  # a period is computed under one catalogue at a time
    IndicatorScore.objects.bulk_create(scores, update_conflicts=True, update_fields=["value", "score", "weight"],
                                       unique_fields=["period", "division", "indicator"])
    _delete_stale(IndicatorScore.objects.filter(period=period), {(s.division_id, s.indicator_id) for s in scores},
                  ("division_id", "indicator_id"))
    GroupWeight.objects.bulk_create(weights, update_conflicts=True, update_fields=["subjective", "objective", "combined"],
                                    unique_fields=["period", "version", "group", "indicator"])
    _delete_stale(GroupWeight.objects.filter(period=period, version=version), {(w.group, w.indicator_id) for w in weights},
                  ("group", "indicator_id"))
    state = IndexPeriod.objects.get(period=period, version=version)
    state.computed_at, state.method_note, state.row_count = timezone.now(), note, len(snapshots)
    state.alpha = Decimal(str(alpha()))
    state.save(update_fields=["computed_at", "method_note", "row_count", "alpha"])
    return len(snapshots), changed


def _delete_stale(queryset, keep: set, fields: tuple) -> None:
    stale = [pk for pk, *key in queryset.values_list("pk", *fields) if tuple(key) not in keep]
    if stale:
        queryset.filter(pk__in=stale).delete()


def _version(period: str):
    version = catalogue.version_for(period)
    if version is None:
        raise ValidationError(f"{periods.label(period)}没有适用的指标体系版本。")
    return version


def index_compute(*, period: str, by=None) -> IndexRun:
    """Compute (or recompute) an unpublished period. A published one is left as it is: the run says so."""
    period = periods.parse_period(period)
    version = _version(period)
    with transaction.atomic():
        state = _lock(period, version)
        if state.is_published:
            return IndexRun.objects.create(period=period, version=version, kind=RunKind.SKIPPED, by=by,
                                           row_count=state.row_count)
        rows, changed = _write(period, version)
        return IndexRun.objects.create(period=period, version=version, kind=RunKind.COMPUTE, by=by, row_count=rows,
                                       changed_rows=changed)


def index_request(*, period: str, by) -> None:
    """A clerk's request from a page: computed by a worker after the commit."""
    if not may_publish(by):
        raise PermissionDenied("只有省专班工作人员可以计算指数。")
    outbox.enqueue(tasks.compute_period, periods.parse_period(period), by.pk)


def index_publish(*, period: str, by, reason: str = "") -> IndexRun:
    """Publish a computed period (it is then frozen). Re-publishing a published period recomputes it from
    the current values and needs a reason; both are recorded."""
    if not may_publish(by):
        raise PermissionDenied("只有省专班工作人员可以发布指数。")
    period = periods.parse_period(period)
    reason = (reason or "").strip()
    version = _version(period)
    with transaction.atomic():
        state = _lock(period, version)
        if state.is_published and not reason:
            raise ValidationError({"reason": "该期指数已发布；重新发布须填写原因。"})
        kind = RunKind.REPUBLISH if state.is_published else RunKind.PUBLISH
        if state.is_published or state.computed_at is None:
            rows, changed = _write(period, version)
        else:
            rows, changed = state.row_count, 0
        state.refresh_from_db()
        state.status, state.published_at, state.published_by = PeriodStatus.PUBLISHED, timezone.now(), by
        state.save(update_fields=["status", "published_at", "published_by"])
        return IndexRun.objects.create(period=period, version=version, kind=kind, by=by, reason=reason[:500],
                                       row_count=rows, changed_rows=changed)
