"""Redis down, unreachable or frozen is not an outage: the cache degrades to a miss within a short
timeout, sessions are read from the database, and a cache write missed while Redis was away never
lets an older value (a board figure, a logged-out session) be read once it is back. Each test runs
its own redis-server, so that it can kill or freeze it."""
import time
from contextlib import contextmanager

import pytest
import redis
from django.core.cache import cache
from django.db import transaction

from registry import generations, outbox
from registry.models import CacheEpoch, OutboxTask
from tests.factories import TEST_PASSWORD

from ..support.redis_server import REDIS_SERVER

pytestmark = pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed")


@contextmanager
def partitioned(settings):
    """Redis keeps running with its data, but this process cannot reach it (its commands never arrive,
    unlike a frozen Redis, which may still run them when it resumes)."""
    from ..support.redis_server import free_port

    reachable = settings.CACHES
    settings.CACHES = {"default": {**reachable["default"], "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}}
    try:
        yield
    finally:
        settings.CACHES = reachable


def wait_for_retry():
    time.sleep(1.1)  # RETRY_AFTER above: the cache tries Redis again


def timed(fn, *args, **kwargs):
    start = time.monotonic()
    result = fn(*args, **kwargs)
    return result, time.monotonic() - start


def test_reads_miss_and_writes_are_dropped_when_redis_is_gone(cache_on):
    cache.set("k", "v")
    assert cache.get("k") == "v"
    cache_on.kill()
    assert cache.get("k", "miss") == "miss"
    assert cache.get_many(["k"]) == {}
    assert cache.set_many({"k": 1}) == ["k"]  # Django's contract: the keys not set
    cache.set("k", "w")
    cache.delete("k")
    with pytest.raises(ValueError):
        cache.incr("k")


def test_a_frozen_redis_costs_one_short_timeout_then_nothing(cache_on, settings):
    cache.set("k", "v")
    cache_on.freeze()
    try:
        value, first = timed(cache.get, "k")
        assert value is None and first < settings.REDIS_CACHE_TIMEOUT + 0.3
        # The breaker is open: a page's further reads cost nothing.
        _, rest = timed(lambda: [cache.get("k") for _ in range(50)])
        assert rest < 0.1
    finally:
        cache_on.thaw()
    wait_for_retry()
    assert cache.get("k") == "v"


def board_figure(calls):
    return generations.cached("test-board", ["g"], ("330782",), lambda: calls.append(1) or len(calls), 600)


@pytest.mark.django_db(transaction=True)
def test_a_bump_missed_while_redis_was_unreachable_hides_the_old_value_when_it_is_back(cache_on, settings):
    calls = []
    assert board_figure(calls) == 1
    assert board_figure(calls) == 1  # cached
    stale_keys = [k.decode() for k in redis.Redis.from_url(cache_on.url).keys("*test-board*")]
    with partitioned(settings), transaction.atomic():
        generations.bump_now_and_on_commit("g")  # the change's invalidation cannot reach Redis
    assert CacheEpoch.objects.count() >= 1
    # Redis kept the old entry and the old generation token ...
    client = redis.Redis.from_url(cache_on.url)
    assert all(client.exists(k) for k in stale_keys)
    # ... and it is never read again: the figure is computed afresh.
    assert board_figure(calls) == 2
    assert board_figure(calls) == 2


@pytest.mark.django_db(transaction=True)
def test_a_bump_in_a_transaction_that_rolls_back_moves_nothing(cache_on):
    cache_on.kill()
    with pytest.raises(RuntimeError), transaction.atomic():
        generations.bump("g")
        raise RuntimeError
    assert not CacheEpoch.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_pages_and_logins_work_with_redis_killed_and_frozen(cache_on, client, divisions):
    from tests.factories import make_user

    user = make_user("clerk", "330782")
    assert client.post("/login/", {"username": user.username, "password": TEST_PASSWORD}).status_code == 302
    assert client.get("/").status_code == 200
    cache_on.kill()
    # The session written while Redis was up is read from the database.
    response, took = timed(client.get, "/")
    assert response.status_code == 200 and took < 2
    client.logout()
    assert client.post("/login/", {"username": user.username, "password": TEST_PASSWORD}).status_code == 302
    assert client.get("/cases/").status_code == 200
    cache_on.start()
    wait_for_retry()
    cache_on.freeze()
    try:
        for url in ("/", "/cases/", "/projects/"):
            response, took = timed(client.get, url)
            assert response.status_code == 200 and took < 2, (url, took)
    finally:
        cache_on.thaw()


@pytest.mark.django_db(transaction=True)
def test_a_logout_missed_by_an_unreachable_redis_does_not_revive_the_session(cache_on, client, divisions, settings):
    from tests.factories import make_user

    user = make_user("clerk", "330782")
    assert client.post("/login/", {"username": user.username, "password": TEST_PASSWORD}).status_code == 302
    assert client.get("/").status_code == 200  # the session is now in Redis as well
    cookie = client.cookies["sessionid"].value
    with partitioned(settings):
        client.post("/logout/")  # deleted from the database; the cache copy cannot be deleted
    assert any(b"sessions" in k for k in redis.Redis.from_url(cache_on.url).keys("*"))
    client.cookies["sessionid"] = cookie  # the old cookie, replayed
    assert client.get("/").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_queueing_with_the_broker_down_answers_at_once_and_the_relay_sends_it_later(own_redis, settings):
    from celery import current_app

    from registry.tasks import echo

    saved = {k: current_app.conf[k] for k in ("task_always_eager", "broker_url")}
    outbox._broker["down_until"] = 0.0
    own_redis.kill()
    current_app.conf.update(task_always_eager=False, broker_url=own_redis.url)
    try:
        (row, took) = timed(lambda: transaction.atomic()(outbox.enqueue)(echo, "佛堂镇"))
        assert took < settings.OUTBOX_PUBLISH_TIMEOUT + 1
        row.refresh_from_db()
        assert row.sent_at is None and row.attempts == 1 and row.last_error
        # A second enqueue inside the breaker's window does not even try.
        _, took = timed(lambda: transaction.atomic()(outbox.enqueue)(echo, "廿里镇"))
        assert took < 0.2
        assert outbox.due(grace=0).count() == 2
        own_redis.start()
        assert outbox.relay_due(grace=0) == 2
        assert not OutboxTask.objects.filter(sent_at__isnull=True).exists()
        assert outbox.due(grace=0).count() == 0
    finally:
        current_app.conf.update(saved)


@pytest.mark.django_db(transaction=True)
def test_eager_mode_runs_the_task_after_the_commit_and_marks_it_done(divisions):
    from registry.tasks import echo

    with transaction.atomic():
        row = outbox.enqueue(echo, 1)
        assert OutboxTask.objects.get(pk=row.pk).done_at is None  # not before the commit
    row.refresh_from_db()
    assert row.done_at is not None and row.sent_at is not None and row.attempts == 1
