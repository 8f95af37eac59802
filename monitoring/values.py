"""Indicator values from the statistics bureau's workbook: one sheet, one row per division (by code) and
period, one column per indicator (and one for its target). All or nothing, every bad cell reported in
Chinese; a re-import of the same file changes nothing; a changed value needs a reason (修改原因 column,
or the API's reason), and every creation and correction is kept in the registry's change history.
Counties do not type values (无需地方另行填报): only the province's clerks import or correct."""
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from registry.excel import Change, Column, Kind, RowError, RowsInvalid, SheetSpec, UpsertResult, history_recorder
from registry import outbox
from registry.history import record_changes, snapshot
from registry.models import DivisionLevel

from . import catalogue, periods, tasks
from .models import Frequency, Indicator, IndicatorValue
from .services import may_publish

PERIOD_HEADER, DIVISION_HEADER, REASON_HEADER = "期别", "区划代码", "修改原因"
INSTRUCTIONS = (
    "7. 每行一个地区一个期别：期别写年份（如 2025）或季度（如 2025Q3，季度数值为年初至本季度末累计或季末水平）。\n"
    "8. 空白单元格表示本次不报该指标，已有数值保持不变；数值与系统中已有数值不同时须填写“修改原因”，修改留痕。\n"
    "9. 同一文件重复导入不产生任何变化。已发布期别的数值更正后，须由省专班重新发布指数才会生效。"
)


def value_header(indicator) -> str:
    return f"{indicator.code} {indicator.name}"


def target_header(indicator) -> str:
    return f"{indicator.code} 目标值"


def value_sheet(version) -> SheetSpec:
    """The statistics bureau's sheet for a catalogue version (its columns follow the catalogue)."""
    columns = [
        Column(PERIOD_HEADER, "period", required=True, max_length=12, help="如 2025 或 2025Q3"),
        Column(DIVISION_HEADER, "division", Kind.DIVISION, required=True,
               levels=(DivisionLevel.PROVINCE, DivisionLevel.CITY, DivisionLevel.COUNTY), width=14),
    ]
    for indicator in version.indicators.order_by("order", "code"):
        columns.append(Column(value_header(indicator), f"v:{indicator.code}", Kind.DECIMAL, decimal_places=4,
                              help=f"单位：{indicator.unit}" if indicator.unit else ""))
        columns.append(Column(target_header(indicator), f"t:{indicator.code}", Kind.DECIMAL, decimal_places=4))
    columns.append(Column(REASON_HEADER, "reason", max_length=255, help="更正已有数值时必填"))
    return SheetSpec("指标数值", columns=columns, key_columns=["period", "division"], row_limit=2000,
                     instructions=INSTRUCTIONS)


def current_sheet() -> SheetSpec:
    """The sheet of the catalogue in force this year; before any catalogue exists there is no sheet (404)."""
    version = catalogue.version_for(str(timezone.localdate().year))
    if version is None:
        raise Http404("尚无适用的指标体系，请先在指标目录中导入指标。")
    return value_sheet(version)


def _period_of(row, errors) -> str | None:
    try:
        return periods.parse_period(row["period"])
    except ValueError as error:
        errors.append(RowError(row.number, PERIOD_HEADER, str(error)))
        return None


def _check_cell(indicator, period, division, errors, number) -> bool:
    header = value_header(indicator)
    if periods.is_quarter(period) and indicator.frequency == Frequency.YEAR:
        errors.append(RowError(number, header, f"{indicator.code} 为年度指标，不接受季度数值"))
        return False
    if not indicator.applies_at(division.level):
        errors.append(RowError(number, header, f"{indicator.code} 不适用于{DivisionLevel(division.level).label}"))
        return False
    return True


