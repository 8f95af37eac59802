"""The month's figures per node of the programme's structure, computed in the database.

Each figure joins the closure rows (registry.GraphReach: one row per node and member) to the facts, so
a project, village, workshop or case reached by several routes counts once per node:
- projects: DISTINCT (node, project) over the projects' record links, joined to each project's
  year-to-date figures from projects.selectors.projects_with_figures (the list's own definitions:
  plan, completed, 序时进度 by projects.selectors.schedule_share, start due / started);
- workshops: the workshops of the reached villages (a workshop has one village), with the month's
  counted reports (jobs, low-income jobs, jobs × per-person gain for the job-weighted mean, collective
  income) and the collective income from January to the month;
- villages: the village rows of the node;
- cases: the UNION of the three routes of cases.graph_sets, joined to each case's month-end state from
  cases.ledger_sets (open, overdue) and the month's closings.
One query per family for every node at once (four in all, plus the county rows' double-count figures).
"""
import datetime as dt
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models import Case as CaseWhen

from cases.graph_sets import concerned_types
from cases.ledger_sets import at_moment, closings, month_bounds, open_q, overdue_q
from cases.models import Case
from projects.models import Project, ProjectRecordLink
from projects.selectors import projects_with_figures, schedule_share
from registry.deliverables import graph
from registry.models import GraphReach, Workshop, WorkshopReport
from registry.deliverables.reporting import COUNTED_WORKSHOP_STATUSES

GRAPH_NODE_KINDS = ("axis", "town", "cluster")


