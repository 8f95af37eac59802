"""Reads of the structure snapshot for the axis, central-town and cluster pages and the board's 按台账结构
tab: every page is a fixed number of queries whatever the number of nodes (tests/graph/test_queries.py),
and every figure carries the URL of exactly the projects, workshops or cases behind it."""
import calendar
import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, DecimalField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum
from django.http import Http404
from django.urls import reverse

from projects.selectors import figures_month, schedule_share
from registry.deliverables import graph, reporting
from registry.deliverables.selectors import axis_queryset, cluster_queryset
from registry.models import AxisNodeKind, CentralTown, CentralTownTrack, Division, DivisionLevel, Workshop, WorkshopReport
from registry.periods import parse_month
from registry.scoping import user_can_see_division

from .models import GRAPH_KINDS, GraphSnapshot, NodeKind

TOWN_SORTS = {
    "track": ("_track", "name"), "completion": ("-completion_rate", "name"), "-completion": ("completion_rate", "name"),
    "gap": ("schedule_gap", "name"), "-gap": ("-schedule_gap", "name"), "projects": ("-project_count", "name"),
}


def month_from(params) -> dt.date:
    try:
        return parse_month(params.get("month") or "") if params.get("month") else figures_month()
    except ValueError:
        return figures_month()


def _month_end(month: dt.date) -> str:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1]).isoformat()


def drill_urls(kind: str, node_id: int, month: dt.date, *, county_code: str = "") -> dict:
    """The list behind each figure of a row: the structure's rows filter by node (the same sets as the
    figures), the administrative rows by county."""
    if kind in (NodeKind.ADMIN_COUNTY, NodeKind.ADMIN_CITY):
        where = {"county": county_code}
        workshops = {"county" if kind == NodeKind.ADMIN_COUNTY else "city": county_code}
    else:
        where = {"node": graph.node_text(kind, node_id)}
        workshops = where
    m = f"{month:%Y-%m}"
    projects, cases = reverse("project-list"), reverse("case-list")
    return {
        "projects": f"{projects}?{urlencode({**where, 'month': m})}",
        "lagging": f"{projects}?{urlencode({**where, 'month': m, 'lagging': 'true'})}",
        "start_due": f"{projects}?{urlencode({**where, 'month': m, 'start_due': 'true'})}",
        "workshops": f"{reverse('workshop_list')}?{urlencode(workshops)}",
        "cases_open": f"{cases}?{urlencode({**where, 'open_at': _month_end(month)})}",
        "cases_overdue": f"{cases}?{urlencode({**where, 'overdue_at': _month_end(month)})}",
        "cases_closed": f"{cases}?{urlencode({**where, 'closed_month': m})}",
    }


@dataclass
class Row:
    snapshot: GraphSnapshot | None
    urls: dict
    label: str = ""
    link: str = ""
    kind_label: str = ""
    plain: dict = field(default_factory=dict)


def _row(snapshot, kind, node_id, month, **extra) -> Row:
    return Row(snapshot=snapshot, urls=drill_urls(kind, node_id, month), **extra)


def _snapshots(month, county_id, kinds=GRAPH_KINDS) -> dict:
    rows = GraphSnapshot.objects.filter(month=month, county_id=county_id, node_kind__in=kinds)
    return {(r.node_kind, r.node_id): r for r in rows}


def _village_workshops(month: dt.date, village_ids=(), township_ids=()) -> dict:
    """The month's workshop figures of key-village and county-seat nodes (not themselves snapshot
    nodes), keyed by ("village", id) and ("township", id), in one grouped query."""
    if not village_ids and not township_ids:
        return {}
    weighted = ExpressionWrapper(F("employed") * F("avg_monthly_income_gain"), output_field=DecimalField(max_digits=20, decimal_places=2))
    rows = (
        WorkshopReport.objects.filter(period=month, status__in=reporting.COUNTED_WORKSHOP_STATUSES)
        .filter(Q(workshop__village_id__in=village_ids) | Q(workshop__township_id__in=township_ids))
        .values("workshop__village_id", "workshop__township_id")
        .annotate(workshops=Count("workshop", distinct=True), jobs=Sum("employed"), weighted=Sum(weighted)).order_by()
    )
    out: dict = {}
    for r in rows:
        for key in (("village", r["workshop__village_id"]), ("township", r["workshop__township_id"])):
            totals = out.setdefault(key, {"workshops": 0, "jobs": 0, "weighted": 0})
            for name in ("workshops", "jobs", "weighted"):
                totals[name] += r[name] or 0
    for totals in out.values():
        totals["income_gain"] = round(totals["weighted"] / totals["jobs"], 2) if totals["jobs"] else None
    return out


