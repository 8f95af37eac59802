"""What belongs to what in the programme's structure (axis ⊃ central town ⊃ cluster → villages), written
once. Roll-ups, pages and list filters read the closure rows (GraphReach) this module builds; none of
them walks the structure on its own.

The rules
- A cluster reaches itself, its member villages (the key village is one) and its radiated villages.
- A central town reaches itself, its clusters (VillageCluster.central_town) and everything they reach,
  the villages of its own township, and the villages of the weak townships it drives (大镇带小乡).
- An axis reaches itself and, node by node: the villages of the county-seat township, a central town
  and everything it reaches, a key village, a cluster and everything it reaches.
- A county's structure (node kind "county") is the union of its axes, towns and clusters.
- Each (node, member) pair is one row, however many routes lead there (`paths` counts the routes; for
  the county row it counts the nodes that reach the member). Figures summed over a node's rows
  therefore count each village and each record once: a village in two clusters of one town is one
  village of that town, while it still counts once in each cluster.
- A project belongs to a node when it is linked (projects.ProjectRecordLink) to any record the node
  reaches: a project linked to an axis and to one of its towns is one project of the axis. Projects
  are not placed by their township: only explicit links put a project on the structure.
- A workshop belongs to a node when its village is reached; its figures count once per village.
- A case concerns a node when it concerns (Case.content_type/object_id) a record or a village the
  node reaches, or a workshop in a reached village.

The rows are rebuilt for one county inside the transaction of every change to an axis, town, cluster
or weak township (a few thousand rows at most, in four INSERT … SELECT statements), and for the whole
province at the start of each monthly roll-up (new villages in the division table are picked up then).
Measured with the roll-up at province scale: `python -m bench.run --steps graph` (bench/graph.py).
"""
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from registry.models import (
    AxisNode,
    CentralTown,
    DevelopmentAxis,
    Division,
    DivisionLevel,
    GraphNodeKind,
    GraphReach,
    VillageCluster,
    WeakTownship,
    Workshop,
)

NODE_MODELS = {
    GraphNodeKind.AXIS: DevelopmentAxis,
    GraphNodeKind.TOWN: CentralTown,
    GraphNodeKind.CLUSTER: VillageCluster,
}
# Changes to these records move the structure (services call graph_refresh for the counties touched).
STRUCTURE_MODELS = (DevelopmentAxis, CentralTown, VillageCluster, WeakTownship)


def parse_node(value: str) -> tuple[str, int] | None:
    """'axis:12' → ("axis", 12); None for anything else (list filters answer an empty list then)."""
    kind, _, node_id = str(value or "").partition(":")
    kind, node_id = kind.strip(), node_id.strip()
    if kind not in GraphNodeKind.values or not node_id.isdigit() or not 0 < int(node_id) < 2**63:
        return None
    return kind, int(node_id)


def node_text(kind: str, node_id: int) -> str:
    return f"{kind}:{node_id}"


def content_type_ids() -> dict[str, int]:
    """The member types by name (content types are cached per process)."""
    get = ContentType.objects.get_for_model
    return {
        GraphNodeKind.AXIS: get(DevelopmentAxis).pk, GraphNodeKind.TOWN: get(CentralTown).pk,
        GraphNodeKind.CLUSTER: get(VillageCluster).pk, "village": get(Division).pk, "workshop": get(Workshop).pk,
    }


def reach(kind: str, node_id: int):
    return GraphReach.objects.filter(node_kind=kind, node_id=node_id)


def reached_village_ids(kind: str, node_id: int):
    """A subquery of the village ids the node reaches."""
    return reach(kind, node_id).filter(member_type_id=content_type_ids()["village"]).values("member_id")


def reached_records(kind: str, node_id: int):
    """The node's reach rows that are records (axes, towns, clusters), for joins on (content type, id)."""
    return reach(kind, node_id).exclude(member_type_id=content_type_ids()["village"])


def workshops_of_node(queryset, kind: str, node_id: int):
    return queryset.filter(village_id__in=reached_village_ids(kind, node_id))


def link_town_nodes() -> int:
    """Central-town nodes written in bulk with only their township (demo seeding) get the township's
    CentralTown record, as migration 0010 did for the nodes that existed then."""
    from django.db.models import OuterRef, Subquery

    town = CentralTown.objects.filter(division_id=OuterRef("division_id")).values("pk")[:1]
    return AxisNode.objects.filter(kind="central_town", central_town__isnull=True).update(central_town=Subquery(town))


def link_clusters_to_towns() -> int:
    """Demo seeding: a cluster without a town whose key village lies in a central town's township
    belongs to that town (real data names the town explicitly)."""
    pairs = VillageCluster.objects.filter(
        central_town__isnull=True, key_village__parent__central_town__isnull=False
    ).values_list("pk", "key_village__parent__central_town")
    clusters = [VillageCluster(pk=pk, central_town_id=town) for pk, town in pairs]
    VillageCluster.objects.bulk_update(clusters, ["central_town"], batch_size=500)
    return len(clusters)


def seed_structure(**_) -> dict:
    """The `DEMO_SEEDERS` entry after the deliverables: the demo wrote axis nodes and clusters in bulk
    (no services), so their towns are linked here and the closure rows built once."""
    return {"town_nodes": link_town_nodes(), "clusters": link_clusters_to_towns(), "reach_rows": graph_refresh()}


# --- the closure rows, rebuilt in SQL -----------------------------------------------------------------

