import time
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from registry.models import LoginEvent, LoginLock
from tests.factories import TEST_PASSWORD


def post_login(client, username, password, ip="10.1.2.3"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_the_account_even_for_the_right_password(client, yiwu_staff):
    for remaining in (4, 3, 2, 1):
        html = post_login(client, yiwu_staff.username, "Wrong@123").content.decode()
        assert f"用户名或密码错误。再连续失败{remaining}次，该账号将被锁定30分钟。" in html
    html = post_login(client, yiwu_staff.username, "Wrong@123").content.decode()
    assert "账号因连续登录失败已被锁定" in html
    assert LoginLock.objects.get(username=yiwu_staff.username).locked_until > timezone.now() + timedelta(minutes=29)
    response = post_login(client, yiwu_staff.username, TEST_PASSWORD)
    assert response.status_code == 200 and "已被锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    kinds = list(LoginEvent.objects.filter(username=yiwu_staff.username).values_list("kind", flat=True))
    assert kinds.count("failed") == 4 and kinds.count("locked") == 2


def test_lock_expires_after_thirty_minutes(client, yiwu_staff):
    LoginLock.objects.create(username=yiwu_staff.username, locked_until=timezone.now() - timedelta(seconds=1))
    response = post_login(client, yiwu_staff.username, TEST_PASSWORD)
    assert response.status_code == 302
    assert not LoginLock.objects.filter(username=yiwu_staff.username).exists()


def test_success_resets_the_failure_count(client, yiwu_staff):
    for _ in range(3):
        post_login(client, yiwu_staff.username, "Wrong@123")
    assert LoginLock.objects.get(username=yiwu_staff.username).failures == 3
    assert post_login(client, yiwu_staff.username, TEST_PASSWORD).status_code == 302
    assert not LoginLock.objects.filter(username=yiwu_staff.username).exists()


def test_login_logout_and_failures_are_recorded_with_source_address(client, yiwu_staff):
    post_login(client, "no-such-user", "x", ip="10.9.9.9")
    post_login(client, yiwu_staff.username, TEST_PASSWORD, ip="10.1.1.1")
    client.post(reverse("logout"), REMOTE_ADDR="10.1.1.1")
    events = list(LoginEvent.objects.order_by("id").values_list("kind", "username", "ip_address"))
    assert events == [
        ("failed", "no-such-user", "10.9.9.9"),
        ("login", yiwu_staff.username, "10.1.1.1"),
        ("logout", yiwu_staff.username, "10.1.1.1"),
    ]


@pytest.mark.parametrize("password", ["Ab1!", "abcdefgh12", "ABCDEFGHIJ", "zhejiang"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_strong_password_accepted():
    validate_password("Qianwan@2026")


def test_idle_session_expires(client, yiwu_staff, settings):
    settings.SESSION_IDLE_TIMEOUT = 1800
    client.force_login(yiwu_staff)
    assert client.get(reverse("home")).status_code == 200
    _age_session_and_expect_logout(client, yiwu_staff, "_last_activity", 1801, "长时间未操作")


def _age_session_and_expect_logout(client, user, clock, seconds_ago, words):
    """Set one of the session's clocks back; the next page logs out, records it and says why."""
    session = client.session
    session[clock] = int(time.time()) - seconds_ago
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert LoginEvent.objects.filter(kind="expired", user=user).exists()
    assert words in client.get(reverse("login")).content.decode()


def test_active_session_is_kept(client, yiwu_staff):
    client.force_login(yiwu_staff)
    session = client.session
    session["_last_activity"] = int(time.time()) - 600
    session.save()
    assert client.get(reverse("home")).status_code == 200


def _login_messages(client, username, attempts, ip):
    return [_error_text(post_login(client, username, "Wrong@123", ip=ip)) for _ in range(attempts)]


def _error_text(response):
    html = response.content.decode()
    start = html.index('class="alert alert-danger"')
    return html[html.index(">", start) + 1 : html.index("</div>", start)]


def test_an_unknown_name_is_counted_and_locked_like_a_real_one(client, yiwu_staff):
    known = _login_messages(client, yiwu_staff.username, 6, ip="10.0.0.1")
    unknown = _login_messages(client, "nobody-here", 6, ip="10.0.0.2")
    assert known == unknown
    assert known[0] == "用户名或密码错误。再连续失败4次，该账号将被锁定30分钟。"
    assert all("已被锁定" in message for message in known[4:])
    assert LoginLock.objects.get(username="nobody-here").locked_until > timezone.now()


class CountingHasher(MD5PasswordHasher):
    """The test hasher, counting how often a password is hashed (the cost that makes up the timing)."""

    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.mark.parametrize("case", ["unknown name", "wrong password", "locked name", "locked unknown name"])
def test_every_refusal_costs_one_password_hash(client, yiwu_staff, settings, case):
    settings.PASSWORD_HASHERS = ["tests.registry.test_login_security.CountingHasher"]
    yiwu_staff.set_password(TEST_PASSWORD)
    yiwu_staff.save()
    username = "nobody-here" if "unknown" in case else yiwu_staff.username
    if "locked" in case:
        LoginLock.objects.create(username=username, locked_until=timezone.now() + timedelta(minutes=5))
    CountingHasher.calls = 0
    post_login(client, username, "Wrong@123")
    assert CountingHasher.calls == 1


@pytest.fixture
def address_limits(settings):
    settings.LOGIN_IP_MAX_FAILURES = 3
    settings.LOGIN_IP_WINDOW_MINUTES = 10
    settings.LOGIN_IP_BLOCK_MINUTES = 15
    return settings


def test_failures_from_one_address_block_it_even_for_the_right_password(client, yiwu_staff, dongyang_staff, address_limits):
    for name in ("a-guess", "b-guess", dongyang_staff.username):
        post_login(client, name, "Wrong@123", ip="10.7.7.7")
    response = post_login(client, yiwu_staff.username, TEST_PASSWORD, ip="10.7.7.7")
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert _error_text(response) == "您所在网络地址的登录失败次数过多，请15分钟后再试。"
    kinds = list(LoginEvent.objects.filter(ip_address="10.7.7.7").order_by("id").values_list("kind", flat=True))
    assert kinds == ["failed", "failed", "failed", "ip_blocked", "throttled"]
    # The account itself is not locked: from another address the right password works.
    assert post_login(client, yiwu_staff.username, TEST_PASSWORD, ip="10.8.8.8").status_code == 302


def test_an_address_block_ends_and_old_failures_do_not_count(client, yiwu_staff, address_limits):
    for name in ("a-guess", "b-guess", "c-guess"):
        post_login(client, name, "Wrong@123", ip="10.7.7.7")
    LoginEvent.objects.filter(ip_address="10.7.7.7").update(created_at=timezone.now() - timedelta(minutes=16))
    assert post_login(client, yiwu_staff.username, TEST_PASSWORD, ip="10.7.7.7").status_code == 302
    # Two failures eleven minutes ago (outside the window) and two now: below the limit of three.
    client.logout()
    post_login(client, "d-guess", "Wrong@123", ip="10.9.9.9")
    post_login(client, "e-guess", "Wrong@123", ip="10.9.9.9")
    LoginEvent.objects.filter(ip_address="10.9.9.9").update(created_at=timezone.now() - timedelta(minutes=11))
    post_login(client, "f-guess", "Wrong@123", ip="10.9.9.9")
    post_login(client, "g-guess", "Wrong@123", ip="10.9.9.9")
    assert post_login(client, yiwu_staff.username, TEST_PASSWORD, ip="10.9.9.9").status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(client, yiwu_staff, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(reverse("login"), {"username": "x", "password": "y"}, REMOTE_ADDR="10.0.0.254",
                HTTP_X_FORWARDED_FOR="1.2.3.4, 172.16.5.6")
    assert LoginEvent.objects.get().ip_address == "172.16.5.6"


def test_an_administrator_unlock_is_recorded(admin_client, yiwu_staff):
    LoginLock.objects.create(username=yiwu_staff.username, locked_until=timezone.now() + timedelta(minutes=5))
    admin_client.post(reverse("admin:registry_user_changelist"),
                      {"action": "unlock_logins", "_selected_action": [yiwu_staff.pk]})
    assert not LoginLock.objects.exists()
    assert LoginEvent.objects.filter(kind="unlocked", username=yiwu_staff.username).exists()


def test_a_session_ends_at_its_absolute_lifetime_whatever_the_activity(client, yiwu_staff, settings):
    settings.SESSION_COOKIE_AGE = 3600
    client.force_login(yiwu_staff)
    session = client.session
    expires = session.get_expiry_date()
    assert abs((expires - timezone.now()).total_seconds() - 3600) < 5
    session["_last_activity"] = int(time.time()) - 120
    session.save()
    assert client.get(reverse("home")).status_code == 200  # activity: the session is rewritten...
    assert client.session.get_expiry_date() == expires  # ...and still ends when it would have
    _age_session_and_expect_logout(client, yiwu_staff, "_login_at", 3601, "本次登录已满1小时")


def test_a_pbkdf2_hash_becomes_argon2_at_the_next_login(client, yiwu_staff, settings):
    from config.settings.security import PASSWORD_HASHERS

    settings.PASSWORD_HASHERS = PASSWORD_HASHERS
    yiwu_staff.password = make_password(TEST_PASSWORD, hasher="pbkdf2_sha256")
    yiwu_staff.save()
    assert post_login(client, yiwu_staff.username, TEST_PASSWORD).status_code == 302
    yiwu_staff.refresh_from_db()
    assert yiwu_staff.password.startswith("argon2$")
    assert yiwu_staff.check_password(TEST_PASSWORD)


@pytest.mark.parametrize("password, words", [
    ("Ab1!", "密码太短，至少需要8个字符。"),
    ("password", "密码过于常见。"),
    ("Yiwu_staff1", "密码与用户名过于相似。"),
])
def test_password_rule_messages_are_chinese(password, words, divisions):
    from tests.factories import make_user

    user = make_user("county_staff", "330782")
    user.username = "yiwu_staff1"
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert words in refused.value.messages
