import os
import re
import subprocess
import sys

from django.conf import settings
from django.core import checks
from django.test import override_settings

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {"default": {"BACKEND": "registry.redis_cache.PooledClientRedisCache", "LOCATION": "redis://127.0.0.1:6379/0"}}


def _deploy_ids():
    return {message.id for message in checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.caches])}


@override_settings(CACHES=LOCMEM)
def test_deploy_check_warns_when_web_processes_would_not_share_the_cache():
    assert "registry.W001" in _deploy_ids()
    # Only a deployment concern: `make demo` (one process) stays quiet.
    assert "registry.W001" not in {m.id for m in checks.run_checks(tags=[checks.Tags.caches])}


@override_settings(CACHES=REDIS)
def test_deploy_check_accepts_the_shared_redis_cache():
    assert "registry.W001" not in _deploy_ids()


# Warnings `check --deploy` may give on a production configured as the README says, each with the
# reason it is accepted (the README's security section repeats them).
ACCEPTED_DEPLOY_WARNINGS = {
    # The HSTS preload list needs a public domain the browsers' list can reach; the product runs on
    # government intranets. Set DJANGO_SECURE_HSTS_PRELOAD=true where it is public.
    "security.W021",
    # The working calendar check (cases.W010) reads the database: it warns on a production missing next
    # year's holiday notice from November, which is a task for a clerk, not a configuration error. Here
    # the database is unreachable and the check is silent.
}

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DJANGO_SECRET_KEY": "k7#Vq2@x9!Lm4$Rt8^Zp1&Wc6*Hy3(Nb5)Jd0_Gf-Sa+Ue=Io~Ky[Xw]Tz{Qr}Ev|Bn",
    "DJANGO_ALLOWED_HOSTS": "registry.example.gov.cn",
    "LEDGER_HMAC_KEY": "w3Zr8Qk1Yb6Tn0Lx4Mv7Pc2Hs9Jd5Gf",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECURE_COOKIES": "true",
    "DJANGO_SECURE_SSL_REDIRECT": "true",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    "DJANGO_TRUSTED_PROXY_COUNT": "1",
    "DATABASE_URL": "postgres://app@db.example.gov.cn:5432/qwgc",
    "REDIS_URL": "redis://redis.example.gov.cn:6379/0",
}


def _in_production(*args, **kwargs):
    """Run Python in a fresh process with the production settings module and only PRODUCTION_ENV."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))}
    env.update(PRODUCTION_ENV)
    return subprocess.run([sys.executable, *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
                          timeout=300, **kwargs)


def test_check_deploy_is_clean_with_production_settings():
    done = _in_production("manage.py", "check", "--deploy", "--fail-level", "ERROR")
    assert done.returncode == 0, done.stderr
    reported = set(re.findall(r"\(([\w.]+\.[A-Z]\d{3})\)", done.stdout + done.stderr))
    assert reported <= ACCEPTED_DEPLOY_WARNINGS, done.stdout + done.stderr


def test_production_settings_follow_the_environment():
    probe = ("import django; django.setup(); from django.conf import settings as s; "
             "print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
             "s.PASSWORD_HASHERS[0].rsplit('.', 1)[1])")
    out = _in_production("-c", probe, check=True).stdout.split()
    assert out == ["('HTTP_X_FORWARDED_PROTO',", "'https')", "31536000", "True", "True", "Argon2PasswordHasher"]
