"""Session lifetime (idle and absolute) and the security headers every answer carries."""
import time
from datetime import datetime, timezone

from django.conf import settings
from django.contrib.auth import logout
from django.utils.cache import add_never_cache_headers

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
