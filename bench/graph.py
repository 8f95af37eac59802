"""The structure roll-up (rollups/graph) of one month against a raw SQL floor, run by bench.run's
"graph" step as its own process (Django set up from DATABASE_URL):

    python -m bench.graph --repeat 3

Product: rollups.graph.services.graph_write_month — rebuilds the closure rows for the province, computes
every node's figures (projects, workshops, villages, cases) plus the administrative rows, and upserts
the snapshot. Floor: the closure rebuild's four INSERT … SELECT statements and one raw statement through
psycopg computing the same per-node project, village and workshop sums and case counts over the
closure rows (the cases' month-end state read from their event chains as the product does). Prints
JSON, with the busiest axis's page path for the page scenario.
"""
import argparse
import json
import os
import statistics
import sys
import time

RAW_SQL = """
WITH proj AS (
    SELECT p.id,
        coalesce((SELECT y.planned_investment FROM projects_projectyearplan y WHERE y.project_id = p.id
                  AND y.year = %(year)s LIMIT 1), 0) AS plan,
        coalesce((SELECT sum(r.completed) FROM projects_monthlyreport r WHERE r.project_id = p.id
                  AND r.status = ANY(%(counted)s) AND r.month >= %(year_start)s AND r.month <= %(month)s), 0) AS done
    FROM projects_project p WHERE EXISTS (SELECT 1 FROM projects_projectrecordlink l WHERE l.project_id = p.id)
),
node_projects AS (
    SELECT x.node_kind, x.node_id, count(*) AS n, sum(proj.plan) AS plan, sum(proj.done) AS done FROM (
        SELECT DISTINCT g.node_kind, g.node_id, l.project_id FROM registry_graphreach g
        JOIN projects_projectrecordlink l ON l.content_type_id = g.member_type_id AND l.object_id = g.member_id
    ) x JOIN proj ON proj.id = x.project_id GROUP BY x.node_kind, x.node_id
),
node_workshops AS (
    SELECT g.node_kind, g.node_id, count(DISTINCT w.id) AS workshops,
        sum(r.employed) FILTER (WHERE r.period = %(month)s) AS jobs,
        sum(r.employed * r.avg_monthly_income_gain) FILTER (WHERE r.period = %(month)s) AS weighted,
        sum(r.village_collective_income) AS collective_year
    FROM registry_graphreach g JOIN registry_workshop w ON w.village_id = g.member_id
    LEFT JOIN registry_workshopreport r ON r.workshop_id = w.id AND r.period BETWEEN %(year_start)s AND %(month)s
        AND r.status = ANY(%(workshop_counted)s)
    WHERE g.member_type_id = %(village_ct)s GROUP BY g.node_kind, g.node_id
),
node_villages AS (
    SELECT node_kind, node_id, count(*) AS villages FROM registry_graphreach WHERE member_type_id = %(village_ct)s
    GROUP BY node_kind, node_id
),
case_state AS (
    SELECT c.id, (SELECT e.to_state FROM cases_caseevent e WHERE e.case_id = c.id AND e.created_at < %(end)s
                  ORDER BY e.seq DESC LIMIT 1) AS state_end
    FROM cases_case c WHERE c.created_at < %(end)s AND c.content_type_id = ANY(%(case_types)s)
),
node_cases AS (
    SELECT pc.node_kind, pc.node_id, count(*) FILTER (WHERE cs.state_end = ANY(%(open_states)s)) AS open FROM (
        SELECT g.node_kind, g.node_id, c.id FROM registry_graphreach g
            JOIN cases_case c ON c.content_type_id = g.member_type_id AND c.object_id = g.member_id
        UNION
        SELECT g.node_kind, g.node_id, c.id FROM registry_graphreach g
            JOIN registry_workshop w ON w.village_id = g.member_id AND g.member_type_id = %(village_ct)s
            JOIN cases_case c ON c.content_type_id = %(workshop_ct)s AND c.object_id = w.id
    ) pc JOIN case_state cs ON cs.id = pc.id GROUP BY pc.node_kind, pc.node_id
)
SELECT v.node_kind, v.node_id, v.villages, p.n, p.plan, p.done, w.workshops, w.jobs, w.weighted, w.collective_year, c.open
FROM node_villages v
LEFT JOIN node_projects p USING (node_kind, node_id)
LEFT JOIN node_workshops w USING (node_kind, node_id)
LEFT JOIN node_cases c USING (node_kind, node_id)
"""


def raw_params(month):
    from cases.graph_sets import concerned_types
    from cases.ledger_sets import OPEN_AT_END, month_bounds
    from projects.models import COUNTED_STATUSES
    from registry.deliverables import graph
    from registry.deliverables.reporting import COUNTED_WORKSHOP_STATUSES

    cts = graph.content_type_ids()
    _, end = month_bounds(month)
    return {
        "month": month, "year": month.year, "year_start": month.replace(month=1), "end": end,
        "counted": [str(s) for s in COUNTED_STATUSES], "workshop_counted": [str(s) for s in COUNTED_WORKSHOP_STATUSES],
        "village_ct": cts["village"], "workshop_ct": cts["workshop"], "case_types": concerned_types(),
        "open_states": [str(s) for s in OPEN_AT_END],
    }


def raw_rollup(month):
    """The floor: the closure rebuild (the same SQL the product runs) and one aggregate statement."""
    import psycopg

    from bench.rollup import conninfo
    from registry.deliverables import graph

    params = raw_params(month)
    started = time.perf_counter()
    graph.graph_refresh()
    with psycopg.connect(conninfo()) as conn:
        rows = conn.execute(RAW_SQL, params).fetchall()
    return time.perf_counter() - started, rows


def product_rollup(month):
    from django.db import transaction

    from rollups.graph.services import graph_write_month

    started = time.perf_counter()
    with transaction.atomic():
        count = graph_write_month(month)
    return time.perf_counter() - started, count


def same_figures(month, rows) -> bool:
    """The product's snapshot agrees with the floor on every node's villages, projects and open cases."""
    from rollups.graph.models import GraphSnapshot

    stored = {
        (s.node_kind, s.node_id): (s.villages, s.project_count, s.cases_open)
        for s in GraphSnapshot.objects.filter(month=month, node_kind__in=("axis", "town", "cluster", "county"))
    }
    floor = {(k, n): (v, p or 0, o or 0) for k, n, v, p, *_, o in rows}
    return all(stored.get(key) == value for key, value in floor.items())


def busiest_axis_path(month) -> str:
    from rollups.graph.models import GraphSnapshot

    row = GraphSnapshot.objects.filter(month=month, node_kind="axis").order_by("-project_count", "-villages").first()
    return f"/rollups/structure/axes/{row.node_id}/?month={month:%Y-%m}" if row else "/rollups/structure/"


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection

    from registry.periods import add_months, current_month

    month = add_months(current_month(), -1)
    product = [product_rollup(month) for _ in range(args.repeat)]
    out = {"month": f"{month:%Y-%m}", "product_s": round(statistics.median(t for t, _ in product), 3),
           "rows": product[-1][1], "axis_path": busiest_axis_path(month), "raw_s": None}
    if connection.vendor == "postgresql":
        raw = [raw_rollup(month) for _ in range(args.repeat)]
        out["raw_s"] = round(statistics.median(t for t, _ in raw), 3)
        out["same_figures"] = same_figures(month, raw[0][1])
    sys.stdout.write(json.dumps(out, default=str))


if __name__ == "__main__":
    main()
