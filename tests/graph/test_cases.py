"""Cases concerning a node or anything below it: open, overdue and closed, each once, and the case
list's node filter selects the same cases (cases/graph_sets.py and rollups/graph/figures.py)."""
import pytest

from cases.filters import CaseFilter
from cases.models import Case, CaseState
from registry.periods import current_month
from rollups.graph.models import GraphSnapshot
from rollups.services import rollup_month
from tests.cases.factories import case_at, make_people

from .builders import build

pytestmark = pytest.mark.django_db
MONTH = current_month()


def test_cases_on_a_shared_village_workshop_and_a_cluster_count_once_per_node(divisions):
    people = make_people()
    b = build(MONTH.replace(month=MONTH.month - 1) if MONTH.month > 1 else MONTH)
    on_workshop = case_at(CaseState.RECTIFYING, people, concerns=b.workshops["W1"], title="工坊问题")  # W1 in v3: both clusters
    on_cluster = case_at(CaseState.CLOSED, people, concerns=b.c1, title="组团问题")
    on_village = case_at(CaseState.ASSIGNED, people, concerns=b.cluster_villages[4], title="辐射村问题")  # v5, C2 only
    case_at(CaseState.ASSIGNED, people, concerns=b.workshops["W3"], title="结构外工坊")
    rollup_month(month=MONTH)

    def figures(kind, node_id):
        s = GraphSnapshot.objects.get(month=MONTH, node_kind=kind, node_id=node_id)
        return s.cases_open, s.cases_closed

    assert figures("cluster", b.c1.pk) == (1, 1)
    assert figures("cluster", b.c2.pk) == (2, 0)
    assert figures("town", b.town.pk) == (2, 1)
    assert figures("axis", b.axis.pk) == (2, 1)
    assert figures("county", b.axis.county_id) == (2, 1)

    def listed(node):
        return set(CaseFilter({"node": node}, queryset=Case.objects.all()).qs.values_list("pk", flat=True))

    assert listed(f"cluster:{b.c1.pk}") == {on_workshop.pk, on_cluster.pk}
    assert listed(f"cluster:{b.c2.pk}") == {on_workshop.pk, on_village.pk}
    assert listed(f"axis:{b.axis.pk}") == {on_workshop.pk, on_cluster.pk, on_village.pk}