def values_import(rows, user) -> UpsertResult:
    """The apply step of the import (inside run_import's transaction)."""
    errors, seen, cells = [], {}, []
    for row in rows:
        period = _period_of(row, errors)
        if period is None:
            continue
        key = (period, row["division"].pk)
        if key in seen:
            errors.append(RowError(row.number, DIVISION_HEADER, f"与第 {seen[key]} 行的地区和期别重复"))
            continue
        seen[key] = row.number
        version = catalogue.version_for(period)
        if version is None:
            errors.append(RowError(row.number, PERIOD_HEADER, f"{periods.label(period)}没有适用的指标体系"))
            continue
        indicators = {i.code: i for i in version.indicators.all()}
        for name, value in row.items():
            if not name.startswith("v:") or (value is None and row.get(f"t:{name[2:]}") is None):
                continue
            indicator = indicators.get(name[2:])
            if indicator is None:
                errors.append(RowError(row.number, name[2:], f"指标 {name[2:]} 不在{version.name}中"))
            elif value is None:
                errors.append(RowError(row.number, value_header(indicator), "填写了目标值，但没有填写数值"))
            elif _check_cell(indicator, period, row["division"], errors, row.number):
                cells.append((row, indicator, period, value, row.get(f"t:{indicator.code}")))
    if errors:
        raise RowsInvalid(errors)
    return _apply_cells(cells, user)


def _apply_cells(cells, user, *, reports: bool = True) -> UpsertResult:
    existing = {
        (v.indicator_id, v.division_id, v.period): v
        for v in IndicatorValue.objects.filter(
            period__in={c[2] for c in cells}, division__in={c[0]["division"].pk for c in cells},
            indicator__in={c[1].pk for c in cells},
        )
    }
    result, errors, created, updated = UpsertResult(), [], [], []
    changes = defaultdict(list)
    for row, indicator, period, value, target in cells:
        old = existing.get((indicator.pk, row["division"].pk, period))
        if old is None:
            new = IndicatorValue(indicator=indicator, division=row["division"], period=period, value=value, target=target)
            created.append(new)
            changes["指标数值 Excel 导入"].append((new, True, {"value": (None, value), "target": (None, target)}))
            continue
        if target is None:
            target = old.target  # an empty target cell keeps the target already held
        if (old.value, old.target) == (value, target):
            result.unchanged += 1
            continue
        reason = (row.get("reason") or "").strip()
        if not reason:
            errors.append(RowError(row.number, REASON_HEADER,
                                   f"{indicator.code} 已有数值 {old.value:g}，改为 {value:g} 须填写修改原因"))
            continue
        diff = {f: (getattr(old, f), v) for f, v in (("value", value), ("target", target)) if getattr(old, f) != v}
        old.value, old.target = value, target
        updated.append(old)
        changes[f"更正：{reason}"].append((old, False, diff))
    if errors:
        raise RowsInvalid(errors)
    IndicatorValue.objects.bulk_create(created, batch_size=1000)
    IndicatorValue.objects.bulk_update(updated, ["value", "target", "updated_at"], batch_size=1000)
    spec = SheetSpec("指标数值", columns=[Column("数值", "value", Kind.DECIMAL), Column("目标值", "target", Kind.DECIMAL)])
    for reason, items in changes.items():
        history_recorder(spec, user, reason=reason[:255])([Change(i, c, d) for i, c, d in items])
    result.created, result.updated = len(created), len(updated)
    # The quarterly report follows the quarter's values (季度重点指标), generated by a worker after the commit.
    touched = {v.period for v in (*created, *updated) if periods.is_quarter(v.period)} if reports else set()
    for period in sorted(touched):
        outbox.enqueue(tasks.quarterly_report, period, getattr(user, "pk", None))
    return result


@transaction.atomic
def value_correct(*, value: IndicatorValue, by, new_value: Decimal, new_target: Decimal | None = None, reason: str) -> IndicatorValue:
    """One correction through the API: a reason is required and kept with the old and new figures."""
    if not may_publish(by):
        raise PermissionDenied("指标数值由省专班根据统计部门数据更正，县（市、区）无需填报。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "更正指标数值须填写原因。"})
    value = IndicatorValue.objects.select_for_update().get(pk=value.pk)
    before = snapshot(value)
    value.value = new_value
    if new_target is not None:
        value.target = new_target
    value.full_clean()
    value.save()
    record_changes(value, actor=by, before=before, after=snapshot(value), reason=reason[:255])
    return value


def indicator_for_code(period: str, code: str) -> Indicator | None:
    version = catalogue.version_for(period)
    return version.indicators.filter(code=code).first() if version else None
