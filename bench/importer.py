"""An Excel import at the programme's size through the product (parse, validate, write) against
reading the same rows with a plain parser (python-calamine) and writing them with COPY.

    python -m bench.importer --rows 10000      # prints JSON

The workbook is built first (the product's own export of new rows), then each side runs in a fresh
process so that its peak resident memory is its own. The product's import is rolled back afterwards:
the dataset stays as seeded. The sheet is the common-prosperity workshops' (共富工坊), imported as a
province clerk would, through registry.deliverables.excel.
"""
import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
USER = "clerk"


def _setup():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


def _sheet():
    from registry.deliverables.excel import SHEET_BY_KEY

    return SHEET_BY_KEY["workshop"]


def build(path: Path, rows: int):
    """New workshops spread over the province's villages, written by the product's exporter."""
    _setup()
    from registry.excel.writer import export_rows
    from registry.models import Division, DivisionLevel, PairingForm, WorkshopStatus, WorkshopType

    villages = list(Division.objects.filter(level=DivisionLevel.VILLAGE).order_by("code")[:5000])
    types, forms = list(WorkshopType.values), list(PairingForm.values)
    data = (
        {"name": f"基准测试工坊{i:05d}", "village": villages[i % len(villages)], "type": types[i % len(types)],
         "pairing_form": forms[i % len(forms)], "steward_name": f"管家{i % 97}", "steward_unit": "县农业农村局",
         "steward_phone": f"1380000{i:04d}", "opened_on": dt.date(2024, 1 + i % 12, 1 + i % 28),
         "status": WorkshopStatus.OPERATING}
        for i in range(rows)
    )
    path.write_bytes(export_rows(_sheet().spec, data))


def product(path: Path) -> dict:
    _setup()
    from django.db import connection, transaction

    from registry.deliverables.excel import sheet_import
    from registry.excel.importer import run_import
    from registry.models import User

    sheet, user = _sheet(), User.objects.get(username=USER)
    with transaction.atomic():
        started = time.perf_counter()
        with path.open("rb") as file:
            report = run_import(sheet.spec, file, user, lambda rows, who: sheet_import(sheet, rows, who))
        if connection.vendor == "postgresql":
            # The foreign keys are checked at commit (deferred), which this rolled-back run never
            # reaches: make them run now, inside the timing, as a real import's commit would.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return {"seconds": round(seconds, 3), "ok": report.ok, "created": report.created, "rows": report.rows,
            "errors": [e.as_dict() for e in report.errors[:3]], "file_error": report.file_error,
            "peak_rss_mb": _peak_rss_mb()}


def floor(path: Path) -> dict:
    """The same rows read with calamine and written with COPY into a temporary table."""
    _setup()
    import psycopg
    from python_calamine import CalamineWorkbook

    from bench.rollup import conninfo

    started = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()[1:]
    columns = len(_sheet().spec.columns)
    with psycopg.connect(conninfo()) as conn:
        conn.execute(f"CREATE TEMP TABLE bench_import ({', '.join(f'c{i} text' for i in range(columns))})")
        with conn.cursor().copy("COPY bench_import FROM STDIN") as copy:
            for row in rows:
                copy.write_row([str(v) for v in row[:columns]])
        written = conn.execute("SELECT count(*) FROM bench_import").fetchone()[0]
    return {"seconds": round(time.perf_counter() - started, 3), "rows": written, "peak_rss_mb": _peak_rss_mb()}


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _child(mode: str, path: Path, *extra) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.importer", f"--{mode}", str(path), *extra], cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"bench.importer --{mode} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout or "{}")


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--build", type=Path)
    parser.add_argument("--product", type=Path)
    parser.add_argument("--floor", type=Path)
    args = parser.parse_args(argv)
    if args.build:
        build(args.build, args.rows)
        return
    if args.product:
        sys.stdout.write(json.dumps(product(args.product)))
        return
    if args.floor:
        sys.stdout.write(json.dumps(floor(args.floor)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "workshops.xlsx"
        _child("build", path, "--rows", str(args.rows))
        result = {"sheet": "共富工坊", "rows": args.rows, "bytes": path.stat().st_size, "product": _child("product", path)}
        result["floor"] = _child("floor", path) if os.environ.get("DATABASE_URL", "").startswith("postgres") else None
    sys.stdout.write(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
