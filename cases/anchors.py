"""Anchors: signed (HMAC) statements of every case's chain head and of a month's roll-up snapshot.

记账·对账·交账: the events are the ledger, verify_ledger reconciles it, and the anchors hand it in —
one each day (00:30, for the day that ended) and one at each month end. An anchor stores only the
heads that moved since the previous anchor and signs the previous anchor's signature, so the full set
of heads at any anchor is its rows plus those of the anchors before it, and a removed anchor breaks
the chain of signatures. The anchor tables are append-only for the application role (grants) and for
everyone short of disabling a trigger (migration 0012_ledger_keyed_anchors).
"""
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass, field
from typing import NamedTuple

from django.apps import apps as global_apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from .ledger import Finding, sign
from .models import AnchorKind

SIGNED_FIELDS = (
    "kind", "period", "created_at", "prev_signature", "last_event_id", "case_count", "event_count", "head_count",
    "heads_digest", "rollup_month", "rollup_finalised", "rollup_rows", "rollup_digest",
)
ANCHOR_LOCK = 0x4C454447  # "LEDG": one anchor writer at a time on PostgreSQL


class LedgerModels(NamedTuple):
    """The models anchoring reads and writes: the current ones, or a migration's historical ones."""

    Event: type
    Anchor: type
    Head: type

    @classmethod
    def current(cls, apps=global_apps):
        return cls(apps.get_model("cases", "CaseEvent"), apps.get_model("cases", "LedgerAnchor"), apps.get_model("cases", "LedgerAnchorHead"))


def heads_digest(rows) -> str:
    """sha256 over "case:seq:hash" lines, in case order."""
    digest = hashlib.sha256()
    for case_id, seq, hash_ in sorted(rows):
        digest.update(f"{case_id}:{seq}:{hash_}\n".encode())
    return digest.hexdigest()


def anchor_signature(anchor) -> str:
    return sign({name: getattr(anchor, name) for name in SIGNED_FIELDS})


# --- the month's roll-up snapshot -----------------------------------------------------------------

# The board sits above the ledger: at start-up it registers how a month's snapshot is digested
# (rollups.digest.snapshot_digest) instead of the ledger reading the board's tables.
_snapshot_digest = []


def register_snapshot_digest(digest) -> None:
    """`digest(month) -> (rows, sha256 of their figures, whether the month is final)`."""
    _snapshot_digest[:] = [digest]


def rollup_digest(month: dt.date) -> tuple[int, str, bool]:
    """(rows, sha256 of their figures, whether the month is final) for one month's snapshot."""
    if not _snapshot_digest:
        raise ImproperlyConfigured("No roll-up snapshot digest is registered (the rollups app registers it).")
    return _snapshot_digest[0](month)


# --- writing --------------------------------------------------------------------------------------

def anchor_write(*, kind: str, period: dt.date, rollup_month: dt.date | None = None, models: LedgerModels | None = None):
    """Anchor every chain head as it stands (and one month's snapshot); answers the new anchor."""
    Event, Anchor, Head = models or LedgerModels.current()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ANCHOR_LOCK])
        prev = Anchor.objects.order_by("-id").first()
        since = prev.last_event_id if prev else 0
        last_event_id = Event.objects.aggregate(m=Max("id"))["m"] or 0
        moved = Event.objects.filter(id__gt=since, id__lte=last_event_id).values("case_id")
        heads, seen = [], set()
        for case_id, seq, hash_ in (
            Event.objects.filter(case_id__in=moved, id__lte=last_event_id).order_by("case_id", "-seq")
            .values_list("case_id", "seq", "hash").iterator(chunk_size=5000)
        ):
            if case_id not in seen:
                seen.add(case_id)
                heads.append((case_id, seq, hash_))
        known = set(Head.objects.filter(case_id__in=seen).values_list("case_id", flat=True).distinct()) if seen else set()
        anchor = Anchor(
            kind=kind,
            period=period,
            created_at=timezone.now(),
            prev_signature=prev.signature if prev else "",
            last_event_id=last_event_id,
            case_count=(prev.case_count if prev else 0) + len(seen - known),
            event_count=Event.objects.filter(id__lte=last_event_id).count(),
            head_count=len(heads),
            heads_digest=heads_digest(heads),
        )
        if rollup_month is not None:
            anchor.rollup_month = rollup_month
            anchor.rollup_rows, anchor.rollup_digest, anchor.rollup_finalised = rollup_digest(rollup_month)
        anchor.signature = anchor_signature(anchor)
        anchor.save(force_insert=True)
        Head.objects.bulk_create([Head(anchor=anchor, case_id=c, seq=s, hash=h) for c, s, h in heads], batch_size=5000)
    return anchor


