"""季度重点指标: each key indicator's quarter value against its target and against the time-proportional
path, lagging ones flagged, by county and by city; and the quarterly report (Word in the GB/T 9704
layout of the monthly bulletin, and Excel) generated once the quarter's values are imported.

Time-proportional path (序时进度) for quarter q of the year:
    path = baseline + (target − baseline) · q / 4
baseline = 0 for year-to-date totals (Accumulation.CUMULATIVE), last year's annual value for levels
(Accumulation.LEVEL; no last-year value: the path is the target itself). Lagging (滞后): a
higher-is-better value below the path, a lower-is-better value above it, a band value outside the band."""
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from registry import documents
from registry.excel import Column, Kind, SheetSpec, export_rows
from registry.models import Division, DivisionLevel

from . import catalogue, periods
from .models import Accumulation, Direction, IndicatorValue, QuarterlyReport

LEVELS = {"county": DivisionLevel.COUNTY, "city": DivisionLevel.CITY}


@dataclass
class Progress:
    indicator: object
    division: object
    value: Decimal | None
    target: Decimal | None
    path: float | None
    lagging: bool | None

    @property
    def gap_to_path(self):
        return None if self.value is None or self.path is None else float(self.value) - self.path


def _lagging(indicator, value: float, path: float | None):
    if indicator.direction == Direction.BAND:
        return not (float(indicator.band_low) <= value <= float(indicator.band_high))
    if path is None:
        return None
    return value < path if indicator.direction == Direction.HIGHER else value > path


def path_for(indicator, period: str, target, baseline):
    if target is None:
        return None
    share = periods.elapsed_share(period)
    start = 0.0 if indicator.accumulation == Accumulation.CUMULATIVE else (float(baseline) if baseline is not None else None)
    if start is None:
        return float(target)
    return start + (float(target) - start) * share


def progress(period: str, divisions) -> dict:
    """{indicator: [Progress per division]} for a quarter's key indicators (divisions: a queryset)."""
    version = catalogue.version_for(period)
    if version is None or not periods.is_quarter(period):
        return {"indicators": [], "rows": {}}
    indicators = [i for i in catalogue.indicators_for(period, version) if i.is_key]
    divisions = list(divisions.order_by("code"))
    year = str(periods.split(period)[0])
    wanted = {"indicator__in": indicators, "division__in": divisions}
    now = {(v.indicator_id, v.division_id): v for v in IndicatorValue.objects.filter(period=period, **wanted)}
    annual = {(v.indicator_id, v.division_id): v for v in IndicatorValue.objects.filter(period=year, **wanted)}
    last = {(i, d): v for i, d, v in IndicatorValue.objects.filter(period=str(int(year) - 1), **wanted)
            .values_list("indicator_id", "division_id", "value")}
    rows = {}
    for indicator in indicators:
        found = []
        for division in divisions:
            key = (indicator.pk, division.pk)
            value = now.get(key)
            target = value.target if value is not None and value.target is not None else getattr(annual.get(key), "target", None)
            path = path_for(indicator, period, target, last.get(key))
            lagging = _lagging(indicator, float(value.value), path) if value is not None else None
            found.append(Progress(indicator, division, value.value if value else None, target, path, lagging))
        rows[indicator] = found
    return {"indicators": indicators, "rows": rows}


def summary(table: dict) -> list[dict]:
    return [{"indicator": i, "reported": sum(1 for p in rows if p.value is not None),
             "lagging": sum(1 for p in rows if p.lagging), "total": len(rows)} for i, rows in table["rows"].items()]


REPORT_SHEET = SheetSpec("季度重点指标", columns=[
    Column("指标代码", "code"), Column("指标名称", "name"), Column("地区", "division"), Column("层级", "level"),
    Column("数值", "value", Kind.DECIMAL), Column("目标值", "target", Kind.DECIMAL),
    Column("序时进度值", "path", Kind.DECIMAL), Column("是否滞后", "lagging"),
])


def _report_rows(tables):
    for level_name, table in tables:
        for indicator, rows in table["rows"].items():
            for p in rows:
                yield {"code": indicator.code, "name": indicator.name, "division": p.division.name, "level": level_name,
                       "value": p.value, "target": p.target, "path": None if p.path is None else round(p.path, 4),
                       "lagging": "" if p.lagging is None else ("滞后" if p.lagging else "正常")}


def _fmt(value) -> str:
    return "—" if value is None else f"{float(value):,.2f}"


def report_docx(period: str, tables, version) -> bytes:
    doc = documents.official_document()
    documents.add_title(doc, f"{periods.label(period)}城乡一体融合高质量发展重点指标进展情况")
    if version.is_demonstration:
        documents.add_paragraph(doc, catalogue.DEMO_NOTICE)
    documents.add_paragraph(doc, "本报告数据来源于统计年鉴、规划政策和部门已有统计，无需地方另行填报。序时进度按“基数 +（目标 − 基数）× 已过季度 / 4”"
                                 "计算，正向指标低于序时进度、逆向指标高于序时进度、适度指标超出目标区间的列为滞后。")
    number = 0
    for level_name, table in tables:
        for item in summary(table):
            number += 1
            indicator = item["indicator"]
            documents.add_heading(doc, f"{_chinese(number)}、{indicator.name}（{level_name}）")
            documents.add_paragraph(doc, f"{item['total']}个地区中已报送{item['reported']}个，滞后{item['lagging']}个。")
            lagging = [p for p in table["rows"][indicator] if p.lagging]
            if lagging:
                documents.add_table(doc, [documents.DocColumn("地区"), documents.DocColumn("数值", True, True),
                                          documents.DocColumn("目标值", True, True), documents.DocColumn("序时进度值", True, True)],
                                    [[p.division.name, _fmt(p.value), _fmt(p.target), _fmt(p.path)] for p in lagging])
    documents.add_signature(doc, "省缩小“三大差距”工作专班", timezone.localdate())
    return documents.to_bytes(doc)


def _chinese(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    return ("" if n < 20 else digits[n // 10]) + "十" + (digits[n % 10] if n % 10 else "")


def quarterly_report_create(*, period: str, by=None) -> QuarterlyReport | None:
    """A new version of the quarter's report (province-wide: counties and cities)."""
    period = periods.parse_period(period)
    version = catalogue.version_for(period)
    if version is None or not periods.is_quarter(period):
        return None
    tables = [("县（市、区）", progress(period, Division.objects.filter(level=DivisionLevel.COUNTY))),
              ("设区市", progress(period, Division.objects.filter(level=DivisionLevel.CITY)))]
    docx, xlsx = report_docx(period, tables, version), export_rows(REPORT_SHEET, list(_report_rows(tables)))
    with transaction.atomic():
        number = (QuarterlyReport.objects.select_for_update().filter(period=period).aggregate(n=Max("version"))["n"] or 0) + 1
        report = QuarterlyReport(period=period, version=number, requested_by=by)
        stem = f"quarterly_{period}_v{number}"
        report.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
        report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
        report.save()
    return report

