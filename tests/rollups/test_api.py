"""The roll-up, board and bulletin API: scoped, filtered, in the OpenAPI schema."""
import datetime as dt

import pytest

from rollups.services import rollup_month
from projects.models import PeriodLock

SEPTEMBER = dt.date(2026, 9, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def september(history):
    rollup_month(month=SEPTEMBER)
    return history


def test_rollups_list_filters_by_month_level_and_dimension_within_the_jurisdiction(september, people, api_client):
    api_client.force_authenticate(people.manager)
    rows = api_client.get("/api/v1/rollups/", {"month": "2026-09", "level": "county", "dimension": "all", "page_size": 100}).json()
    codes = {r["division_code"] for r in rows["results"]}
    assert len(codes) == 9 and "330782" in codes and "330102" not in codes
    yiwu = next(r for r in rows["results"] if r["division_code"] == "330782")
    assert (yiwu["dispatched"], yiwu["closed"], yiwu["closure_rate"]) == (5, 3, 50.0)
    city = api_client.get("/api/v1/rollups/", {"month": "2026-09", "level": "city", "dimension": "all"}).json()["results"]
    assert [r["division_code"] for r in city] == ["330700"]
    # Province rows lie outside a city manager's jurisdiction.
    assert api_client.get("/api/v1/rollups/", {"month": "2026-09", "level": "province"}).json()["results"] == []


def test_board_api_returns_the_pages_figures(september, people, api_client):
    api_client.force_authenticate(people.manager)
    data = api_client.get("/api/v1/board/", {"month": "2026-09"}).json()
    assert data["division_code"] == "330700" and data["ranking_min_cases"] == 5
    assert data["totals"]["dispatched"] == 6 and data["totals"]["closed"] == 3
    assert [s["label"] for s in data["pipeline"]] == ["待交办", "已交办", "整改中", "已反馈", "已销号"]
    assert next(r for r in data["rows"] if r["division_code"] == "330782")["rank"] == 1


def test_board_api_refuses_county_staff(september, people, api_client):
    api_client.force_authenticate(people.yiwu_staff)
    response = api_client.get("/api/v1/board/")
    assert response.status_code == 403
    assert "error" in response.json()


def test_bulletin_generated_via_api_is_downloadable_only_within_jurisdiction(
    september, people, api_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    api_client.force_authenticate(people.manager)
    with django_capture_on_commit_callbacks(execute=True):
        created = api_client.post("/api/v1/bulletins/", {"month": "2026-09"}, format="json")
    assert created.status_code == 202
    status = api_client.get(f"/api/v1/bulletins/{created.json()['id']}/").json()
    assert status["status"] == "done" and status["division_code"] == "330700"
    response = api_client.get(status["docx_url"])
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    api_client.force_authenticate(people.dongyang_clerk)
    assert api_client.get(status["docx_url"]).status_code == 404
    assert api_client.get(f"/api/v1/bulletins/{created.json()['id']}/").status_code == 404


def test_bulletin_for_a_division_outside_the_jurisdiction_is_refused(september, people, api_client):
    api_client.force_authenticate(people.manager)
    assert api_client.post("/api/v1/bulletins/", {"month": "2026-09", "division": "330100"}, format="json").status_code == 404


def test_endpoints_are_in_the_openapi_schema(db, api_client, province_clerk):
    api_client.force_authenticate(province_clerk)
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/rollups/", "/api/v1/rollups/runs/", "/api/v1/board/", "/api/v1/bulletins/", "/api/v1/bulletins/{id}/",
                 "/api/v1/bulletins/{id}/download/{kind}/"):
        assert path in schema["paths"], path


def test_a_clerk_forces_a_locked_month_through_the_api_and_the_run_is_recorded(
    september, people, api_client, django_capture_on_commit_callbacks
):
    PeriodLock.objects.create(month=SEPTEMBER, locked_by=people.province_clerk)
    api_client.force_authenticate(people.manager)
    refused = api_client.post("/api/v1/rollups/runs/", {"month": "2026-09", "force": True, "reason": "更正"}, format="json")
    assert refused.status_code == 400 and "专班工作人员" in refused.json()["error"]["message"]
    api_client.force_authenticate(people.dongyang_clerk)
    county = api_client.post("/api/v1/rollups/runs/", {"month": "2026-09", "force": True, "reason": "更正"}, format="json")
    assert county.status_code == 400 and "省专班" in county.json()["error"]["message"]
    api_client.force_authenticate(people.province_clerk)
    no_reason = api_client.post("/api/v1/rollups/runs/", {"month": "2026-09", "force": True}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["fields"]
    with django_capture_on_commit_callbacks(execute=True):
        queued = api_client.post("/api/v1/rollups/runs/", {"month": "2026-09", "force": True, "reason": "县里更正数据"}, format="json")
    assert queued.status_code == 202
    runs = api_client.get("/api/v1/rollups/runs/", {"forced": True}).json()["results"]
    assert [(r["status"], r["requested_by"], r["reason"]) for r in runs] == [("done", people.province_clerk.username, "县里更正数据")]
