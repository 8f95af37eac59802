"""Every login, logout and failed login is recorded with time, user and source address."""
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .auth import is_locked
from .models import LoginEvent


def client_ip(request):
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(kind, request, user=None, username=""):
    LoginEvent.objects.create(
        kind=kind,
        user=user,
        username=username or (user.get_username() if user else ""),
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:255] if request else ""),
    )


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    record(LoginEvent.Kind.LOGIN, request, user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(LoginEvent.Kind.LOGOUT, request, user)


@receiver(user_login_failed)
def on_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", "")[:150]
    user = get_user_model()._default_manager.filter(username=username).first()
    locked = user is not None and is_locked(user)
    record(LoginEvent.Kind.LOCKED if locked else LoginEvent.Kind.FAILED, request, user, username)
