from django.core.management import call_command
from rest_framework.authtoken.models import Token


def test_unauthenticated_gets_structured_chinese_error(api_client, divisions):
    response = api_client.get("/api/v1/divisions/")
    assert response.status_code in (401, 403)
    error = response.json()["error"]
    assert error["status"] == response.status_code
    assert "登录" in error["message"] or "认证" in error["message"]


def test_token_authentication_with_drf_create_token(api_client, yiwu_staff, capsys):
    call_command("drf_create_token", yiwu_staff.username)
    token = Token.objects.get(user=yiwu_staff).key
    assert token in capsys.readouterr().out
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/").json()
    assert me["username"] == yiwu_staff.username
    assert me["jurisdiction"]["code"] == "330782"
    assert me["role_display"] == "县乡工作人员"


def test_division_filters(api_client, province_clerk):
    api_client.force_authenticate(province_clerk)

    def count(**params):
        return api_client.get("/api/v1/divisions/", params).json()["count"]

    assert count(level=3) == 90
    assert count(level=3, mountain_island="true") == 28
    assert count(level=3, parent="330700") == 9
    assert count(code_prefix="330782", level=4) == count(parent="330782")
    assert count(level=3, index_class="mountain_island") == 28
    page = api_client.get("/api/v1/divisions/", {"level": 2, "page_size": 5}).json()
    assert [d["code"] for d in page["results"]] == ["330100", "330200", "330300", "330400", "330500"]


def test_invalid_filter_value_is_a_structured_400(api_client, province_clerk):
    api_client.force_authenticate(province_clerk)
    response = api_client.get("/api/v1/divisions/", {"level": "九"})
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "invalid" and "level" in body["fields"]


def test_schema_and_docs_are_served_locally(client, api_client, province_clerk):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/divisions/" in text and "/api/v1/organisations/" in text and "/api/v1/me/" in text
    client.force_login(province_clerk)
    docs = client.get("/api/docs/").content.decode()
    assert "swagger" in docs.lower()
    assert "cdn" not in docs.lower() and "unpkg" not in docs.lower()


def test_healthz_ok(client, divisions, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


def test_healthz_reports_unreachable_broker(client, divisions, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "ok" and checks["broker"].startswith("error")


def test_healthz_reports_live_broker(client, divisions, settings):
    import os

    import pytest

    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL not set")
    settings.REDIS_URL = os.environ["REDIS_URL"]
    assert client.get("/healthz").json()["checks"]["broker"] == "ok"


def test_ping_needs_authentication(api_client, yiwu_staff):
    assert api_client.get("/api/v1/ping/").status_code in (401, 403)
    api_client.force_authenticate(yiwu_staff)
    assert api_client.get("/api/v1/ping/").json() == {"ok": True}


def test_about_page(client, yiwu_staff):
    client.force_login(yiwu_staff)
    assert "缩小“三大差距”" in client.get("/about/").content.decode()
