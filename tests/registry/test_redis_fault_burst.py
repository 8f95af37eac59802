"""The fault test: Redis killed, then brought back, in the middle of a burst of writes (logins, case
actions that notify, project report saves, bulletin and roll-up requests), with a real Celery worker
on that Redis. Every request answers without a server error within 2 s, every acknowledged write is in
the database, and once Redis is back every queued task runs. A frozen Redis (SIGSTOP: it accepts TCP
connections and never answers) holds no request for more than 2 s either."""
import json
import time

import pytest
from celery import current_app
from django.db import connection
from django.test import Client

from cases.models import Case, CaseCategory, CaseState
from rollups.models import Bulletin, BulletinStatus, RollupRun, RunStatus, RunTrigger
from projects.models import MonthlyReport
from registry import outbox
from registry.models import LoginEvent, OutboxTask
from tests.cases.factories import make_people
from tests.factories import TEST_PASSWORD, make_user
from tests.projects.factories import ProjectFactory

from ..support.redis_server import REDIS_SERVER
from ..support.worker import WorkerProcess

pytestmark = [pytest.mark.worker, pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed")]
LIMIT_SECONDS = 2.0


@pytest.fixture
def product_on_own_redis(cache_on, settings, transactional_db, divisions):
    """Cache, sessions and broker on the test's own Redis; tasks go to a real worker, and a task sent
    but not run within 5 s is sent again (a broker that lost its queue)."""
    own_redis = cache_on
    saved = {k: current_app.conf[k] for k in ("task_always_eager", "task_default_queue", "broker_url")}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.OUTBOX_REDELIVER_SECONDS = 5
    outbox._broker["down_until"] = 0.0
    worker = WorkerProcess(own_redis.url)
    # Tasks are published without a result (the outbox tracks them), so the result backend stays as it was.
    current_app.conf.update(task_always_eager=False, task_default_queue=worker.queue, broker_url=own_redis.url)
    try:
        yield own_redis, worker
    finally:
        worker.stop()
        current_app.conf.update(saved)
        outbox._broker["down_until"] = 0.0


class Burst:
    """Requests through the Django test client, each timed; the writes they acknowledge, kept."""

    def __init__(self):
        self.people = make_people()
        self.staff = make_user("county_staff", "330782")
        self.category = CaseCategory.objects.get(name="帮扶任务")
        self.projects = [ProjectFactory() for _ in range(40)]
        self.answers = []  # (what, status, seconds)
        self.cases, self.assigned, self.reports, self.bulletins, self.reruns, self.logins = [], [], [], [], 0, 0
        self.clerk = self.login(self.people.clerk)
        self.county_staff = self.login(self.staff)
        self.manager = self.login(self.people.manager)
        self.province = self.login(self.people.province_clerk)
        # Setting up (the process's first requests import and compile much) is not timed.
        assert [a[1] for a in self.answers] == [302] * 4
        self.answers = []

    def call(self, what, client, method, url, data=None):
        start = time.monotonic()
        if method == "get":
            response = client.get(url)
        elif what == "login":
            response = client.post(url, data)
        else:
            response = client.post(url, json.dumps(data or {}), content_type="application/json")
        self.answers.append((what, response.status_code, time.monotonic() - start))
        return response

    def login(self, user):
        client = Client()
        response = self.call("login", client, "post", "/login/", {"username": user.username, "password": TEST_PASSWORD})
        if response.status_code == 302:
            self.logins += 1
        return client

    def step(self, i):
        created = self.call("case create", self.clerk, "post", "/api/v1/cases/",
                            {"title": f"故障演练事项{i}", "category": self.category.pk, "county": "330782"})
        if created.status_code == 201:
            case = created.json()
            self.cases.append(case["id"])
            assigned = self.call("case assign (notifies)", self.clerk, "post", f"/api/v1/cases/{case['id']}/actions/", {
                "action": "assign", "version": case["version"], "lead_unit": self.people.lead_unit.pk, "deadline_workdays": 10,
            })
            if assigned.status_code == 200:
                self.assigned.append(case["id"])
        project = self.projects[i % len(self.projects)]
        saved = self.call("report save", self.county_staff, "post", f"/api/v1/projects/{project.pk}/reports/",
                          {"month": "2026-03", "completed": f"{i + 1}.5", "progress": "桩基施工"})
        if saved.status_code == 201:
            self.reports.append(project.pk)
        bulletin = self.call("bulletin request", self.manager, "post", "/api/v1/bulletins/", {"month": "2026-09"})
        if bulletin.status_code == 202:
            self.bulletins.append(bulletin.json()["id"])
        if i % 4 == 0:
            if self.call("roll-up request", self.province, "post", "/api/v1/rollups/runs/", {"month": "2026-09"}).status_code == 202:
                self.reruns += 1
        self.login(self.people.co_staff)
        for url in ("/", "/cases/", "/projects/", f"/cases/{self.cases[-1]}/" if self.cases else "/"):
            self.call("page", self.clerk, "get", url)
        self.call("inbox page", self.county_staff, "get", "/")

    def assert_no_error_and_fast(self):
        errors = [a for a in self.answers if a[1] >= 500]
        slow = [a for a in self.answers if a[2] > LIMIT_SECONDS]
        assert errors == [] and slow == [], (errors, slow, [(a[0][:6], round(a[2], 2)) for a in self.answers])
        expected = {"login": {302}, "case create": {201}, "case assign (notifies)": {200}, "report save": {201},
                    "bulletin request": {202}, "roll-up request": {202}, "page": {200}, "inbox page": {200}}
        assert [a for a in self.answers if a[1] not in expected[a[0]]] == []

    def assert_writes_stored(self):
        assert Case.objects.filter(pk__in=self.cases).count() == len(self.cases)
        assert set(Case.objects.filter(pk__in=self.assigned).values_list("state", flat=True)) == {CaseState.ASSIGNED}
        assert MonthlyReport.objects.filter(project_id__in=self.reports).count() == len(self.reports)
        assert Bulletin.objects.filter(pk__in=self.bulletins).count() == len(self.bulletins)
        assert LoginEvent.objects.filter(kind=LoginEvent.Kind.LOGIN).count() == self.logins


def relay_until_all_done(worker, timeout=150):
    """What beat's relay does every minute, more often: until every queued task has run."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        outbox.relay_due(grace=0)
        if not OutboxTask.objects.filter(done_at__isnull=True).exists():
            return
        time.sleep(1)
    pending = list(OutboxTask.objects.filter(done_at__isnull=True).values("id", "name", "attempts", "last_error"))
    pytest.fail(f"tasks never ran: {pending}\n{worker.log()[-3000:]}")


def test_redis_killed_mid_burst_loses_nothing(product_on_own_redis, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    redis_server, worker = product_on_own_redis
    # SQLite takes one writer at a time, and a web transaction that reads then writes fails at once
    # while the worker writes: there the worker starts after the burst (the tasks queued before the
    # kill are then lost with Redis's memory, and the outbox must send them again).
    concurrent_worker = connection.vendor != "sqlite"
    if concurrent_worker:
        worker.start()
    burst = Burst()
    for i in range(8):
        burst.step(i)
    redis_server.kill()
    for i in range(8, 20):
        burst.step(i)
    burst.assert_no_error_and_fast()
    burst.assert_writes_stored()
    assert len(burst.cases) == len(burst.assigned) == 20 and len(burst.bulletins) == 20 and burst.reruns == 5
    # Tasks queued while Redis was gone are waiting in the outbox, not lost.
    assert OutboxTask.objects.filter(sent_at__isnull=True).exists()

    redis_server.start()  # same port, empty: whatever it held is gone
    if not concurrent_worker:
        worker.start()
    relay_until_all_done(worker)
    assert OutboxTask.objects.count() == len(burst.bulletins) + burst.reruns
    assert set(Bulletin.objects.filter(pk__in=burst.bulletins).values_list("status", flat=True)) == {BulletinStatus.DONE}
    manual = RollupRun.objects.filter(trigger=RunTrigger.MANUAL, month="2026-09-01")
    assert manual.filter(status=RunStatus.DONE).count() >= burst.reruns  # at least once each
    assert not manual.filter(status=RunStatus.FAILED).exists()
    # Pages and logins work as before with Redis back.
    burst.step(20)
    burst.assert_no_error_and_fast()


def test_a_frozen_redis_holds_no_request_over_two_seconds(product_on_own_redis, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    redis_server, worker = product_on_own_redis
    burst = Burst()
    burst.step(0)
    redis_server.freeze()
    try:
        for i in range(1, 7):
            burst.step(i)
    finally:
        redis_server.thaw()
    burst.assert_no_error_and_fast()
    burst.assert_writes_stored()
    worker.start()
    relay_until_all_done(worker)
    assert set(Bulletin.objects.filter(pk__in=burst.bulletins).values_list("status", flat=True)) == {BulletinStatus.DONE}

