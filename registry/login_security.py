"""Login failure handling (MLPS level 3): a lock per login name and a block per source address.

- A login name (whether or not an account has it) is locked for LOGIN_LOCKOUT_MINUTES after
  LOGIN_LOCKOUT_ATTEMPTS failures in a row, even to the right password. Unknown names are counted
  and locked exactly like real ones, so neither the messages, the remaining-attempts count nor the
  lock tells anyone whether a name exists.
- A source address with LOGIN_IP_MAX_FAILURES failures within LOGIN_IP_WINDOW_MINUTES is refused
  every login for LOGIN_IP_BLOCK_MINUTES. Counted over LoginEvent rows (index on address, kind,
  time): the database is the only store, so it holds with or without Redis and across processes.

Every failure, refusal, lock and block is a LoginEvent row with its address.
"""
import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from .models import LoginEvent, LoginLock

LOCKED_MESSAGE = "账号因连续登录失败已被锁定，请{minutes}分钟后再试或联系管理员解锁。"
FAILED_MESSAGE = "用户名或密码错误。再连续失败{remaining}次，该账号将被锁定{minutes}分钟。"
BLOCKED_MESSAGE = "您所在网络地址的登录失败次数过多，请{minutes}分钟后再试。"
# Failures counted against a source address: a wrong password, or any attempt on a locked name.
_ADDRESS_FAILURES = (LoginEvent.Kind.FAILED, LoginEvent.Kind.LOCKED)


@dataclass(frozen=True)
class Refusal:
    """Why a login was refused, in the words the login page shows."""

    code: str
    message: str


def client_ip(request):
    """The client's address: REMOTE_ADDR, or, behind DJANGO_TRUSTED_PROXY_COUNT reverse proxies, the
    address the outermost of them saw (X-Forwarded-For read from the right, so a client cannot
    choose its own address by sending the header)."""
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def record(kind, request, user=None, username=""):
    LoginEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or (user.get_username() if user else ""))[:150],
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:255] if request else ""),
    )


def _minutes_left(until) -> int:
    return max(1, math.ceil((until - timezone.now()).total_seconds() / 60))


# --- per login name ---------------------------------------------------------------------------------


def name_lock_refusal(username: str) -> Refusal | None:
    """The refusal for a name locked now, else None."""
    until = LoginLock.objects.filter(username=username, locked_until__gt=timezone.now()).values_list(
        "locked_until", flat=True
    ).first()
    return None if until is None else Refusal("locked", LOCKED_MESSAGE.format(minutes=_minutes_left(until)))


def name_failure(username: str) -> tuple[bool, Refusal]:
    """Count one failure for the name; lock it at the limit. Returns (locked now, refusal)."""
    with transaction.atomic():
        lock, _ = LoginLock.objects.select_for_update().get_or_create(username=username)
        LoginLock.objects.filter(pk=lock.pk).update(failures=F("failures") + 1)
        lock.refresh_from_db(fields=["failures"])
        remaining = settings.LOGIN_LOCKOUT_ATTEMPTS - lock.failures
        if remaining > 0:
            return False, Refusal("invalid_login", FAILED_MESSAGE.format(
                remaining=remaining, minutes=settings.LOGIN_LOCKOUT_MINUTES))
        until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        LoginLock.objects.filter(pk=lock.pk).update(failures=0, locked_until=until)
    return True, Refusal("locked", LOCKED_MESSAGE.format(minutes=settings.LOGIN_LOCKOUT_MINUTES))


def name_success(username: str) -> None:
    LoginLock.objects.filter(username=username).delete()


def unlock(usernames, request) -> int:
    """An administrator lifts the lock of these names (recorded)."""
    count, _ = LoginLock.objects.filter(username__in=list(usernames)).delete()
    for username in usernames:
        record(LoginEvent.Kind.UNLOCKED, request, username=username)
    return count


# --- per source address -----------------------------------------------------------------------------


def address_block_refusal(ip) -> Refusal | None:
    """The refusal for an address blocked now, else None."""
    if not ip or settings.LOGIN_IP_MAX_FAILURES <= 0:
        return None
    started = _last_block(ip)
    if started is None:
        return None
    until = started + timedelta(minutes=settings.LOGIN_IP_BLOCK_MINUTES)
    if until <= timezone.now():
        return None
    return Refusal("address_blocked", BLOCKED_MESSAGE.format(minutes=_minutes_left(until)))


def address_failure(request) -> Refusal | None:
    """After a failure from this address was recorded: block the address when it reached the limit
    within the window (counting only failures since its last block ended)."""
    ip = client_ip(request)
    if not ip or settings.LOGIN_IP_MAX_FAILURES <= 0:
        return None
    now = timezone.now()
    since = now - timedelta(minutes=settings.LOGIN_IP_WINDOW_MINUTES)
    last_block = _last_block(ip)
    if last_block is not None:
        since = max(since, last_block + timedelta(minutes=settings.LOGIN_IP_BLOCK_MINUTES))
    failures = LoginEvent.objects.filter(ip_address=ip, kind__in=_ADDRESS_FAILURES, created_at__gt=since).count()
    if failures < settings.LOGIN_IP_MAX_FAILURES:
        return None
    record(LoginEvent.Kind.IP_BLOCKED, request)
    return Refusal("address_blocked", BLOCKED_MESSAGE.format(minutes=settings.LOGIN_IP_BLOCK_MINUTES))


def _last_block(ip):
    return LoginEvent.objects.filter(ip_address=ip, kind=LoginEvent.Kind.IP_BLOCKED).aggregate(at=Max("created_at"))["at"]
