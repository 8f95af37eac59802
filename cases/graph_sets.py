"""The cases that concern a node of the programme's structure, written once for the case list's filter
and read by the structure roll-up (rollups/graph/figures.py joins the same three routes in SQL):
a case concerns the node when it concerns a record the node reaches (the axis, a town, a cluster), a
village it reaches, or a workshop in one of those villages (registry/deliverables/graph.py)."""
from django.db.models import Exists, OuterRef, Q

from registry.deliverables import graph
from registry.models import Workshop


def concerning_node_q(kind: str, node_id: int) -> Q:
    cts = graph.content_type_ids()
    reached = graph.reach(kind, node_id).filter(member_type_id=OuterRef("content_type_id"), member_id=OuterRef("object_id"))
    workshops = graph.workshops_of_node(Workshop.objects.all(), kind, node_id).values("pk")
    return Q(Exists(reached)) | Q(content_type_id=cts["workshop"], object_id__in=workshops)


def concerned_types() -> list[int]:
    """The content types a structure case can concern (the roll-up's per-case query reads only these)."""
    cts = graph.content_type_ids()
    return [cts["axis"], cts["town"], cts["cluster"], cts["village"], cts["workshop"]]
