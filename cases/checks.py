"""Deployment checks (`manage.py check --deploy`) for the case ledger."""
from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def ledger_key_check(app_configs, **kwargs):
    if settings.LEDGER_HMAC_KEY:
        return []
    return [checks.Warning(
        "LEDGER_HMAC_KEY is not set: the ledger's HMAC key is derived from DJANGO_SECRET_KEY.",
        hint="Set LEDGER_HMAC_KEY (at least 32 random bytes, kept outside the database and apart from the secret "
             "key) before the first event is written, and never change it: events and anchors keyed with another "
             "key fail verify_ledger.",
        id="cases.W010",
    )]
