"""Session lifetime (idle and absolute), the security headers every answer carries, and the guard that
refuses control characters and out-of-range ids before any view sees them."""
import re
import time
from datetime import datetime, timezone

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from .inputs import CONTROL_MESSAGE, has_control_characters
from .login_security import record
from .models import LoginEvent

LOGIN_AT = "_login_at"
LAST_ACTIVITY = "_last_activity"
# Set in the fresh session after a forced logout; the login page says why (registry.views.LoginView).
LOGOUT_REASON = "logout_reason"


def start_session_clock(request) -> None:
    """At login: the session ends SESSION_COOKIE_AGE seconds from now whatever the activity. The
    expiry is also fixed as a date, so the cookie and the stored session do not renew either."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[LAST_ACTIVITY] = now
    request.session.set_expiry(datetime.fromtimestamp(now + settings.SESSION_COOKIE_AGE, tz=timezone.utc))


class SessionTimeoutMiddleware:
    """Log out a session idle longer than SESSION_IDLE_TIMEOUT seconds, or older than
    SESSION_COOKIE_AGE seconds since its login (absolute: activity does not extend it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            self._check(request, user)
        return self.get_response(request)

    @staticmethod
    def _check(request, user):
        session = request.session
        now = int(time.time())
        login_at, last = session.get(LOGIN_AT), session.get(LAST_ACTIVITY)
        if login_at is not None and now - login_at > settings.SESSION_COOKIE_AGE:
            reason = "lifetime"
        elif last is not None and now - last > settings.SESSION_IDLE_TIMEOUT:
            reason = "idle"
        else:
            if login_at is None:  # a session from before the login time was kept: its clock starts now
                start_session_clock(request)
            elif last is None or now - last > 60:
                # Write at most once a minute so that every request does not rewrite the session.
                session[LAST_ACTIVITY] = now
            return
        record(LoginEvent.Kind.EXPIRED, request, user)
        logout(request)
        request.session[LOGOUT_REASON] = reason


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every answer; nothing personal kept by a browser or proxy cache:
    pages of a signed-in user and every API answer are ``Cache-Control: no-store``."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response


# A number in a path beyond bigint can name no row (and some databases raise on the comparison
# instead of finding nothing).
_LONG_NUMBER = re.compile(r"/(\d{19,})(?=/|$)")
_BIGINT_MAX = 2**63 - 1


class InputGuardMiddleware:
    """Refuse what no form or serializer gets to see: control characters in the path or the query
    string (PostgreSQL refuses NUL in text: a 500 on any filter), and ids beyond bigint in the path.
    Bodies are checked by the forms (registry.inputs) and the API's parsers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control_characters(request.path) or any(
            has_control_characters(key) or any(has_control_characters(v) for v in values)
            for key, values in request.GET.lists()
        ):
            return bad_request_response(request, "请求地址或查询条件" + CONTROL_MESSAGE)
        if any(len(n) > 19 or int(n) > _BIGINT_MAX for n in _LONG_NUMBER.findall(request.path)):
            if not _is_api(request):
                raise Http404("对象不存在或不在您的管辖范围内。")  # the product's 404 page
            return _api_error(404, "not_found", "对象不存在或不在您的管辖范围内。")
        return self.get_response(request)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _api_error(status: int, code: str, message: str) -> JsonResponse:
    # The shape of registry.api.errors, for answers given before DRF sees the request.
    return JsonResponse({"error": {"code": code, "message": message, "status": status}}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def bad_request_response(request, message: str):
    """A 400: the API's JSON error under /api/, a Chinese page elsewhere."""
    if _is_api(request):
        return _api_error(400, "invalid", message)
    return render(request, "400.html", {"message": message}, status=400)


def bad_request(request, exception=None):
    """handler400: Django's SuspiciousOperation answers, e.g. a body over DATA_UPLOAD_MAX_MEMORY_SIZE
    (RequestDataTooBig), in the product's shape instead of Django's plain English page."""
    if isinstance(exception, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        message = f"提交的数据过大或字段过多（表单数据上限 {limit:.1f} MB；上传文件请使用文件上传功能）。"
    else:
        message = "请求无效，请刷新页面后重试。"
    return bad_request_response(request, message)
