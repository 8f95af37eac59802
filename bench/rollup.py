"""Roll-up figures: one month against one raw SQL statement, and a backfill against that many single months.

The raw statement goes through psycopg; the backfill checks that months add up linearly, with the
worker's peak memory. Run by bench.run as its own process (Django set up from DATABASE_URL):

    python -m bench.rollup --months 60 --samples 6 --repeat 3

Prints JSON. Locked months are recomputed as a clerk forcing them with a reason, exactly like
`manage.py rollup --force`; the backfill runs that command in a subprocess and reads its peak RSS."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REASON = "基准测试：重算以计时"
CLERK = "clerk"

# Every figure of the month for every (level, dimension) group: the case stock at month end read from
# each case's event chain, the month's closings with their deadline in force and working days, and the
# project sums, grouped by GROUPING SETS in the database. The product's definitions (rollups.figures).
RAW_SQL = """
WITH per_case AS (
    SELECT c.county_id AS county, d.parent_id AS city, c.category_id AS category, c.content_type_id AS ct,
        CASE WHEN c.assigned_at >= %(start)s AND c.assigned_at < %(end)s THEN 1 ELSE 0 END AS dispatched,
        (SELECT e.to_state FROM cases_caseevent e WHERE e.case_id = c.id AND e.created_at < %(end)s
            ORDER BY e.seq DESC LIMIT 1) AS state_end,
        (SELECT e.new_deadline FROM cases_caseevent e WHERE e.case_id = c.id AND e.created_at < %(end)s
            AND e.action = ANY(%(deadline_actions)s) ORDER BY e.seq DESC LIMIT 1) AS deadline_end,
        EXISTS (SELECT 1 FROM cases_caseevent e WHERE e.case_id = c.id AND e.action = 'urge'
            AND e.created_at >= %(start)s AND e.created_at < %(end)s)::int AS urged,
        EXISTS (SELECT 1 FROM cases_caseevent e WHERE e.case_id = c.id AND e.action = ANY(%(escalate_actions)s)
            AND e.created_at >= %(start)s AND e.created_at < %(end)s)::int AS escalated,
        (SELECT count(*) FROM cases_jointconfirmation j WHERE j.case_id = c.id) AS parties,
        (SELECT count(*) FROM cases_caseevent e WHERE e.case_id = c.id AND e.action = 'confirm' AND e.created_at < %(end)s
            AND e.seq > (SELECT max(f.seq) FROM cases_caseevent f WHERE f.case_id = c.id AND f.action = 'feedback'
                         AND f.created_at < %(end)s)) AS confirms
    FROM cases_case c JOIN registry_division d ON d.id = c.county_id
    WHERE c.created_at < %(end)s
),
stock AS (
    SELECT GROUPING(county, city, category, ct) AS g, county, city, category, ct,
        sum(dispatched) AS dispatched,
        sum(CASE WHEN state_end = ANY(%(open_states)s) THEN 1 ELSE 0 END) AS open_at_end,
        sum(CASE WHEN state_end = ANY(%(owed_states)s) AND deadline_end < %(next_month)s THEN 1 ELSE 0 END) AS overdue_at_end,
        sum(urged) AS urged, sum(escalated) AS escalated,
        sum(CASE WHEN state_end = 'feedback' AND parties > 0 AND confirms < parties THEN 1 ELSE 0 END) AS awaiting_joint
    FROM per_case
    GROUP BY GROUPING SETS ((county), (county, category), (county, ct), (city), (city, category), (city, ct),
                            (), (category), (ct))
),
closings AS (
    SELECT c.county_id AS county, d.parent_id AS city, c.category_id AS category, c.content_type_id AS ct,
        (timezone(%(tz)s, e.created_at))::date <= (
            SELECT p.new_deadline FROM cases_caseevent p WHERE p.case_id = e.case_id
                AND p.action = ANY(%(deadline_actions)s) AND p.seq < e.seq ORDER BY p.seq DESC LIMIT 1) AS on_time,
        (SELECT count(*) FROM cases_workcalendarday w WHERE w.is_workday
            AND w.date > (timezone(%(tz)s, c.assigned_at))::date AND w.date <= (timezone(%(tz)s, e.created_at))::date) AS workdays
    FROM cases_caseevent e JOIN cases_case c ON c.id = e.case_id JOIN registry_division d ON d.id = c.county_id
    WHERE e.action = 'close' AND e.created_at >= %(start)s AND e.created_at < %(end)s
        AND NOT EXISTS (SELECT 1 FROM cases_caseevent l WHERE l.case_id = e.case_id AND l.action IN ('close', 'reopen')
                        AND l.seq > e.seq AND l.created_at < %(end)s)
),
closed AS (
    SELECT GROUPING(county, city, category, ct) AS g, county, city, category, ct,
        count(*) AS closed, count(*) FILTER (WHERE on_time) AS closed_on_time,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY workdays) AS median_close_workdays
    FROM closings
    GROUP BY GROUPING SETS ((county), (county, category), (county, ct), (city), (city, category), (city, ct),
                            (), (category), (ct))
),
per_project AS (
    SELECT p.county_id AS county, d.parent_id AS city, p.kind, p.stage, p.planned_start, p.actual_start,
        coalesce((SELECT y.planned_investment FROM projects_projectyearplan y WHERE y.project_id = p.id
                  AND y.year = %(year)s LIMIT 1), 0) AS year_plan,
        coalesce((SELECT sum(r.completed) FROM projects_monthlyreport r WHERE r.project_id = p.id
                  AND r.status = ANY(%(counted)s) AND r.month >= %(year_start)s AND r.month <= %(month)s), 0) AS completed_year,
        EXISTS (SELECT 1 FROM projects_monthlyreport r WHERE r.project_id = p.id AND r.month = %(month)s
                AND r.status = ANY(%(counted)s)) AS reported
    FROM projects_project p JOIN registry_division d ON d.id = p.county_id
),
projects AS (
    SELECT GROUPING(county, city) AS g, county, city, count(*) AS project_count, sum(year_plan) AS year_plan,
        sum(completed_year) AS completed_year,
        count(*) FILTER (WHERE kind = 'new' AND planned_start BETWEEN %(year_start)s AND %(month_end)s) AS new_due,
        count(*) FILTER (WHERE kind = 'new' AND planned_start BETWEEN %(year_start)s AND %(month_end)s
                         AND actual_start <= %(month_end)s) AS new_started,
        count(*) FILTER (WHERE stage = ANY(%(reporting_stages)s) AND NOT reported) AS missing
    FROM per_project
    GROUP BY GROUPING SETS ((county), (city), ())
)
SELECT 's', g, county, city, category, ct, dispatched, open_at_end, overdue_at_end, urged, escalated, awaiting_joint
    FROM stock WHERE NOT (ct IS NULL AND g IN (6, 10, 14))