def _tables() -> dict:
    q = connection.ops.quote_name
    through = VillageCluster.members.through, VillageCluster.radiated_villages.through
    return {
        "reach": q(GraphReach._meta.db_table), "axis": q(DevelopmentAxis._meta.db_table),
        "node": q(AxisNode._meta.db_table), "town": q(CentralTown._meta.db_table),
        "cluster": q(VillageCluster._meta.db_table), "members": q(through[0]._meta.db_table),
        "radiated": q(through[1]._meta.db_table), "division": q(Division._meta.db_table),
        "weak": q(WeakTownship._meta.db_table), "driven": q(CentralTown.driven_townships.through._meta.db_table),
    }


_INSERT = "INSERT INTO {reach} (node_kind, node_id, county_id, member_type_id, member_id, paths) "

_CLUSTERS = """
SELECT 'cluster', r.node_id, r.county_id, r.member_type_id, r.member_id, COUNT(*) FROM (
    SELECT c.id AS node_id, c.county_id, %(cluster)s AS member_type_id, c.id AS member_id FROM {cluster} c
    UNION ALL SELECT c.id, c.county_id, %(village)s, m.division_id FROM {cluster} c
        JOIN {members} m ON m.villagecluster_id = c.id
    UNION ALL SELECT c.id, c.county_id, %(village)s, m.division_id FROM {cluster} c
        JOIN {radiated} m ON m.villagecluster_id = c.id
) r {where} GROUP BY r.node_id, r.county_id, r.member_type_id, r.member_id
"""

_TOWNS = """
SELECT 'town', r.node_id, r.county_id, r.member_type_id, r.member_id, SUM(r.paths) FROM (
    SELECT t.id AS node_id, t.county_id, %(town)s AS member_type_id, t.id AS member_id, 1 AS paths FROM {town} t
    UNION ALL SELECT t.id, t.county_id, g.member_type_id, g.member_id, g.paths FROM {town} t
        JOIN {cluster} c ON c.central_town_id = t.id
        JOIN {reach} g ON g.node_kind = 'cluster' AND g.node_id = c.id
    UNION ALL SELECT t.id, t.county_id, %(village)s, v.id, 1 FROM {town} t
        JOIN {division} v ON v.parent_id = t.division_id AND v.level = %(level)s
    UNION ALL SELECT t.id, t.county_id, %(village)s, v.id, 1 FROM {town} t
        JOIN {driven} d ON d.centraltown_id = t.id
        JOIN {weak} w ON w.id = d.weaktownship_id
        JOIN {division} v ON v.parent_id = w.division_id AND v.level = %(level)s
) r {where} GROUP BY r.node_id, r.county_id, r.member_type_id, r.member_id
"""

_AXES = """
SELECT 'axis', r.node_id, r.county_id, r.member_type_id, r.member_id, SUM(r.paths) FROM (
    SELECT a.id AS node_id, a.county_id, %(axis)s AS member_type_id, a.id AS member_id, 1 AS paths FROM {axis} a
    UNION ALL SELECT a.id, a.county_id, g.member_type_id, g.member_id, g.paths FROM {axis} a
        JOIN {node} n ON n.axis_id = a.id AND n.kind = 'central_town'
        JOIN {reach} g ON g.node_kind = 'town' AND g.node_id = n.central_town_id
    UNION ALL SELECT a.id, a.county_id, g.member_type_id, g.member_id, g.paths FROM {axis} a
        JOIN {node} n ON n.axis_id = a.id AND n.kind = 'cluster'
        JOIN {reach} g ON g.node_kind = 'cluster' AND g.node_id = n.cluster_id
    UNION ALL SELECT a.id, a.county_id, %(village)s, n.division_id, 1 FROM {axis} a
        JOIN {node} n ON n.axis_id = a.id AND n.kind = 'key_village'
    UNION ALL SELECT a.id, a.county_id, %(village)s, v.id, 1 FROM {axis} a
        JOIN {node} n ON n.axis_id = a.id AND n.kind = 'county_seat'
        JOIN {division} v ON v.parent_id = n.division_id AND v.level = %(level)s
) r {where} GROUP BY r.node_id, r.county_id, r.member_type_id, r.member_id
"""

_COUNTY = """
SELECT 'county', r.county_id, r.county_id, r.member_type_id, r.member_id, COUNT(*) FROM {reach} r
WHERE r.node_kind IN ('axis', 'town', 'cluster') {and_where}
GROUP BY r.county_id, r.member_type_id, r.member_id
"""


@transaction.atomic
def graph_refresh(*, county_ids=None) -> int:
    """Rebuild the closure rows of the given counties (all when None); returns the rows written.
    Every node's rows derive from nodes of the same county (the records' clean() keeps a town's
    clusters and an axis's nodes in the axis's county), so one county is rebuilt on its own."""
    county_ids = None if county_ids is None else sorted({c for c in county_ids if c is not None})
    if county_ids == []:
        return 0
    tables = _tables()
    cts = content_type_ids()
    params = {**{str(k): v for k, v in cts.items()}, "level": int(DivisionLevel.VILLAGE)}
    if county_ids is None:
        where, and_where, delete_where = "", "", ""
    else:
        marks = ", ".join(str(int(c)) for c in county_ids)  # ints from our own ids, never user text
        where, and_where, delete_where = (
            f"WHERE r.county_id IN ({marks})", f"AND r.county_id IN ({marks})", f" WHERE county_id IN ({marks})"
        )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {tables['reach']}{delete_where}")
        for sql in (_CLUSTERS, _TOWNS, _AXES, _COUNTY):
            cursor.execute(
                (_INSERT + sql).format(**tables, where=where, and_where=and_where), params
            )
    return GraphReach.objects.filter(**({} if county_ids is None else {"county_id__in": county_ids})).count()
