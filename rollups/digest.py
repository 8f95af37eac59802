"""The month's snapshot as the ledger's anchors sign it (registered with cases.anchors at start-up)."""
import datetime as dt
import hashlib

from cases.ledger import canonical_json

from .models import MonthlySnapshot, RollupMonth


def snapshot_digest(month: dt.date) -> tuple[int, str, bool]:
    """(rows, sha256 of their figures in key order, whether the month is final)."""
    names = sorted(f.attname for f in MonthlySnapshot._meta.concrete_fields if not f.primary_key)
    digest, count = hashlib.sha256(), 0
    rows = (
        MonthlySnapshot.objects.filter(month=month).order_by("division_id", "dimension", "dimension_value").values(*names)
    )
    for row in rows.iterator(chunk_size=5000):
        digest.update(canonical_json(row) + b"\n")
        count += 1
    finalised = RollupMonth.objects.filter(month=month, finalised=True).exists()
    return count, digest.hexdigest(), finalised