def axis_page(user, axis_id: int, month: dt.date) -> dict:
    """The axis, its nodes in order each with its figures, and the axis totals (its own snapshot row,
    where a project or village reached through two nodes counts once)."""
    axis = axis_queryset(user).select_related("county").filter(pk=axis_id).first()
    if axis is None:
        raise Http404("发展轴不存在或不在您的管辖范围内。")
    snapshots = _snapshots(month, axis.county_id)
    nodes = list(axis.nodes.all())
    extra = _village_workshops(
        month,
        village_ids=[n.division_id for n in nodes if n.kind == AxisNodeKind.KEY_VILLAGE],
        township_ids=[n.division_id for n in nodes if n.kind == AxisNodeKind.COUNTY_SEAT],
    )
    rows = []
    for node in nodes:
        kind_label = node.get_kind_display()
        if node.kind == AxisNodeKind.CENTRAL_TOWN and node.central_town_id:
            rows.append(_row(snapshots.get(("town", node.central_town_id)), "town", node.central_town_id, month,
                             label=node.central_town.division.name, kind_label=kind_label,
                             link=reverse("rollups:graph-town", args=[node.central_town_id]) + f"?month={month:%Y-%m}"))
        elif node.kind == AxisNodeKind.CLUSTER and node.cluster_id:
            rows.append(_row(snapshots.get(("cluster", node.cluster_id)), "cluster", node.cluster_id, month,
                             label=node.cluster.name, kind_label=kind_label,
                             link=reverse("rollups:graph-cluster", args=[node.cluster_id]) + f"?month={month:%Y-%m}"))
        else:
            key = ("village" if node.kind == AxisNodeKind.KEY_VILLAGE else "township", node.division_id)
            label = node.division.name if node.division_id else "（未指定）"
            if node.kind == AxisNodeKind.CENTRAL_TOWN:
                kind_label += "（待认定）"
            # Key villages and the county seat are divisions, not snapshot nodes: their workshops only.
            workshops = f"{reverse('workshop_list')}?village={node.division_id}" if key[0] == "village" else ""
            rows.append(Row(snapshot=None, urls={"workshops": workshops}, label=label, kind_label=kind_label,
                            plain=extra.get(key, {})))
    total = _row(snapshots.get(("axis", axis.pk)), "axis", axis.pk, month, label=axis.name)
    return {"axis": axis, "rows": rows, "total": total, "month": month, "schedule_share": schedule_share(month)}


def town_dashboard(user, month: dt.date, sort: str = "") -> dict:
    """中心镇项目动态监测: every town of the jurisdiction with its figures, sortable in the database by
    track, completion or 序时差, and the four tracks compared (distinct per track would need the
    projects again: a project linked to two towns of one track — rare — counts under each)."""
    track = CentralTown.objects.filter(pk=OuterRef("node_id")).values("track")[:1]
    batch = CentralTown.objects.filter(pk=OuterRef("node_id")).values("batch")[:1]
    rows = (
        GraphSnapshot.objects.for_user(user).filter(month=month, node_kind=NodeKind.TOWN)
        .annotate(_track=Subquery(track), _batch=Subquery(batch)).select_related("county")
        .order_by(*TOWN_SORTS.get(sort, ("county__code", "name")))
    )
    labels = dict(CentralTownTrack.choices)
    towns = [
        _row(r, "town", r.node_id, month, label=r.name, kind_label=labels.get(r._track, ""),
             link=reverse("rollups:graph-town", args=[r.node_id]) + f"?month={month:%Y-%m}")
        for r in rows
    ]
    tracks = {t: {"track": label, "towns": 0, "projects": 0, "plan": 0, "done": 0, "jobs": 0} for t, label in CentralTownTrack.choices}
    for r in rows:  # the rows already read: four groups of at most 105 towns, summed
        t = tracks.get(r._track)
        if t is not None:
            t["towns"] += 1
            t["projects"] += r.project_count
            t["plan"] += r.year_plan
            t["done"] += r.completed_year
            t["jobs"] += r.jobs
    share = schedule_share(month)
    for t in tracks.values():
        t["rate"] = round(float(t["done"]) * 100 / float(t["plan"]), 2) if t["plan"] else None
        t["gap"] = round(t["rate"] - share, 2) if t["rate"] is not None else None
    return {"towns": towns, "tracks": list(tracks.values()), "month": month, "sort": sort, "schedule_share": share}


def town_page(user, town_id: int, month: dt.date) -> dict:
    town = CentralTown.objects.for_user(user).select_related("division", "county").filter(pk=town_id).first()
    if town is None:
        raise Http404("中心镇不存在或不在您的管辖范围内。")
    snapshots = _snapshots(month, town.county_id, kinds=(NodeKind.TOWN, NodeKind.CLUSTER))
    clusters = [
        _row(snapshots.get(("cluster", c.pk)), "cluster", c.pk, month, label=c.name,
             link=reverse("rollups:graph-cluster", args=[c.pk]) + f"?month={month:%Y-%m}")
        for c in town.clusters.order_by("name")
    ]
    total = _row(snapshots.get(("town", town.pk)), "town", town.pk, month, label=town.division.name)
    return {"town": town, "clusters": clusters, "total": total, "month": month}


