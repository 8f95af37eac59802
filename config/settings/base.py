"""The settings every environment shares; the topic modules beside it are imported from here."""
from .env import BASE_DIR, env

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "registry",
    "projects",
    "cases",
    "pairing",
    "rollups",
    "monitoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication, so that its Chinese error page can show the signed-in user's menus.
    "registry.middleware.InputGuardMiddleware",
    "registry.middleware.SessionTimeoutMiddleware",
    "registry.middleware.SecurityHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "registry.context_processors.navigation",
                "registry.notifications.context_processors.inbox",
            ],
        },
    },
    # Second, for the hot fragments only (table rows: registry.jinja.render_fragment asks for this
    # backend by name); every page is the Django backend's. Autoescaped, compiled once per process.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "registry.jinja.environment", "autoescape": True},
    },
]

AUTH_USER_MODEL = "registry.User"
# The inbox's rows (registry.notifications): a registration hook, as AUTH_USER_MODEL.
NOTIFICATION_MODEL = "cases.Notification"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The interface is Chinese whatever the browser asks for: no LocaleMiddleware, one language.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded evidence lives outside the static root and is only served through permission-checked views.
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# No URL serves MEDIA_ROOT: files go out only through permission-checked views.
MEDIA_URL = "/media/"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is a cache, never the only copy: with it down, unreachable or frozen a read is a miss after
# at most REDIS_CACHE_TIMEOUT seconds, and the process leaves it alone for REDIS_CACHE_RETRY_AFTER
# (registry.redis_cache). Keys carry a cache epoch read from the database at most every
# CACHE_EPOCH_SECONDS, moved when an invalidating cache write fails (registry.generations).
REDIS_CACHE_TIMEOUT = env.float("REDIS_CACHE_TIMEOUT", default=0.5)
CACHES = {
    "default": (
        {
            "BACKEND": "registry.redis_cache.PooledClientRedisCache",
            "LOCATION": env("REDIS_URL"),
            "OPTIONS": {"socket_timeout": REDIS_CACHE_TIMEOUT, "socket_connect_timeout": REDIS_CACHE_TIMEOUT},
            "RETRY_AFTER": env.float("REDIS_CACHE_RETRY_AFTER", default=5.0),
        }
        if env("REDIS_URL", default="")
        # The embedded default (`make demo`): a file cache, which the processes of one machine share, so a
        # roll-up run from the command line (or a worker) moves what runserver's board serves; a
        # per-process memory cache kept showing the figures from before it.
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env.str("CACHE_DIR", default=str(BASE_DIR / "var" / "cache")),
            "OPTIONS": {"MAX_ENTRIES": 50000},
        }
    )
}
CACHE_EPOCH_SECONDS = env.float("CACHE_EPOCH_SECONDS", default=1.0)

# With a shared cache, sessions are read from it and written through to the database: one query
# less on every request, and the database still holds every session when the cache is flushed or
# down (registry.sessions reads them from there, and keeps a missed cache write from reviving one).
if env("REDIS_URL", default=""):
    SESSION_ENGINE = "registry.sessions"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusal_without_traceback": {"()": "registry.log_filters.RefusalWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["refusal_without_traceback"]}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# Cases: evidence uploads larger than this are refused; overdue cases escalate one level after this
# many overdue working days.
CASE_EVIDENCE_MAX_BYTES = env.int("CASE_EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)
CASE_AUTO_ESCALATE_AFTER_WORKDAYS = env.int("CASE_AUTO_ESCALATE_AFTER_WORKDAYS", default=5)
# How a case's document number (文号) is spelled on its page, 交办单 and 销号单 (cases.numbering):
# placeholders {task_force_short} {task_force} {division} {year} {seq} {id}; e.g. 义乌专班〔2026〕38号.
CASE_NUMBER_PATTERN = env("CASE_NUMBER_PATTERN", default="{task_force_short}专班〔{year}〕{seq}号")
# Projects: the default monthly reporting window, as days of the month after the one reported
# (overridable per month by projects.ReportingWindow), and how many points behind 序时进度 a
# project or county may fall before it is flagged as lagging.
PROJECT_REPORTING_WINDOW = (env.int("PROJECT_REPORTING_OPENS_DAY", default=1), env.int("PROJECT_REPORTING_CLOSES_DAY", default=5))
PROJECT_LAG_POINTS = env.int("PROJECT_LAG_POINTS", default=10)
# Roll-ups: units with fewer cases than this in a month are listed but not ranked (比学赶超), so that
# one or two cases cannot top the table. The pause is for the worker-kill test only: it holds a run
# open between its batches so the test can kill the worker mid-transaction.
ROLLUP_RANKING_MIN_CASES = env.int("ROLLUP_RANKING_MIN_CASES", default=5)
# The same for the project rankings: counties with fewer projects with a plan for the year are not ranked.
ROLLUP_RANKING_MIN_PROJECTS = env.int("ROLLUP_RANKING_MIN_PROJECTS", default=3)
ROLLUP_BATCH_PAUSE_SECONDS = env.float("ROLLUP_BATCH_PAUSE_SECONDS", default=0.0)

# `manage.py seed_demo`: each app's demo seeder, in dependency order (each takes password, scale, seed,
# history as keywords). Listed here, at the top, because the command lives in the ground (registry),
# which imports no app above it.
DEMO_SEEDERS = [
    "registry.demo.seed_people",
    "registry.deliverables.named_examples.seed",
    "registry.deliverables.demo.seed_deliverables",
    "registry.deliverables.graph.seed_structure",
    "projects.demo.seed",
    "cases.demo.seed",
    "pairing.demo.seed",
    "rollups.demo.seed",
    "monitoring.demo.seed",
]

# 城乡一体融合高质量发展指数: the share α of the subjective weights in the combined weights
# (w = α·subjective + (1 − α)·entropy), stated with every computed period (monitoring.method).
INDEX_SUBJECTIVE_ALPHA = env.float("INDEX_SUBJECTIVE_ALPHA", default=0.5)
