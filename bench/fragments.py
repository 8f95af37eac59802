"""In-process timing of the table rows (case, project, division) as the Jinja2 fragments render them,
against the f-string modules they replaced, read from git at `--base`, on the same 50 rows.

    python -m bench.fragments [--base 64da9b1] [--rows 50] [--number 300] [--repeat 7]

Needs no database (the rows are built in memory) and checks that both write the same markup (the
escaper's spelling of quotes aside: markupsafe's &#34; &#39; for Django's &quot; &#x27;).
"""
import argparse
import datetime as dt
import os
import subprocess
import sys
import time
import timeit
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# User text as it can come: markup, both quotes, an ampersand.
NASTY = "<script>alert('x')</script> \"引号\" & 村"


def old_module(base: str, path: str, package: str):
    """The module at `path` as it was at commit `base`, imported under `package` (relative imports work)."""
    source = subprocess.run(["git", "show", f"{base}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    module = types.ModuleType(f"{package}._tables_at_{base}")
    module.__package__ = package
    exec(compile(source, f"{base}:{path}", "exec"), module.__dict__)
    return module


def case_rows(n: int) -> list[dict]:
    return [{
        "id": 100_000 + i, "url": f"/cases/{100_000 + i}/",
        "title": NASTY if i % 10 == 0 else f"某村道路两侧违章搭建问题整改第{i}项", "category__name": "人居环境",
        "county__name": "义乌市", "state_badge": "bg-yellow-lt", "state_label": "整改中", "level_label": "县级",
        "lead_unit__name": None if i % 7 == 0 else "义乌市住房和城乡建设局",
        "deadline": None if i % 9 == 0 else dt.date(2026, 12, 1 + i % 28),
        "red_card": i % 5 == 0, "yellow_card": i % 5 == 1,
    } for i in range(n)]


def project_rows(n: int) -> list[dict]:
    return [{
        "url": f"/projects/{i}/", "code": f"XM-2026-{i:04d}", "name": NASTY if i % 10 == 0 else f"县城—中心镇发展轴配套工程{i}",
        "category__name": "强城", "county__name": "龙泉市", "kind_label": "新建", "stage_label": "在建",
        "total_investment": "12345.67", "year_plan": "2300.00", "completed_year": "1204.50",
        "completion_rate": "" if i % 6 == 0 else "52.4", "schedule_gap": "" if i % 4 == 0 else "-3.1",
        "is_lagging": i % 3 == 0, "reported": i % 2 == 0, "month_status": "draft" if i % 4 == 1 else "",
    } for i in range(n)]


def divisions(n: int) -> list:
    from registry.models import Division, DivisionLevel, IndexClass

    county = Division(id=1, code="330782", name="义乌市", full_name="金华市/义乌市", level=DivisionLevel.COUNTY,
                      index_class=IndexClass.choices[0][0], is_mountain_island=True)
    rows = []
    for i in range(n):
        name = NASTY if i % 10 == 0 else f"佛堂镇第{i}村"
        rows.append(Division(id=10 + i, code=f"330782{i:06d}", name=name, full_name=f"金华市/义乌市/{name}",
                             level=DivisionLevel.VILLAGE, parent=county if i % 8 else None, is_mountain_island=i % 2 == 0,
                             index_class=IndexClass.choices[i % len(IndexClass.choices)][0] if i % 5 == 0 else ""))
    return rows


def same_markup(old: str, new: str) -> bool:
    return old.replace("&quot;", "&#34;").replace("&#x27;", "&#39;") == new


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="64da9b1", help="the commit whose tables.py modules wrote f-strings")
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--number", type=int, default=100, help="renders per timing")
    parser.add_argument("--repeat", type=int, default=20, help="timings; the fastest is reported")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from cases import tables as cases_new
    from projects import tables as projects_new
    from registry import tables as registry_new

    tables = [
        ("case rows (to-do page, review queue, case list)", cases_new.case_rows_html,
         old_module(args.base, "cases/tables.py", "cases").case_rows_html, case_rows(args.rows)),
        ("project rows (project list)", projects_new.project_rows_html,
         old_module(args.base, "projects/tables.py", "projects").project_rows_html, project_rows(args.rows)),
        ("division rows (division list)", registry_new.division_rows_html,
         old_module(args.base, "registry/tables.py", "registry").division_rows_html, divisions(args.rows)),
    ]
    print(f"| {args.rows} rows | f-strings ({args.base}) | Jinja2 template | Jinja2 / f-strings |")
    print("|---|---|---|---|")
    failed = False
    for label, new, old, rows in tables:
        if not same_markup(old(rows), new(rows)):
            print(f"{label}: the markup differs", file=sys.stderr)
            failed = True
        # CPU time of this process, not wall time: the machine is shared. Old and new alternate, so
        # that both see the same load (caches, clock); the fastest of each is the least disturbed.
        timers = {name: timeit.Timer(lambda render=render: render(rows), timer=time.process_time)
                  for name, render in (("old", old), ("new", new))}
        best = {"old": float("inf"), "new": float("inf")}
        for _ in range(args.repeat):
            for name, timer in timers.items():
                best[name] = min(best[name], timer.timeit(args.number))
        times = {name: seconds / args.number * 1000 for name, seconds in best.items()}
        print(f"| {label} | {times['old']:.3f} ms | {times['new']:.3f} ms | {times['new'] / times['old']:.2f}× |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
