import time

from django.conf import settings
from django.contrib.auth import logout

from .models import LoginEvent
from .signals import record


class IdleSessionTimeoutMiddleware:
    """Log out a session that has been idle longer than SESSION_IDLE_TIMEOUT seconds."""

    SESSION_KEY = "_last_activity"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(self.SESSION_KEY)
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT:
                record(LoginEvent.Kind.EXPIRED, request, user)
                logout(request)
                request.session["idle_expired"] = True
            elif last is None or now - last > 60:
                # Write at most once a minute so that every request does not rewrite the session.
                request.session[self.SESSION_KEY] = now
        return self.get_response(request)
