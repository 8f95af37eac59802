"""The structure pages: each number opens exactly its projects, workshops or cases, and each page costs
the same number of queries with one node or many (rollups/graph/selectors.py)."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rollups.services import rollup_month
from tests.factories import make_user
from tests.registry.factories import YIWU, AxisFactory, ClusterFactory, division, villages

from registry.models import AxisNode, AxisNodeKind

from .builders import build

MONTH = dt.date(2026, 10, 1)
Q = "?month=2026-10"
pytestmark = pytest.mark.django_db


@pytest.fixture
def built(divisions):
    b = build(MONTH)
    rollup_month(month=MONTH)
    return b


def _login(client, role="clerk", code="330000"):
    user = make_user(role, code)
    client.force_login(user)
    return user


def _project_codes(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return {p.code for p in response.context["projects"]} if "projects" in response.context else response


def test_axis_page_shows_nodes_in_order_with_totals(client, built):
    _login(client)
    response = client.get(f"/rollups/structure/axes/{built.axis.pk}/{Q}")
    assert response.status_code == 200
    html = response.content.decode()
    rows = response.context["rows"]
    assert [r.kind_label for r in rows] == ["中心镇", "乡村片区组团", "重点村"]
    assert response.context["total"].snapshot.project_count == 3
    assert "全轴合计" in html and "axis-strip" in html
    assert "cdn" not in html.lower()
    assert "一轴一方案：尚未上传" in html
    type(built.axis).objects.filter(pk=built.axis.pk).update(plan="plans/developmentaxis/plan.pdf")
    html = client.get(f"/rollups/structure/axes/{built.axis.pk}/{Q}").content.decode()
    assert f'href="/plans/developmentaxis/{built.axis.pk}/"' in html


def test_the_node_filters_select_exactly_the_counted_sets(client, built):
    from projects.filters import ProjectFilter
    from projects.models import Project
    from registry.deliverables.filters import WorkshopFilter
    from registry.models import Workshop

    def projects(node):
        return set(ProjectFilter({"node": node}, queryset=Project.objects.all()).qs.values_list("pk", flat=True))

    p = built.projects
    assert projects(f"axis:{built.axis.pk}") == {p["P1"].pk, p["P2"].pk, p["P3"].pk}
    assert projects(f"cluster:{built.c1.pk}") == {p["P2"].pk}
    assert projects(f"town:{built.town.pk}") == {p["P1"].pk, p["P2"].pk, p["P3"].pk}
    assert projects("axis:x") == set()
    workshops = set(WorkshopFilter({"node": f"cluster:{built.c2.pk}"}, queryset=Workshop.objects.all()).qs.values_list("pk", flat=True))
    assert workshops == {built.workshops["W1"].pk}


def test_structure_board_reconciles_a_county(client, built):
    _login(client)
    response = client.get(f"/rollups/structure/{Q}&county={YIWU}")
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["summed"]["project_count"] == 8
    assert response.context["distinct"].snapshot.project_count == 3
    assert response.context["admin"].snapshot.project_count == 4
    assert "差异原因" in html and "3 个项目同时挂在多个节点" in html
    assert client.get(f"/rollups/structure/{Q}").status_code == 200


def test_county_staff_cannot_open_the_board_tab_nor_another_countys_axis(client, built):
    _login(client, "county_staff", "330783")  # 东阳
    assert client.get(f"/rollups/structure/{Q}").status_code == 403
    assert client.get(f"/rollups/structure/axes/{built.axis.pk}/{Q}").status_code == 404
    assert client.get(f"/rollups/structure/clusters/{built.c1.pk}/{Q}").status_code == 404


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_pages_take_the_same_queries_with_one_node_or_many(client, built):
    _login(client)
    urls = [
        f"/rollups/structure/axes/{built.axis.pk}/{Q}", f"/rollups/structure/towns/{Q}",
        f"/rollups/structure/towns/{built.town.pk}/{Q}", f"/rollups/structure/clusters/{built.c1.pk}/{Q}",
        f"/rollups/structure/{Q}&county={YIWU}", f"/rollups/structure/{Q}",
    ]
    for u in urls:  # warm the per-process caches (content types) first
        _count(client, u)
    before = [_count(client, u) for u in urls]
    # Grow everything: more clusters on the town and the axis, more key villages, more members.
    extra = villages(YIWU, 30, offset=60)
    for i in range(5):
        c = ClusterFactory(key_village=extra[i], members=extra[i * 5:(i + 1) * 5], central_town=built.town)
        AxisNode.objects.create(axis=built.axis, kind=AxisNodeKind.CLUSTER, cluster=c, position=10 + i)
        AxisNode.objects.create(axis=built.axis, kind=AxisNodeKind.KEY_VILLAGE, division=extra[25 + i % 5], position=20 + i)
    built.c1.members.add(*extra[:4])
    AxisFactory(county=division(YIWU))
    rollup_month(month=MONTH)
    assert [_count(client, u) for u in urls] == before


def test_every_linked_figure_of_the_structure_tab_opens_a_list_of_that_count(client, built):
    """Projects and cases of each node (and the county's distinct row) against the lists their links
    open; workshops against the workshop list's total."""
    import re

    from cases.models import Case, CaseState
    from tests.cases.factories import case_at, make_people
    from registry.periods import current_month

    people = make_people()
    case_at(CaseState.ASSIGNED, people, concerns=built.workshops["W1"], title="工坊问题")
    month = current_month()
    rollup_month(month=month)
    user = _login(client)
    from rollups.graph import selectors

    board = selectors.structure_board(user, month, YIWU)
    checked = 0
    for row in [*board["nodes"], board["distinct"]]:
        s = row.snapshot
        page = client.get(row.urls["projects"]).content.decode()
        assert int(re.findall(r'id="list-total">[^<]*?共 (\d+) 条', page)[0]) == s.project_count, row.label
        query = row.urls["cases_open"].partition("?")[2]
        assert len(client.get(f"/api/v1/cases/?{query}&page_size=200").json()["results"]) == s.cases_open, row.label
        response = client.get(row.urls["workshops"])
        assert response.status_code == 200 and response.context["paginator"].count == s.workshops, row.label
        checked += 1
    assert checked == 5 and Case.objects.count() == 1
