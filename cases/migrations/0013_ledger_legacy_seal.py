"""The legacy seal.

Existing events are not re-chained: they keep their sha256 hashes (hash_version 1, set by 0010) and
verify the old way, and the seal (the first anchor, kind "legacy", signed with LEDGER_HMAC_KEY)
records their chain heads and the last event id it covers; an unkeyed event after it is a downgrade.
Run it with the production LEDGER_HMAC_KEY set: the seal is signed with whatever key the settings hold.
A database without events gets no seal (and accepts no unkeyed event).
"""
from django.db import migrations

from cases.anchors import seal_legacy_chains


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_ledger_keyed_anchors")]

    operations = [migrations.RunPython(seal_legacy_chains, migrations.RunPython.noop)]
