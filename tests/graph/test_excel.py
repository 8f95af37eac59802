"""Excel round-trips of the structure's relations: axis nodes, cluster villages, workshop partners
(registry/deliverables/excel_graph.py); villages by code or path, a wrong level is a per-cell error."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry.deliverables.excel_graph import CLUSTER_VILLAGES, NODES, PARTNERS
from registry.models import ChangeRecord
from tests.excel.workbooks import fill, sheet_rows
from tests.factories import make_user, org_for
from tests.registry.factories import YIWU, townships, villages

from .builders import build

pytestmark = pytest.mark.django_db
MONTH = dt.date(2026, 10, 1)


def upload(client, key, content):
    return client.post(reverse(f"{key}_excel_import"), {"file": SimpleUploadedFile("导入.xlsx", content)})


def export(client, key):
    response = client.get(reverse(f"{key}_excel_export"))
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("key,spec", [("axis_nodes", NODES), ("cluster_villages", CLUSTER_VILLAGES), ("workshop_partners", PARTNERS)])
def test_an_export_reimports_as_unchanged(key, spec, client, divisions):
    b = build(MONTH)
    b.workshops["W1"].partner_enterprises.set([org_for(YIWU, name="义乌测试企业")])
    client.force_login(make_user("clerk", "330000"))
    content = export(client, key)
    history = ChangeRecord.objects.count()
    report = upload(client, key, content).context["report"]
    assert not report.errors and not report.file_error
    assert report.created == 0 and report.updated == 0 and report.unchanged > 0
    assert ChangeRecord.objects.count() == history
    assert sheet_rows(export(client, key), spec.title) == sheet_rows(content, spec.title)


def test_nodes_import_by_code_and_path_replaces_the_axis_nodes_in_order(client, divisions):
    b = build(MONTH)
    client.force_login(make_user("clerk", "330000"))
    seat = townships(YIWU, 1)[0]
    rows = [
        ["义乌市", b.axis.name, 1, "县城", seat.code, None],
        ["义乌市", b.axis.name, 2, "中心镇", b.town.division.full_name, None],
        ["义乌市", b.axis.name, 3, "乡村片区组团", None, b.c1.name],
    ]
    report = upload(client, "axis_nodes", fill(NODES, rows)).context["report"]
    assert not report.errors, report.errors
    assert report.updated == 1
    nodes = list(b.axis.nodes.order_by("position"))
    assert [(n.kind, n.central_town_id, n.cluster_id) for n in nodes] == [
        ("county_seat", None, None), ("central_town", b.town.pk, None), ("cluster", None, b.c1.pk),
    ]


def test_a_wrong_level_is_a_per_cell_error_and_nothing_is_saved(client, divisions):
    b = build(MONTH)
    client.force_login(make_user("clerk", "330000"))
    township = townships(YIWU, 1)[0]
    rows = [["义乌市", b.c1.name, f"{villages(YIWU, 1)[0].code}、{township.code}", None, None]]
    report = upload(client, "cluster_villages", fill(CLUSTER_VILLAGES, rows)).context["report"]
    [error] = report.errors
    assert error.column_header == "成员村" and "只接受村（社区）级" in error.message_zh
    # A village where an axis's central town must be a township: the node rule, on its row.
    rows = [["义乌市", b.axis.name, 1, "中心镇", villages(YIWU, 1)[0].code, None]]
    report = upload(client, "axis_nodes", fill(NODES, rows)).context["report"]
    assert report.errors and "乡镇级区划" in report.errors[0].message_zh
    assert b.axis.nodes.count() == 3