def _q(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _date(value: dt.date):
    return connection.ops.adapt_datefield_value(value)


def _run(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _flag(condition):
    return CaseWhen(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def project_figures(month: dt.date) -> dict:
    """{(kind, id): {project_count, year_plan, completed_year, new_due, new_started}}."""
    linked = Project.objects.filter(Exists(ProjectRecordLink.objects.filter(project=OuterRef("pk"))))
    per_project = (
        projects_with_figures(linked, month=month)
        .annotate(_pid=F("pk"), _due=_flag(Q(is_start_due=True)), _started=_flag(Q(is_started=True)))
        .values("_pid", "year_plan", "completed_year", "_due", "_started").order_by()
    )
    inner, params = per_project.query.sql_with_params()
    sql = f"""
        SELECT pr.k, pr.n, COUNT(*), SUM(t."year_plan"), SUM(t."completed_year"), SUM(t."_due"), SUM(t."_started")
        FROM (
            SELECT DISTINCT g.node_kind AS k, g.node_id AS n, l.project_id AS p
            FROM {_q(GraphReach)} g JOIN {_q(ProjectRecordLink)} l
                ON l.content_type_id = g.member_type_id AND l.object_id = g.member_id
        ) pr JOIN ({inner}) t ON t."_pid" = pr.p
        GROUP BY pr.k, pr.n
    """
    return {
        (k, n): {"project_count": c, "year_plan": _money(plan), "completed_year": _money(done),
                 "new_due": int(due or 0), "new_started": int(started or 0)}
        for k, n, c, plan, done, due, started in _run(sql, params)
    }


def shared_projects(month: dt.date) -> dict:
    """Per county: {project_node_links: Σ over its nodes of their project counts, shared_projects:
    projects on more than one node} — why the sum over nodes exceeds the county's distinct count."""
    sql = f"""
        SELECT x.c, SUM(x.nodes), SUM(CASE WHEN x.nodes > 1 THEN 1 ELSE 0 END) FROM (
            SELECT d.c, d.p, COUNT(*) AS nodes FROM (
                SELECT DISTINCT g.node_kind AS k, g.node_id AS n, g.county_id AS c, l.project_id AS p
                FROM {_q(GraphReach)} g JOIN {_q(ProjectRecordLink)} l
                    ON l.content_type_id = g.member_type_id AND l.object_id = g.member_id
                WHERE g.node_kind IN ('axis', 'town', 'cluster')
            ) d GROUP BY d.c, d.p
        ) x GROUP BY x.c
    """
    return {c: {"project_node_links": int(links), "shared_projects": int(shared)} for c, links, shared in _run(sql, [])}


def village_figures() -> dict:
    """{(kind, id): {villages, village_node_links, shared_villages}} from the village rows."""
    sql = f"""
        SELECT node_kind, node_id, COUNT(*), SUM(paths), SUM(CASE WHEN paths > 1 THEN 1 ELSE 0 END)
        FROM {_q(GraphReach)} WHERE member_type_id = %s GROUP BY node_kind, node_id
    """
    rows = {}
    for k, n, count, paths, shared in _run(sql, [graph.content_type_ids()["village"]]):
        rows[(k, n)] = {"villages": count}
        if k == "county":  # on the county row, paths counts the nodes reaching the village
            rows[(k, n)].update(village_node_links=int(paths), shared_villages=int(shared))
    return rows


def workshop_sql(month: dt.date, group: str, joins: str, where: str) -> tuple[str, list]:
    """The workshop aggregate shared by the structure (grouped by node) and the administrative rows
    (grouped by county): per-person gain is Σ(jobs × gain) / Σ jobs, never a mean of means."""
    first = month.replace(month=1)
    counted = ", ".join(["%s"] * len(COUNTED_WORKSHOP_STATUSES))
    sql = f"""
        SELECT {group}, COUNT(DISTINCT w.id),
            SUM(CASE WHEN r.period = %s THEN r.employed ELSE 0 END),
            SUM(CASE WHEN r.period = %s THEN r.low_income_employed ELSE 0 END),
            SUM(CASE WHEN r.period = %s THEN r.employed * r.avg_monthly_income_gain ELSE 0 END),
            SUM(CASE WHEN r.period = %s THEN r.village_collective_income ELSE 0 END),
            SUM(r.village_collective_income)
        FROM {joins}
        LEFT JOIN {_q(WorkshopReport)} r ON r.workshop_id = w.id AND r.period >= %s AND r.period <= %s
            AND r.status IN ({counted})
        {where}
        GROUP BY {group}
    """
    m = _date(month)
    return sql, [m, m, m, m, _date(first), m, *COUNTED_WORKSHOP_STATUSES]


def workshop_values(count, jobs, low, weighted, collective, collective_year) -> dict:
    jobs = int(jobs or 0)
    gain = (Decimal(str(weighted)) / jobs).quantize(Decimal("0.01")) if jobs and weighted is not None else None
    return {
        "workshops": int(count or 0), "jobs": jobs, "low_income_jobs": int(low or 0), "income_gain": gain,
        "collective_income": _money(collective, "0.0001"), "collective_income_year": _money(collective_year, "0.0001"),
    }


def workshop_figures(month: dt.date) -> dict:
    joins = f"{_q(GraphReach)} g JOIN {_q(Workshop)} w ON w.village_id = g.member_id"
    sql, params = workshop_sql(month, "g.node_kind, g.node_id", joins, "WHERE g.member_type_id = %s")
    params = [*params, graph.content_type_ids()["village"]]  # the WHERE's placeholder comes last in the text
    return {(k, n): workshop_values(*rest) for k, n, *rest in _run(sql, params)}


def case_flags(month: dt.date):
    """Each case that can concern a node, with its month-end state (cases.ledger_sets) as 0/1 flags."""
    start, end = month_bounds(month)
    closed = closings(start, end).filter(case=OuterRef("pk"))
    return (
        Case.objects.filter(created_at__lt=end, content_type_id__in=concerned_types())
        .annotate(**at_moment(end))
        .annotate(_cid=F("pk"), _open=_flag(open_q()), _overdue=_flag(overdue_q(end)), _closed=_flag(Exists(closed)))
        .values("_cid", "_open", "_overdue", "_closed").order_by()
    )


def case_figures(month: dt.date) -> dict:
    inner, params = case_flags(month).query.sql_with_params()
    cts = graph.content_type_ids()
    reach, case, workshop = _q(GraphReach), _q(Case), _q(Workshop)
    sql = f"""
        SELECT pc.k, pc.n, SUM(t."_open"), SUM(t."_overdue"), SUM(t."_closed") FROM (
            SELECT g.node_kind AS k, g.node_id AS n, c.id AS cid FROM {reach} g
                JOIN {case} c ON c.content_type_id = g.member_type_id AND c.object_id = g.member_id
            UNION
            SELECT g.node_kind, g.node_id, c.id FROM {reach} g
                JOIN {workshop} w ON w.village_id = g.member_id AND g.member_type_id = %s
                JOIN {case} c ON c.content_type_id = %s AND c.object_id = w.id
        ) pc JOIN ({inner}) t ON t."_cid" = pc.cid
        GROUP BY pc.k, pc.n
    """
    rows = _run(sql, [cts["village"], cts["workshop"], *params])
    return {(k, n): {"cases_open": int(o or 0), "cases_overdue": int(d or 0), "cases_closed": int(c or 0)} for k, n, o, d, c in rows}


def rates(values: dict, month: dt.date) -> dict:
    """Completion rate, 序时差 and start rate of summed figures (ratios of two database sums)."""
    plan, done = values.get("year_plan") or 0, values.get("completed_year") or 0
    rate = round(float(done) * 100 / float(plan), 2) if plan else None
    due = values.get("new_due") or 0
    return {
        "completion_rate": rate,
        "schedule_gap": round(rate - schedule_share(month), 2) if rate is not None else None,
        "start_rate": round(values.get("new_started", 0) * 100 / due, 2) if due else None,
    }


def _money(value, places="0.01"):
    return Decimal(str(value or 0)).quantize(Decimal(places))


def content_type_of(model) -> int:
    return ContentType.objects.get_for_model(model).pk
