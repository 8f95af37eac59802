import time
from datetime import timedelta

import pytest
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
    session = client.session
    session["_last_activity"] = int(time.time()) - 1801
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert LoginEvent.objects.filter(kind="expired", user=yiwu_staff).exists()
    assert "长时间未操作" in client.get(reverse("login")).content.decode()


def test_active_session_is_kept(client, yiwu_staff):
    client.force_login(yiwu_staff)
    session = client.session
    session["_last_activity"] = int(time.time()) - 600
    session.save()
    assert client.get(reverse("home")).status_code == 200