def _local_today() -> dt.date:
    return timezone.localdate()


def anchor_daily(day: dt.date | None = None):
    """The day's anchor (default: yesterday, for the 00:30 run), with the snapshot of the day's month.
    None when the day is anchored already: running twice changes nothing."""
    from .models import LedgerAnchor

    day = day or _local_today() - dt.timedelta(days=1)
    if LedgerAnchor.objects.filter(kind=AnchorKind.DAILY, period=day).exists():
        return None
    return anchor_write(kind=AnchorKind.DAILY, period=day, rollup_month=day.replace(day=1))


def anchor_month_end(month: dt.date | None = None):
    """The month-end anchor (交账) of `month` (default: the month that just ended), once."""
    from .models import LedgerAnchor

    month = (month or (_local_today().replace(day=1) - dt.timedelta(days=1))).replace(day=1)
    if LedgerAnchor.objects.filter(kind=AnchorKind.MONTH_END, period=month).exists():
        return None
    return anchor_write(kind=AnchorKind.MONTH_END, period=month, rollup_month=month)


def seal_legacy_chains(apps, schema_editor):
    """Migration step: anchor the unkeyed (hash_version 1) events as they stand, so that they verify
    the old way up to here and no later event can claim the old algorithm. Nothing to seal, no seal."""
    models = LedgerModels.current(apps)
    if models.Event.objects.exists() and not models.Anchor.objects.filter(kind=AnchorKind.LEGACY).exists():
        anchor_write(kind=AnchorKind.LEGACY, period=_local_today(), models=models)


# --- verifying ------------------------------------------------------------------------------------

@dataclass
class AnchorCheck:
    findings: list[Finding] = field(default_factory=list)
    heads: dict[int, tuple[int, str]] = field(default_factory=dict)  # the latest anchored head per case
    results: dict[int, str] = field(default_factory=dict)  # anchor id: "" (verified) or the problem
    latest: object = None
    legacy_until: int = 0


def verify_anchors() -> AnchorCheck:
    """Every anchor's signature, the chain of signatures, and the heads they add up to."""
    from .models import LedgerAnchor, LedgerAnchorHead

    check = AnchorCheck()
    rows: dict[int, list] = {}
    for anchor_id, case_id, seq, hash_ in (
        LedgerAnchorHead.objects.order_by("anchor_id", "case_id").values_list("anchor_id", "case_id", "seq", "hash")
        .iterator(chunk_size=5000)
    ):
        rows.setdefault(anchor_id, []).append((case_id, seq, hash_))
        check.heads[case_id] = (seq, hash_)
    prev_signature = ""
    for anchor in LedgerAnchor.objects.order_by("id"):
        problems = []
        own = rows.get(anchor.pk, [])
        if (
            not hmac.compare_digest(anchor_signature(anchor), anchor.signature)
            or heads_digest(own) != anchor.heads_digest or len(own) != anchor.head_count
        ):
            problems.append(Finding("anchor_signature", None, anchor.pk))
        if anchor.prev_signature != prev_signature:
            problems.append(Finding("anchor_gap", None, anchor.pk))
        if anchor.kind == AnchorKind.LEGACY and not problems and not check.legacy_until:
            check.legacy_until = anchor.last_event_id
        check.findings += problems
        check.results[anchor.pk] = "；".join(p.label for p in problems)
        prev_signature, check.latest = anchor.signature, anchor
    check.findings += _rollup_findings()
    return check


def _rollup_findings() -> list[Finding]:
    """A month whose snapshot was final when anchored must still digest the same."""
    from .models import LedgerAnchor

    findings = []
    anchored = LedgerAnchor.objects.filter(rollup_finalised=True).order_by("rollup_month", "-id").distinct()
    latest_per_month = {}
    for anchor in anchored:
        latest_per_month.setdefault(anchor.rollup_month, anchor)
    for month, anchor in sorted(latest_per_month.items()):
        rows, digest, _ = rollup_digest(month)
        if (rows, digest) != (anchor.rollup_rows, anchor.rollup_digest):
            findings.append(Finding("rollup", None, anchor.pk, f"{month:%Y-%m}"))
    return findings


def legacy_seal_event_id() -> int:
    """The last event id the legacy seal covers, if its signature verifies (0: no seal)."""
    from .models import LedgerAnchor

    seal = LedgerAnchor.objects.filter(kind=AnchorKind.LEGACY).order_by("id").first()
    if seal is None or not hmac.compare_digest(anchor_signature(seal), seal.signature):
        return 0
    return seal.last_event_id
