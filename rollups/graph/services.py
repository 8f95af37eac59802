"""Writing a month's structure snapshot: part of the board's roll-up run (rollups.services._write_month
calls graph_write_month inside the month's transaction and lock), upserted by (month, kind, node) so a
re-run rewrites the same rows, and rows of nodes that no longer exist are removed."""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum

from projects.models import Project
from projects.selectors import figures_rollup
from registry.deliverables import graph
from registry.deliverables.reporting import COUNTED_WORKSHOP_STATUSES
from registry.models import CentralTown, DevelopmentAxis, Division, DivisionLevel, VillageCluster, Workshop, WorkshopReport

from ..models import Dimension, MonthlySnapshot
from . import figures
from .models import GraphSnapshot, NodeKind

KEY = ("month", "node_kind", "node_id")
UPDATE_FIELDS = [f.name for f in GraphSnapshot._meta.concrete_fields if f.name not in (*KEY, "id")]
SUMMED = (
    "project_count", "year_plan", "completed_year", "new_due", "new_started", "villages", "workshops", "jobs",
    "low_income_jobs", "collective_income", "collective_income_year", "cases_open", "cases_overdue", "cases_closed",
)


def _nodes() -> dict:
    """{(kind, id): (county id, name)} for every node of the structure and every county's union."""
    nodes = {}
    for pk, county, name in DevelopmentAxis.objects.values_list("pk", "county_id", "name"):
        nodes[(NodeKind.AXIS.value, pk)] = (county, name)
    for pk, county, name in CentralTown.objects.values_list("pk", "county_id", "division__name"):
        nodes[(NodeKind.TOWN.value, pk)] = (county, name)
    for pk, county, name in VillageCluster.objects.values_list("pk", "county_id", "name"):
        nodes[(NodeKind.CLUSTER.value, pk)] = (county, name)
    return nodes


def _admin_rows(month: dt.date) -> dict:
    """The same figures per county from the administrative tree: every project, workshop, village and
    case of the county, the projects and cases exactly as the board's snapshot counts them."""
    counties = dict(Division.objects.filter(level=DivisionLevel.COUNTY).values_list("pk", "name"))
    rows = {c: dict.fromkeys(SUMMED, 0) for c in counties}
    for p in figures_rollup(Project.objects.all(), by="county", month=month):
        rows[p["county_id"]].update(
            project_count=p["project_count"], year_plan=p["year_plan"] or 0, completed_year=p["completed_year"] or 0,
            new_due=p["new_due"], new_started=p["new_started"],
        )
    board = MonthlySnapshot.objects.filter(month=month, level=DivisionLevel.COUNTY, dimension=Dimension.ALL)
    for c, open_, overdue, closed in board.values_list("division_id", "open_at_end", "overdue_at_end", "closed"):
        rows[c].update(cases_open=open_, cases_overdue=overdue, cases_closed=closed)
    for c, n in Division.objects.filter(level=DivisionLevel.VILLAGE).values("parent__parent_id").annotate(n=Count("pk")).values_list("parent__parent_id", "n"):
        if c in rows:
            rows[c]["villages"] = n
    for c, n in Workshop.objects.values("county_id").annotate(n=Count("pk")).values_list("county_id", "n"):
        rows[c]["workshops"] = n
    weighted = ExpressionWrapper(F("employed") * F("avg_monthly_income_gain"), output_field=DecimalField(max_digits=20, decimal_places=2))
    this_month = Q(period=month)
    reports = (
        WorkshopReport.objects.filter(period__gte=month.replace(month=1), period__lte=month, status__in=COUNTED_WORKSHOP_STATUSES)
        .values("workshop__county_id")
        .annotate(
            jobs=Sum("employed", filter=this_month), low=Sum("low_income_employed", filter=this_month),
            weighted=Sum(weighted, filter=this_month), collective=Sum("village_collective_income", filter=this_month),
            year=Sum("village_collective_income"),
        ).order_by()
    )
    for r in reports:
        values = figures.workshop_values(0, r["jobs"], r["low"], r["weighted"], r["collective"], r["year"])
        values.pop("workshops")
        rows[r["workshop__county_id"]].update(values)
    return {c: {**v, "name": counties[c]} for c, v in rows.items()}


def _city_rows(admin: dict) -> dict:
    """Cities add their counties up (each project, workshop, village and case lies in one county)."""
    parents = dict(Division.objects.filter(level=DivisionLevel.COUNTY).values_list("pk", "parent_id"))
    names = dict(Division.objects.filter(level=DivisionLevel.CITY).values_list("pk", "name"))
    cities = defaultdict(lambda: dict.fromkeys(SUMMED, 0))
    weighted = defaultdict(Decimal)
    for county, values in admin.items():
        city = cities[parents[county]]
        for name in SUMMED:
            city[name] += values.get(name) or 0
        if values.get("income_gain") is not None:
            weighted[parents[county]] += values["income_gain"] * values["jobs"]
    for city_id, values in cities.items():
        values["name"] = names.get(city_id, "")
        values["income_gain"] = (weighted[city_id] / values["jobs"]).quantize(Decimal("0.01")) if values["jobs"] else None
    return dict(cities)


def graph_rows(month: dt.date) -> list[GraphSnapshot]:
    graph.graph_refresh()
    nodes = _nodes()
    families = (
        figures.project_figures(month), figures.village_figures(), figures.workshop_figures(month),
        figures.case_figures(month),
    )
    shared = figures.shared_projects(month)
    county_names = dict(Division.objects.filter(level=DivisionLevel.COUNTY).values_list("pk", "name"))
    keyed = dict(nodes)
    for county_id in {county for county, _ in nodes.values()}:
        keyed[(NodeKind.COUNTY.value, county_id)] = (county_id, county_names.get(county_id, ""))
    rows = []
    for (kind, node_id), (county_id, name) in keyed.items():
        values = {}
        for family in families:
            values.update(family.get((kind, node_id), {}))
        if kind == NodeKind.COUNTY:
            values.update(shared.get(node_id, {}))
        values.update(figures.rates(values, month))
        rows.append(GraphSnapshot(month=month, node_kind=kind, node_id=node_id, county_id=county_id, name=name[:150], **values))
    admin = _admin_rows(month)
    for kind, table in ((NodeKind.ADMIN_COUNTY, admin), (NodeKind.ADMIN_CITY, _city_rows(admin))):
        for division_id, values in table.items():
            values = dict(values)
            name = values.pop("name")
            values.update(figures.rates(values, month))
            rows.append(GraphSnapshot(month=month, node_kind=kind, node_id=division_id, county_id=division_id, name=name, **values))
    return rows


def graph_write_month(month: dt.date) -> int:
    if connection.vendor == "postgresql":
        # As for the board's case stock (rollups.figures): the per-project and per-case subqueries' cost
        # estimates make PostgreSQL JIT-compile the statements, which takes longer than running them.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
    rows = graph_rows(month)
    written = GraphSnapshot.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=list(KEY), update_fields=UPDATE_FIELDS, batch_size=1000
    )
    GraphSnapshot.objects.filter(month=month).exclude(pk__in=[r.pk for r in written]).delete()
    return len(written)
