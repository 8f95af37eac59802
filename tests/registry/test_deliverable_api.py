"""The deliverable API: scoping, who may write, Chinese errors, history and constant query counts."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.history import history_for
from registry.models import AxisNodeKind, Division, CentralTown, Workshop, WorkshopReport

from .factories import DONGYANG, YIWU, CentralTownFactory, WorkshopFactory, townships, villages
from .record_builders import BUILDERS

pytestmark = pytest.mark.django_db
ENDPOINTS = sorted(BUILDERS)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_county_staff_see_only_their_county(endpoint, api_client, yiwu_staff):
    build = BUILDERS[endpoint][1]
    own, other = build(YIWU, 0), build(DONGYANG, 0)
    api_client.force_authenticate(yiwu_staff)
    listing = api_client.get(f"/api/v1/{endpoint}/").json()
    assert listing["count"] == 1
    assert [row["id"] for row in listing["results"]] == [own.pk]
    assert api_client.get(f"/api/v1/{endpoint}/{own.pk}/").status_code == 200
    response = api_client.get(f"/api/v1/{endpoint}/{other.pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "对象不存在或不在您的管辖范围内。"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_province_clerk_filters_by_county(endpoint, api_client, province_clerk):
    build = BUILDERS[endpoint][1]
    build(YIWU, 0)
    other = build(DONGYANG, 0)
    api_client.force_authenticate(province_clerk)
    assert api_client.get(f"/api/v1/{endpoint}/").json()["count"] == 2
    filtered = api_client.get(f"/api/v1/{endpoint}/", {"county": DONGYANG}).json()
    assert [row["id"] for row in filtered["results"]] == [other.pk]
    assert api_client.get(f"/api/v1/{endpoint}/", {"city": "330700"}).json()["count"] == 2
    assert api_client.get(f"/api/v1/{endpoint}/", {"city": "330100"}).json()["count"] == 0


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_list_query_count_does_not_grow_with_rows(endpoint, api_client, province_clerk):
    build = BUILDERS[endpoint][1]
    api_client.force_authenticate(province_clerk)

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert api_client.get(f"/api/v1/{endpoint}/").status_code == 200
        return len(ctx.captured_queries)

    counties = list(Division.objects.filter(level=3).order_by("code").values_list("code", flat=True)[:10])
    for n in range(2):
        build(counties[n % 10], n // 10)
    few = count_queries()
    for n in range(2, 20):
        build(counties[n % 10], n // 10)
    assert count_queries() == few


def test_workshop_filters_and_chinese_name_search(api_client, province_clerk):
    WorkshopFactory(name="佛堂来料加工工坊", type="processing")
    WorkshopFactory(name="赤岸电商直播工坊", type="livestream", status="suspended")
    api_client.force_authenticate(province_clerk)
    names = lambda **q: [r["name"] for r in api_client.get("/api/v1/workshops/", q).json()["results"]]  # noqa: E731
    assert names(q="直播") == ["赤岸电商直播工坊"]
    assert names(type="processing") == ["佛堂来料加工工坊"]
    assert names(status="suspended") == ["赤岸电商直播工坊"]
    assert names(mountain_island="true") == []


def test_county_staff_cannot_write_deliverables(api_client, yiwu_staff):
    api_client.force_authenticate(yiwu_staff)
    response = api_client.post("/api/v1/central-towns/", {"division": townships(YIWU)[0].code, "track": "industry"})
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "只有专班工作人员可以新建或修改台账。"
    assert not CentralTown.objects.exists()


def test_clerk_creates_and_invalid_input_gets_chinese_field_errors(api_client, yiwu_clerk):
    api_client.force_authenticate(yiwu_clerk)
    bad = api_client.post("/api/v1/central-towns/", {"division": villages(YIWU)[0].code, "track": "industry"})
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"] == {"division": ["只有乡镇级区划才能认定为中心镇。"]}
    good = api_client.post("/api/v1/central-towns/", {"division": townships(YIWU)[0].code, "track": "industry"})
    assert good.status_code == 201, good.json()
    assert good.json()["county"] == YIWU
    outside = api_client.post("/api/v1/central-towns/", {"division": townships(DONGYANG)[0].code, "track": "industry"})
    assert outside.status_code == 400
    assert outside.json()["error"]["message"] == "所选区划不在您的管辖范围内。"
    assert CentralTown.objects.count() == 1


def test_patch_records_history_with_reason(api_client, province_clerk):
    town = CentralTownFactory(track="industry")
    api_client.force_authenticate(province_clerk)
    response = api_client.patch(f"/api/v1/central-towns/{town.pk}/", {"track": "tourism", "reason": "类型调整"}, format="json")
    assert response.status_code == 200
    assert response.json()["track_display"] == "文旅名镇"
    record = history_for(town).get()
    assert (record.field, record.old_value, record.new_value, record.reason) == ("track", "工业重镇", "文旅名镇", "类型调整")


def test_axis_created_with_nodes(api_client, province_clerk):
    api_client.force_authenticate(province_clerk)
    payload = {
        "name": "义乌南部发展轴", "county": YIWU, "batch": 1,
        "nodes": [
            {"kind": AxisNodeKind.COUNTY_SEAT, "division": townships(YIWU)[0].code},
            {"kind": AxisNodeKind.KEY_VILLAGE, "division": villages(DONGYANG)[0].code},
        ],
    }
    refused = api_client.post("/api/v1/axes/", payload, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"nodes": ["第2个节点：节点须位于发展轴所在县（市、区）内。"]}
    payload["nodes"][1]["division"] = villages(YIWU)[0].code
    created = api_client.post("/api/v1/axes/", payload, format="json")
    assert created.status_code == 201
    assert [n["kind"] for n in created.json()["nodes"]] == ["county_seat", "key_village"]


def test_county_staff_submit_and_correct_workshop_reports(api_client, yiwu_staff):
    own, other = WorkshopFactory(), WorkshopFactory(village=villages(DONGYANG)[0])
    api_client.force_authenticate(yiwu_staff)
    figures = {"period": "2025-04-01", "employed": 20, "low_income_employed": 3, "avg_monthly_income_gain": "2500.00"}
    created = api_client.post("/api/v1/workshop-reports/", {**figures, "workshop": own.pk})
    assert created.status_code == 201, created.json()
    again = api_client.post("/api/v1/workshop-reports/", {**figures, "workshop": own.pk})
    assert again.status_code == 400
    assert again.json()["error"]["message"] == "该工坊本月数据已填报，如需修改请更正原记录。"
    outside = api_client.post("/api/v1/workshop-reports/", {**figures, "workshop": other.pk})
    assert outside.status_code == 400
    report_id = created.json()["id"]
    no_reason = api_client.patch(f"/api/v1/workshop-reports/{report_id}/", {"employed": 22}, format="json")
    assert no_reason.json()["error"]["fields"] == {"reason": ["更正已填报的数据须说明原因。"]}
    corrected = api_client.patch(f"/api/v1/workshop-reports/{report_id}/", {"employed": 22, "reason": "补录"}, format="json")
    assert corrected.status_code == 200
    report = WorkshopReport.objects.get()
    assert (report.employed, report.period) == (22, dt.date(2025, 4, 1))
    assert history_for(report).filter(field="employed", action="update").get().old_value == "20"


def test_manager_reads_but_cannot_write(api_client, province_manager):
    WorkshopFactory()
    api_client.force_authenticate(province_manager)
    assert api_client.get("/api/v1/workshops/").json()["count"] == 1
    response = api_client.post("/api/v1/workshops/", {"name": "x", "village": villages(YIWU)[0].code, "type": "brand", "pairing_form": "one_one"})
    assert response.status_code == 403
    assert Workshop.objects.count() == 1


def test_every_deliverable_endpoint_is_in_the_schema(api_client, province_clerk):
    api_client.force_authenticate(province_clerk)
    paths = api_client.get("/api/schema/", {"format": "json"}).json()["paths"]
    for endpoint in ENDPOINTS:
        assert {"get", "post"} <= set(paths[f"/api/v1/{endpoint}/"])
        assert {"get", "put", "patch"} <= set(paths[f"/api/v1/{endpoint}/{{id}}/"])
