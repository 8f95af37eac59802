"""The closure rows: what each node reaches, each member once (registry/deliverables/graph.py)."""
import datetime as dt

import pytest

from registry.deliverables import graph
from registry.models import GraphReach

from .builders import build

MONTH = dt.date(2026, 10, 1)
pytestmark = pytest.mark.django_db


def village_ids(kind, node_id):
    return set(graph.reached_village_ids(kind, node_id).values_list("member_id", flat=True))


def test_village_in_two_clusters_is_one_row_of_their_town_with_two_paths(divisions):
    b = build(MONTH)
    v1, v2, v3, v4, v5 = (v.pk for v in b.cluster_villages)
    assert village_ids("cluster", b.c1.pk) == {v1, v2, v3}
    assert village_ids("cluster", b.c2.pk) == {v3, v4, v5}
    town = village_ids("town", b.town.pk)
    assert town == {v1, v2, v3, v4, v5} | {v.pk for v in b.town_villages}
    ct_village = graph.content_type_ids()["village"]
    row = GraphReach.objects.get(node_kind="town", node_id=b.town.pk, member_type_id=ct_village, member_id=v3)
    assert row.paths == 2


def test_axis_reaches_its_town_clusters_and_key_village_once(divisions):
    b = build(MONTH)
    axis = village_ids("axis", b.axis.pk)
    assert axis == {v.pk for v in b.cluster_villages} | {v.pk for v in b.town_villages} | {b.key_village.pk}
    records = set(graph.reached_records("axis", b.axis.pk).values_list("member_type_id", "member_id"))
    cts = graph.content_type_ids()
    assert records == {(cts["axis"], b.axis.pk), (cts["town"], b.town.pk), (cts["cluster"], b.c1.pk), (cts["cluster"], b.c2.pk)}
    # C2 is reached on the axis both directly and through the town: one row, two routes.
    row = GraphReach.objects.get(node_kind="axis", node_id=b.axis.pk, member_type_id=cts["cluster"], member_id=b.c2.pk)
    assert row.paths == 2


def test_refreshing_one_county_twice_changes_nothing(divisions):
    b = build(MONTH)
    before = sorted(GraphReach.objects.values_list("node_kind", "node_id", "member_type_id", "member_id", "paths"))
    graph.graph_refresh(county_ids={b.axis.county_id})
    graph.graph_refresh(county_ids={b.axis.county_id})
    after = sorted(GraphReach.objects.values_list("node_kind", "node_id", "member_type_id", "member_id", "paths"))
    assert before == after
    county = GraphReach.objects.filter(node_kind="county", node_id=b.axis.county_id)
    assert county.filter(member_id=b.cluster_villages[2].pk, member_type_id=graph.content_type_ids()["village"]).get().paths == 4


def test_a_cluster_saved_through_its_service_refreshes_its_county(divisions, yiwu_clerk):
    from registry.deliverables import services

    b = build(MONTH)
    services.cluster_update(actor=yiwu_clerk, instance=b.c1, data={"radiated_villages": [b.key_village]}, reason="测试")
    assert b.key_village.pk in village_ids("cluster", b.c1.pk)
    assert b.key_village.pk in village_ids("town", b.town.pk)


def test_parse_node_refuses_anything_else():
    assert graph.parse_node("axis:12") == ("axis", 12)
    for bad in ("", "axis", "axis:x", "road:1", "axis:0", "axis:-1", f"axis:{2**63}"):
        assert graph.parse_node(bad) is None


def test_demo_structure_step_links_bulk_written_town_nodes_and_clusters(divisions):
    from registry.models import AxisNode, AxisNodeKind, VillageCluster
    from tests.registry.factories import AxisFactory, CentralTownFactory, ClusterFactory, townships

    township = townships("330782", 1, offset=5)[0]
    town = CentralTownFactory(division=township)
    village = township.children.filter(level=5).order_by("code").first()
    cluster = ClusterFactory(key_village=village, members=[village])
    axis = AxisFactory()
    AxisNode.objects.bulk_create([AxisNode(axis=axis, kind=AxisNodeKind.CENTRAL_TOWN, division=township, position=1)])
    result = graph.seed_structure()
    assert result["town_nodes"] == 1 and result["clusters"] == 1
    assert axis.nodes.get().central_town == town
    assert VillageCluster.objects.get(pk=cluster.pk).central_town == town
    assert village.pk in village_ids("axis", axis.pk)
