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
# A broker that is down must not hang a web request for ever.
CELERY_BROKER_CONNECTION_TIMEOUT = 5
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 3, "interval_start": 0, "interval_step": 0.5, "interval_max": 2}
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_EXPIRES = 24 * 3600

CELERY_BEAT_SCHEDULE = {
    # Proves beat and a worker are alive: the cache key celery:heartbeat holds the last run.
    "heartbeat": {"task": "registry.tasks.heartbeat", "schedule": crontab(minute="*/5")},
    # Yellow/red cards and auto-escalation for case deadlines, before the working day starts.
    "case-deadlines": {"task": "cases.tasks.check_case_deadlines", "schedule": crontab(hour=6, minute=30)},
    # Counties whose projects have not submitted the month get a reminder each morning of the window.
    "projects-remind-missing-reports": {
        "task": "projects.tasks.remind_missing_reports", "schedule": crontab(hour=9, minute=0),
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