UNION ALL
SELECT 'c', g, county, city, category, ct, closed, closed_on_time, median_close_workdays, NULL, NULL, NULL
    FROM closed WHERE NOT (ct IS NULL AND g IN (6, 10, 14))
UNION ALL
SELECT 'p', g, county, city, NULL, NULL, project_count, year_plan, completed_year, new_due, new_started, missing
    FROM projects
"""


def raw_params(month):
    from django.conf import settings

    from rollups import figures
    from projects.models import COUNTED_STATUSES, REPORTING_STAGES
    from registry.periods import add_months
    from projects.selectors import month_end

    start, end = figures.month_bounds(month)
    return {
        "start": start, "end": end, "next_month": add_months(month, 1), "month": month, "year": month.year,
        "year_start": month.replace(month=1), "month_end": month_end(month), "tz": settings.TIME_ZONE,
        "deadline_actions": list(figures.DEADLINE_ACTIONS), "escalate_actions": list(figures.ESCALATE_ACTIONS),
        "open_states": [str(s) for s in figures.OPEN_AT_END], "owed_states": [str(s) for s in figures.OWED_STATES],
        "counted": [str(s) for s in COUNTED_STATUSES], "reporting_stages": [str(s) for s in REPORTING_STAGES],
    }


def conninfo() -> str:
    from django.db import connection

    db = connection.settings_dict
    return f"postgresql://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def raw_rollup(month):
    """The floor: the month's aggregates in one statement through a plain psycopg connection."""
    import psycopg

    params = raw_params(month)
    with psycopg.connect(conninfo()) as conn:
        started = time.perf_counter()
        rows = conn.execute(RAW_SQL, params).fetchall()
        return time.perf_counter() - started, rows


