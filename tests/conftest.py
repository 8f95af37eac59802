import os

import pytest
from django.db import connection

from registry.divisions import load_divisions
from registry.models import Division

from .factories import TEST_PASSWORD, make_user
from .support.reference import rerun_data_migrations


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real divisions once per test database; tests then run in rolled-back transactions."""
    with django_db_blocker.unblock():
        if not Division.objects.exists():
            load_divisions()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached reads (the board) must not outlive the rolled-back
    data of an earlier test that shares the same Redis database."""
    from django.core.cache import cache

    from registry import generations

    cache.clear()
    # Epoch 0 (no CacheEpoch rows: tests roll back or flush theirs), known without a query.
    generations._epoch.update(value=0, read_at=0.0)


@pytest.fixture
def divisions(db):
    """The real divisions. Transactional tests flush every table, so after one of them reload the
    divisions and the rows the data migrations wrote."""
    if not Division.objects.exists():
        rerun_data_migrations()
        load_divisions()
    return Division.objects


@pytest.fixture
def province_clerk(divisions):
    return make_user("clerk", "330000")


@pytest.fixture
def province_manager(divisions):
    return make_user("manager", "330000")


@pytest.fixture
def yiwu_staff(divisions):
    return make_user("county_staff", "330782")


@pytest.fixture
def yiwu_clerk(divisions):
    return make_user("clerk", "330782")


@pytest.fixture
def dongyang_staff(divisions):
    return make_user("county_staff", "330783")


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


requires_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)")


# --- Real browser ---------------------------------------------------------------------------------
# Playwright's sync API runs an event loop in this thread; Django's async-safety check would otherwise
# refuse the ORM calls that fixtures make alongside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from .support.browser import CHROMIUM, CHROMIUM_ARGS

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser` (Debian package chromium)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, divisions):
    """A Chinese-locale page against the live server (data from the test is committed: transactional)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    pg = context.new_page()
    pg.base_url = live_server.url
    yield pg
    context.close()


@pytest.fixture
def login_as(page):
    from .support.browser import login

    def _login(user, password=TEST_PASSWORD):
        return login(page, page.base_url, user.username, password)

    return _login


# --- Real Celery worker on Redis ------------------------------------------------------------------
@pytest.fixture
def celery_worker(transactional_db, divisions, settings):
    """A real worker process on Redis, consuming a queue of its own; tasks queued by the test go there."""
    from config.celery import app

    from .support.worker import WorkerProcess

    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        if os.environ.get("CI"):
            pytest.fail("REDIS_URL must be set in CI: the worker tests may not be skipped there")
        pytest.skip("REDIS_URL is not set: start Redis and export REDIS_URL to run the real-worker tests")
    worker = WorkerProcess(redis_url)
    saved = {k: app.conf[k] for k in ("task_always_eager", "task_default_queue", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, task_default_queue=worker.queue, broker_url=redis_url, result_backend=redis_url)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        app.conf.update(saved)
