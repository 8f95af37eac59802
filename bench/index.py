"""Index computation: one annual period for the province, 11 cities and 90 counties × 18 indicators through
the product (read values, standardise, entropy weights, write snapshots, scores and weights), against its
floor: the same values read and the same number of rows upserted by raw SQL with no computation at all.
Both run in a transaction rolled back afterwards, so the published demo periods stay as they are.
Run by bench.run as its own process (Django set up from DATABASE_URL); seed first (seed_demo):

    python -m bench.index --repeat 5

Prints JSON.
"""
import argparse
import json
import os
import statistics
import time


def _setup():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


def _annual_period():
    from monitoring.models import IndicatorValue

    periods = sorted(p for p in IndicatorValue.objects.values_list("period", flat=True).distinct() if "Q" not in p)
    if not periods:
        raise SystemExit("no annual index values: run `manage.py seed_demo` first")
    return periods[-1]


def _product(period):
    from django.db import transaction

    from monitoring import catalogue, services

    version = catalogue.version_for(period)
    with transaction.atomic():
        services._lock(period, version)
        start = time.perf_counter()
        rows, _ = services._write(period, version)
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return seconds, rows


FLOOR_TABLE = "CREATE TEMP TABLE IF NOT EXISTS bench_index_rows (period varchar(7), division bigint, indicator bigint, score double precision, PRIMARY KEY (period, division, indicator))"
FLOOR_UPSERT = ("INSERT INTO bench_index_rows (period, division, indicator, score) VALUES {} "
                "ON CONFLICT (period, division, indicator) DO UPDATE SET score = excluded.score")


def _floor(period, rows_to_write: int):
    """Read the period's values, then upsert as many rows (one per value plus one per division), no maths."""
    from django.db import connection, transaction

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_TABLE)
            start = time.perf_counter()
            cursor.execute("SELECT division_id, indicator_id, value FROM monitoring_indicatorvalue WHERE period = %s", [period])
            values = cursor.fetchall()
            rows = [(period, d, i, float(v)) for d, i, v in values]
            rows += [(period, d, 0, 0.0) for d in {d for d, _, _ in values}][: max(rows_to_write - len(rows), 0)]
            for chunk in range(0, len(rows), 500):
                part = rows[chunk:chunk + 500]
                cursor.execute(FLOOR_UPSERT.format(", ".join(["(%s, %s, %s, %s)"] * len(part))), [x for r in part for x in r])
            seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return seconds, len(values)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    _setup()
    from monitoring.models import IndicatorValue

    period = _annual_period()
    product, floor, divisions = [], [], 0
    for _ in range(args.repeat):  # alternated, so both see the same machine noise
        seconds, divisions = _product(period)
        product.append(seconds)
        floor.append(_floor(period, IndicatorValue.objects.filter(period=period).count() + divisions)[0])
    print(json.dumps({
        "period": period, "divisions": divisions,
        "indicators": IndicatorValue.objects.filter(period=period).values("indicator").distinct().count(),
        "values": IndicatorValue.objects.filter(period=period).count(),
        "product_s": round(statistics.median(product), 4), "floor_s": round(statistics.median(floor), 4),
    }))


if __name__ == "__main__":
    main()
