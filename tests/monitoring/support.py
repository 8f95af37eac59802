"""Building the statistics bureau's workbook and values for the monitoring tests."""
import io
from decimal import Decimal

from monitoring.models import IndicatorValue
from monitoring.values import value_sheet

from ..excel.workbooks import fill


def bureau_workbook(version, rows: list[dict]) -> io.BytesIO:
    """rows: {"period", "division", codes → value, "t:CODE" → target, "reason"}."""
    spec = value_sheet(version)
    lines = []
    for row in rows:
        line = []
        for column in spec.columns:
            if column.key in ("period", "division", "reason"):
                line.append(row.get(column.key))
            elif column.key.startswith("v:"):
                line.append(row.get(column.key[2:]))
            else:
                line.append(row.get(column.key))
        lines.append(line)
    return io.BytesIO(fill(spec, lines))


def put(version, period, division, code, value, target=None):
    return IndicatorValue.objects.create(indicator=version.indicators.get(code=code), division=division, period=period,
                                         value=Decimal(str(value)), target=None if target is None else Decimal(str(target)))
