"""Settings of Celery: broker, eager mode without Redis, the beat schedule."""
from celery.schedules import crontab

from .env import env

REDIS_URL = env("REDIS_URL", default="")

# Without a broker (the embedded default) tasks run in-process, at the point they are queued.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_ENABLE_UTC = True
# Tests give each run its own queue so that parallel runs on one Redis never take each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = False
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A broker that is down must not hang a web request for ever. Requests queue through the outbox
# (registry.outbox), which publishes with its own short timeout and no retries; these bound the rest
# (workers, beat, a direct .delay()). socket_timeout also ends a publish to a frozen Redis.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_timeout": 5, "socket_connect_timeout": 2}
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# The outbox: seconds a publish may take in a request; seconds a process then leaves the broker alone;
# seconds the periodic relay leaves a fresh row to its commit's own publish; seconds after which a row
# sent but not run is sent again (the broker lost it); attempts before a row is left to an operator.
OUTBOX_PUBLISH_TIMEOUT = env.float("OUTBOX_PUBLISH_TIMEOUT", default=0.5)
OUTBOX_RETRY_AFTER = env.float("OUTBOX_RETRY_AFTER", default=5.0)
OUTBOX_RELAY_GRACE_SECONDS = env.float("OUTBOX_RELAY_GRACE_SECONDS", default=30.0)
OUTBOX_REDELIVER_SECONDS = env.float("OUTBOX_REDELIVER_SECONDS", default=15 * 60)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=20)
# A roll-up run still "running" this long after it started has lost its worker (rollups sweeper).
ROLLUP_RUN_TIMEOUT_SECONDS = env.int("ROLLUP_RUN_TIMEOUT_SECONDS", default=30 * 60)
CELERY_RESULT_EXPIRES = 24 * 3600

CELERY_BEAT_SCHEDULE = {
    # Proves beat and a worker are alive: the cache key celery:heartbeat holds the last run.
    "heartbeat": {"task": "registry.tasks.heartbeat", "schedule": crontab(minute="*/5")},
    # Tasks the commit could not publish (broker down) or the broker lost (crash): sent again.
    "relay-outbox": {"task": "registry.tasks.relay_outbox", "schedule": crontab(minute="*")},
    # Roll-up runs whose worker died: marked failed and their month queued again.
    "rollups-sweep-dead-runs": {"task": "rollups.sweep_dead_runs", "schedule": crontab(minute="*/10")},
    # Yellow/red cards and auto-escalation for case deadlines, before the working day starts.
    "case-deadlines": {"task": "cases.tasks.check_case_deadlines", "schedule": crontab(hour=6, minute=30)},
    # Counties whose projects have not submitted the month get a reminder each morning of the window.
    "projects-remind-missing-reports": {
        "task": "projects.tasks.remind_missing_reports", "schedule": crontab(hour=9, minute=0),
    },
    # The same for workshops' monthly figures (one reporting window and lock for every monthly report).
    "workshops-remind-missing-reports": {
        "task": "registry.deliverables.tasks.remind_missing_workshop_reports", "schedule": crontab(hour=9, minute=5),
    },
    # Previous month: final for cases on the 1st, final for projects once the reporting window closes.
    "rollups-finalise-previous-month": {"task": "rollups.finalise_previous_month", "schedule": crontab(hour=1, minute=0)},
    # 交账: the day's signed anchor of every case's chain head (and the month's snapshot), then verify_ledger.
    "ledger-anchor-daily": {"task": "cases.tasks.anchor_ledger_daily", "schedule": crontab(hour=0, minute=30)},
    # The month-end anchor of the month that ended, after its case figures were finalised at 01:00.
    "ledger-anchor-month-end": {
        "task": "cases.tasks.anchor_ledger_month_end", "schedule": crontab(hour=1, minute=30, day_of_month=1),
    },
    # The board's current month, refreshed overnight so the morning board includes yesterday's work.
    "rollups-refresh-current-month": {"task": "rollups.refresh_current_month", "schedule": crontab(hour=2, minute=0)},
}