def cluster_page(user, cluster_id: int, month: dt.date) -> dict:
    """The cluster's villages (members, radiated), its workshops with the month's jobs and income, and
    each village's collective income for the year (counted reports)."""
    cluster = cluster_queryset(user).filter(pk=cluster_id).first()
    if cluster is None:
        raise Http404("片区组团不存在或不在您的管辖范围内。")
    members, radiated = list(cluster.members.all()), list(cluster.radiated_villages.all())
    ids = [v.pk for v in members + radiated]
    reports = WorkshopReport.objects.filter(workshop__village_id__in=ids, status__in=reporting.COUNTED_WORKSHOP_STATUSES)
    income = {
        r["workshop__village_id"]: r
        for r in reporting.collective_income_by_village(reports, year=month.year)
    }
    month_reports = {
        r.workshop_id: r for r in reports.filter(period=month).only("workshop_id", "employed", "low_income_employed", "avg_monthly_income_gain", "village_collective_income")
    }
    workshops = list(Workshop.objects.filter(village_id__in=ids).select_related("village").order_by("village__code", "name"))
    for w in workshops:
        w.month_report = month_reports.get(w.pk)
    villages = [
        {"village": v, "role": role, "income": (income.get(v.pk) or {}).get("income"),
         "workshops": (income.get(v.pk) or {}).get("workshops", 0),
         "workshop_url": f"{reverse('workshop_list')}?village={v.pk}"}
        for role, group in (("成员村", members), ("辐射带动村", radiated)) for v in group
    ]
    snapshot = GraphSnapshot.objects.filter(month=month, node_kind=NodeKind.CLUSTER, node_id=cluster.pk).first()
    total = _row(snapshot, "cluster", cluster.pk, month, label=cluster.name)
    return {"cluster": cluster, "villages": villages, "workshops": workshops, "total": total, "month": month}


def structure_board(user, month: dt.date, county_code: str = "") -> dict:
    """The board's 按台账结构 tab: for a county, its nodes' rows and the reconciliation (sum over nodes,
    distinct total, administrative total); for a wider jurisdiction, every county's three totals."""
    own = user.division
    county = Division.objects.filter(code=county_code, level=DivisionLevel.COUNTY).first() if county_code else None
    if county is None and own is not None and own.level == DivisionLevel.COUNTY:
        county = own
    if county is not None and not user_can_see_division(user, county):
        raise Http404("所选县（市、区）不在您的管辖范围内。")
    if county is None:
        counties = (
            GraphSnapshot.objects.for_user(user).filter(month=month, node_kind__in=(NodeKind.COUNTY, NodeKind.ADMIN_COUNTY))
            .select_related("county").order_by("county__code", "node_kind")
        )
        table: dict = {}
        for r in counties:
            entry = table.setdefault(r.county_id, {"county": r.county})
            entry["distinct" if r.node_kind == NodeKind.COUNTY else "admin"] = r
        return {"month": month, "county": None, "counties": list(table.values())}
    rows = list(
        GraphSnapshot.objects.filter(month=month, county=county).exclude(node_kind=NodeKind.ADMIN_CITY)
        .order_by("node_kind", "name")
    )
    by_kind: dict = {}
    for r in rows:
        by_kind.setdefault(r.node_kind, []).append(r)
    distinct = (by_kind.get(NodeKind.COUNTY) or [None])[0]
    admin = (by_kind.get(NodeKind.ADMIN_COUNTY) or [None])[0]
    links = {
        NodeKind.AXIS: "rollups:graph-axis", NodeKind.TOWN: "rollups:graph-town", NodeKind.CLUSTER: "rollups:graph-cluster",
    }
    nodes = [
        _row(r, r.node_kind, r.node_id, month, label=r.name, kind_label=r.get_node_kind_display(),
             link=reverse(links[r.node_kind], args=[r.node_id]) + f"?month={month:%Y-%m}")
        for kind in GRAPH_KINDS for r in by_kind.get(kind, [])
    ]
    summed = {name: sum(getattr(r.snapshot, name) for r in nodes) for name in ("project_count", "villages", "workshops", "jobs")}
    return {
        "month": month, "county": county, "nodes": nodes, "summed": summed,
        "distinct": _row(distinct, NodeKind.COUNTY, county.pk, month, label="去重合计") if distinct else None,
        "admin": Row(snapshot=admin, urls=drill_urls(NodeKind.ADMIN_COUNTY, county.pk, month, county_code=county.code), label="行政区划合计") if admin else None,
    }
