"""Login lock-out: after N failures in a row an account is locked for M minutes, even to the right password."""
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

LOCKED_MESSAGE = "账号因连续登录失败已被锁定，请{minutes}分钟后再试或联系管理员解锁。"


def is_locked(user) -> bool:
    return user.locked_until is not None and user.locked_until > timezone.now()


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            User().set_password(password)  # same work as a real check, so timing leaks nothing
            return None
        if is_locked(user):
            # PermissionDenied stops Django trying other backends and fires user_login_failed.
            raise PermissionDenied(LOCKED_MESSAGE.format(minutes=settings.LOGIN_LOCKOUT_MINUTES))
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_login_count:
                User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
            return user
        record_failure(user)
        return None

    def get_user(self, user_id):
        # Every request reads the user's unit and its division (jurisdiction, menus): one query, not three.
        User = get_user_model()
        try:
            user = User._default_manager.select_related("organisation__division").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def record_failure(user) -> bool:
    """Count one failed login; lock the account when the limit is reached. Returns True if now locked."""
    User = get_user_model()
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
        user.refresh_from_db(fields=["failed_login_count", "locked_until"])
        if user.failed_login_count >= settings.LOGIN_LOCKOUT_ATTEMPTS:
            until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            User.objects.filter(pk=user.pk).update(locked_until=until, failed_login_count=0)
            user.locked_until = until
            return True
    return False
