"""A real Celery worker process on Redis, for the tests whose subject is the worker."""
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def subprocess_database_url() -> str:
    """The URL of the database this test process uses, for a subprocess that must see the same data."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("postgresql"):
        return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


class WorkerProcess:
    def __init__(self, redis_url: str):
        self.redis_url = redis_url
        self.queue = f"test-{uuid.uuid4().hex[:10]}"
        self.proc = None
        self.log_path = ROOT / "var" / f"worker-{self.queue}.log"

    def env(self):
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            REDIS_URL=self.redis_url,
            CELERY_TASK_ALWAYS_EAGER="false",
            CELERY_TASK_DEFAULT_QUEUE=self.queue,
            DATABASE_URL=subprocess_database_url(),
        )
        return env

    def start(self):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo", "-Q", self.queue,
             "-l", "info", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "-n", f"{self.queue}@%h"],
            cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        return self

    def kill(self):
        """SIGKILL: the worker dies mid-task, as when a machine loses power."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