def product_rollup(month):
    from rollups.models import RunTrigger
    from rollups.services import rollup_month
    from registry.models import User

    clerk = User.objects.get(username=CLERK)
    started = time.perf_counter()
    run = rollup_month(month=month, trigger=RunTrigger.COMMAND, by=clerk, force=True, reason=REASON)
    return time.perf_counter() - started, run


def province_totals(month):
    """The province's all-cases snapshot row: checks that the floor computes the same figures."""
    from rollups.models import Dimension, MonthlySnapshot
    from registry.models import DivisionLevel

    row = MonthlySnapshot.objects.filter(month=month, level=DivisionLevel.PROVINCE, dimension=Dimension.ALL).first()
    return {name: getattr(row, name) for name in ("dispatched", "open_at_end", "overdue_at_end", "closed", "closed_on_time")}


def floor_totals(rows):
    stock = next(r for r in rows if r[0] == "s" and r[1] == 15)
    closed = next((r for r in rows if r[0] == "c" and r[1] == 15), None)
    figures = {"dispatched": stock[6], "open_at_end": stock[7], "overdue_at_end": stock[8],
               "closed": closed[6] if closed else 0, "closed_on_time": closed[7] if closed else 0}
    return {name: int(value or 0) for name, value in figures.items()}  # SUM over no rows is NULL


def one_month(month, repeat: int) -> dict:
    product = [product_rollup(month)[0] for _ in range(repeat)]
    out = {"month": month.strftime("%Y-%m"), "product_s": round(statistics.median(product), 3)}
    from django.db import connection

    if connection.vendor != "postgresql":
        out["raw_s"] = None
        return out
    raw = [raw_rollup(month) for _ in range(repeat)]
    out["raw_s"] = round(statistics.median(t for t, _ in raw), 3)
    out["same_figures"] = floor_totals(raw[0][1]) == province_totals(month)
    out["figures"] = {"product": province_totals(month), "raw": floor_totals(raw[0][1])}
    return out


def backfill(first, last) -> dict:
    """`manage.py rollup --from --to` in a subprocess: wall time and its peak resident memory."""
    from rollups.models import RollupRun

    since = RollupRun.objects.order_by("-id").values_list("id", flat=True).first() or 0
    cmd = [sys.executable, "manage.py", "rollup", "--from", first.strftime("%Y-%m"), "--to", last.strftime("%Y-%m"),
           "--force", "--user", CLERK, "--reason", REASON]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"rollup backfill failed: {proc.stderr.read().decode()[-2000:]}")
    runs = list(RollupRun.objects.filter(id__gt=since).order_by("id").values("started_at", "finished_at", "status"))
    in_runs = (runs[-1]["finished_at"] - runs[0]["started_at"]).total_seconds() if runs else None
    return {"months": len(runs), "wall_s": round(wall, 2), "runs_s": round(in_runs, 2) if in_runs else None,
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "failed": sum(1 for r in runs if r["status"] != "done")}


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=60, help="months in the backfill")
    parser.add_argument("--samples", type=int, default=6, help="single months timed to estimate 60 × one month")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from registry.periods import add_months, current_month

    last = add_months(current_month(), -1)  # the last complete month: the busiest stock
    first = add_months(last, -(args.months - 1))
    result = {"one_month": one_month(last, args.repeat)}
    # Months spread evenly, each in the middle of its stretch: a month's cost grows with the cases
    # before it, so samples from the start of each stretch would underestimate the sum.
    step = max(1, args.months // max(1, args.samples))
    sampled = [add_months(first, i + step // 2) for i in range(0, args.months, step)][: args.samples]
    singles = [product_rollup(m)[0] for m in sampled]
    result["single_months"] = {"months": [m.strftime("%Y-%m") for m in sampled], "mean_s": round(statistics.mean(singles), 3)}
    result["backfill"] = backfill(first, last)
    result["backfill"]["linear_s"] = round(statistics.mean(singles) * args.months, 2)
    sys.stdout.write(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
