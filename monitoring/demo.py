"""Demo seeder: the demonstration catalogue, two years of annual values and the last six quarters of the key
indicators for the province, the 11 cities and the 90 counties, computed; every period but the latest
quarter published; the last full year's county evaluations prepared (not finalised).

The figures are generated (seeded random numbers around the documents' orders of magnitude: 城乡居民收入比
about 1.7, 经营性收入30万元以上村占比 about 88 %), like every other demo record; only the catalogue's names of
measures come from the documents. Values go through the import service, so their history is recorded."""
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from registry import outbox
from registry.excel.reader import Row
from registry.models import Division, DivisionLevel

from . import periods, services, tasks
from .catalogue import seed_demo_catalogue
from .evaluation import evaluation_prepare
from .models import IndexPeriod, IndicatorValue, PeriodStatus
from .values import _apply_cells

# code → (low, high, target, class bias): counties draw in [low, high], nudged by class (urbanised +, mountain −).
RANGES = {
    "S01": (55, 90, 80, 8), "S02": (88, 100, 98, 2), "S03": (60, 110, 100, 5), "S04": (60, 100, 95, 6),
    "S05": (30, 80, 70, -2), "E01": (1.45, 2.0, 1.70, -0.08), "E02": (4.0, 8.0, 6.5, -0.3), "E03": (70, 100, 90, 4),
    "E04": (800, 9000, 6000, 300), "E05": (60, 800, 600, -20), "L01": (96, 112, 112, 2), "L02": (0.85, 1.15, 1.0, 0),
    "L03": (80, 100, 100, -2), "L04": (2.5, 5.0, 4.5, 0.3), "L05": (1.3, 1.9, 1.55, -0.05), "G01": (80, 100, 95, -3),
    "G02": (70, 100, 95, 2), "G03": (85, 100, 100, 1),
}
BIAS = {"urbanised": 1, "mountain_island": -1, "other": 0, "": 0}
SCALE = {DivisionLevel.PROVINCE: 80, DivisionLevel.CITY: 8, DivisionLevel.COUNTY: 1}
COUNT_INDICATORS = {"E04", "E05"}
QUARTERS = 6


def _draw(rnd, code, division, drift: float, share: float = 1.0):
    low, high, _, bias = RANGES[code]
    x = rnd.uniform(low, high) + bias * BIAS[division.index_class] + drift * (high - low) * 0.03
    x = min(max(x, low), high * 1.05) if code not in COUNT_INDICATORS else x * SCALE[division.level]
    if code in ("E05", "S03"):
        x *= share  # year-to-date totals grow through the year
    return round(x, 4 if high < 10 else 2)


def _target(code, division):
    target = RANGES[code][2]
    return target * SCALE[division.level] if code in COUNT_INDICATORS else target


def _cells(version, period, divisions, rnd, drift):
    indicators = list(version.indicators.all())
    if periods.is_quarter(period):
        indicators = [i for i in indicators if i.is_key]
    share = periods.elapsed_share(period)
    cells = []
    for division in divisions:
        row = Row(0, {"division": division, "reason": ""})
        for indicator in indicators:
            if rnd.random() < 0.02:
                continue  # a few values missing, as in real returns: the completeness table shows them
            value = _draw(rnd, indicator.code, division, drift, share)
            cells.append((row, indicator, period, value, _target(indicator.code, division)))
    return cells


def seed(*, seed, **_) -> dict:
    version = seed_demo_catalogue()
    rnd = random.Random(seed)
    clerk = get_user_model().objects.filter(username="clerk").first()
    divisions = list(Division.objects.filter(level__lte=DivisionLevel.COUNTY).order_by("code"))
    this_year = timezone.localdate().year
    latest = periods.previous(f"{this_year}Q{(timezone.localdate().month - 1) // 3 + 1}")
    wanted = [str(this_year - 2), str(this_year - 1), *periods.recent(latest, QUARTERS)]
    with transaction.atomic():
        fresh = [p for p in wanted if not IndicatorValue.objects.filter(period=p).exists()]
        for n, period in enumerate(fresh):
            # One quarterly report below, for the latest quarter, rather than one per seeded quarter.
            _apply_cells(_cells(version, period, divisions, rnd, drift=periods.sort_key(period)[0] - this_year + n * 0.1), clerk,
                         reports=False)
        if latest in fresh:
            outbox.enqueue(tasks.quarterly_report, latest, getattr(clerk, "pk", None))
    for period in wanted:
        state = IndexPeriod.objects.filter(period=period, version=version).first()
        if state is None or state.status != PeriodStatus.PUBLISHED:
            services.index_compute(period=period, by=clerk)
            if period != latest and clerk is not None:
                services.index_publish(period=period, by=clerk)
    if clerk is not None:
        evaluation_prepare(year=this_year - 1, by=clerk)
    return {"periods": len(wanted), "values": IndicatorValue.objects.count()}
