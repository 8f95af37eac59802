"""Every login and logout is recorded with time, user and source address (failures and refusals are
recorded by the login backend, which knows why: registry.login_security)."""
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from .login_security import record
from .models import LoginEvent
from .middleware import start_session_clock


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    record(LoginEvent.Kind.LOGIN, request, user)
    start_session_clock(request)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(LoginEvent.Kind.LOGOUT, request, user)
