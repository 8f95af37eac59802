"""An Excel import at the programme's size through the product (parse, validate, write) against
reading the same rows with a plain parser (python-calamine) and writing them with COPY.

    python -m bench.importer --rows 10000      # prints JSON

The workbook is built first (the product's own export of new rows), then each side runs in a fresh
process so that its peak resident memory is its own. The product's import is rolled back afterwards:
the dataset stays as seeded. The sheet is the unit list (registry.excel.organisations), the registry's
Excel import present on this branch.
"""
import argparse
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


def build(path: Path, rows: int):
    """New enterprises spread over the province's townships, written by the product's exporter."""
    _setup()
    from registry.excel.organisations import ORGANISATION_SHEET
    from registry.excel.writer import export_rows
    from registry.models import Division, DivisionLevel, OrganisationKind

    townships = list(Division.objects.filter(level=DivisionLevel.TOWNSHIP).order_by("code")[:2000])
    data = (
        {"name": f"基准测试企业{i:05d}", "short_name": f"测试{i:05d}", "kind": OrganisationKind.ENTERPRISE,
         "division": townships[i % len(townships)], "is_active": True}
        for i in range(rows)
    )
    path.write_bytes(export_rows(ORGANISATION_SHEET, data))


def product(path: Path) -> dict:
    _setup()
    from django.db import transaction

    from registry.excel.importer import run_import
    from registry.excel.organisations import ORGANISATION_SHEET, organisations_import
    from registry.models import User

    user = User.objects.get(username=USER)
    with transaction.atomic():
        started = time.perf_counter()
        with path.open("rb") as file:
            report = run_import(ORGANISATION_SHEET, file, user, organisations_import)
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
    with psycopg.connect(conninfo()) as conn:
        conn.execute("CREATE TEMP TABLE bench_import (name text, short_name text, kind text, division text, is_active text)")
        with conn.cursor().copy("COPY bench_import FROM STDIN") as copy:
            for row in rows:
                copy.write_row([str(v) for v in row[:5]])
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
        path = Path(tmp) / "units.xlsx"
        _child("build", path, "--rows", str(args.rows))
        result = {"sheet": "单位", "rows": args.rows, "bytes": path.stat().st_size, "product": _child("product", path)}
        result["floor"] = _child("floor", path) if os.environ.get("DATABASE_URL", "").startswith("postgres") else None
    sys.stdout.write(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
