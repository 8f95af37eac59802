import pytest
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


def test_schema_and_docs_are_served_locally_to_signed_in_users(client, api_client, province_clerk):
    assert client.get("/api/schema/").status_code == 403
    assert client.get("/api/docs/")["Location"].startswith("/login/")
    client.force_login(province_clerk)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/divisions/" in text and "/api/v1/organisations/" in text and "/api/v1/me/" in text
    docs = client.get("/api/docs/").content.decode()
    assert "swagger" in docs.lower()
    assert "cdn" not in docs.lower() and "unpkg" not in docs.lower()
    assert "<script>" not in docs  # its start-up script is a file, as the CSP requires
    script = client.get("/api/docs/", {"script": ""})
    assert script["Content-Type"].startswith("application/javascript") and "/api/schema/" in script.content.decode()


def test_the_schema_is_generated_once_per_process(client, province_clerk):
    from registry.api.schema import _schema

    client.force_login(province_clerk)
    client.get("/api/schema/", {"format": "json"})
    generated = _schema.cache_info().misses
    first = client.get("/api/schema/", {"format": "json"}).json()
    second = client.get("/api/schema/", {"format": "json"}).json()
    assert _schema.cache_info().misses == generated and first == second


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


@pytest.mark.parametrize("method, body, content_type, status, words", [
    ("post", b'{"title": ', "application/json", 400, "请求内容无法解析"),
    ("post", b"title", "text/plain", 415, "不支持的请求内容类型“text/plain”"),
    ("delete", b"", "application/json", 405, "该地址不支持 DELETE 请求。"),
])
def test_framework_refusals_are_chinese_in_the_error_shape(api_client, yiwu_clerk, method, body, content_type, status, words):
    api_client.force_authenticate(yiwu_clerk)
    path = "/api/v1/ping/" if method == "delete" else "/api/v1/cases/"
    response = getattr(api_client, method)(path, data=body, content_type=content_type)
    assert response.status_code == status
    error = response.json()["error"]
    assert words in error["message"] and error["status"] == status and set(error) == {"code", "message", "status"}


def test_not_signed_in_and_bad_token_are_chinese(api_client, divisions):
    assert api_client.get("/api/v1/cases/").json()["error"]["message"] == "请先登录。"
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = api_client.get("/api/v1/cases/")
    # 403 rather than 401: session authentication comes first, and it has no WWW-Authenticate scheme.
    assert response.status_code == 403 and "身份认证失败" in response.json()["error"]["message"]


def test_throttled_is_chinese_with_the_wait(yiwu_clerk):
    from rest_framework.test import APIRequestFactory, force_authenticate
    from rest_framework.throttling import BaseThrottle
    from rest_framework.views import APIView

    class Never(BaseThrottle):
        def allow_request(self, request, view):
            return False

        def wait(self):
            return 2.5

    class Limited(APIView):
        throttle_classes = [Never]

    request = APIRequestFactory().get("/api/v1/limited/")
    force_authenticate(request, yiwu_clerk)
    response = Limited.as_view()(request)
    assert response.status_code == 429
    assert response.data["error"]["message"] == "请求过于频繁，请3秒后再试。" and response["Retry-After"] == "3"


def test_csrf_failure_is_chinese(divisions, yiwu_clerk):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(yiwu_clerk)
    response = client.post("/api/v1/cases/", data={}, content_type="application/json")
    assert response.status_code == 403 and "CSRF" in response.json()["error"]["message"]
    assert "刷新页面" in response.json()["error"]["message"]


def test_password_rule_refusals_have_the_error_shape_in_chinese():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from registry.api.errors import exception_handler

    with pytest.raises(ValidationError) as refused:
        validate_password("Ab1!")
    response = exception_handler(refused.value, {})
    assert response.status_code == 400
    assert response.data == {"error": {"code": "invalid", "message": "密码太短，至少需要8个字符。", "status": 400}}
