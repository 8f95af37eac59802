"""The hash chain of case events, keyed, and its verification.

Each event's hash covers its content and the previous event's hash. Since hash_version 2 the hash is
an HMAC-SHA256 with settings.LEDGER_HMAC_KEY, a key that lives outside the database: someone who can
rewrite rows cannot recompute a chain that verifies. Events written before (hash_version 1, plain
sha256) still verify the old way, but only up to the legacy seal, the anchor that migration
0012_ledger_keyed_anchors wrote over them: an event claiming the old algorithm after it is a downgrade.

Deleting the last event, or every event (TRUNCATE), leaves a chain that verifies on its own; the
anchors (cases.anchors) remember each case's head and catch that.
"""
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from django.conf import settings
from django.utils import timezone

from .models import Case, CaseEvent, CaseState

LEGACY, KEYED = 1, 2

HASHED_FIELDS = (
    "case_id", "seq", "action", "from_state", "to_state", "actor_id", "actor_unit_id", "created_at", "comment",
    "old_deadline", "new_deadline", "old_level", "new_level", "payload", "prev_hash",
)
KEYED_FIELDS = (*HASHED_FIELDS, "case_version", "hash_version")


@cache
def _derived_key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), b"qwgc ledger hmac key", hashlib.sha256).digest()


def ledger_key() -> bytes:
    """LEDGER_HMAC_KEY, or (development, tests) a key derived from SECRET_KEY; `check --deploy` warns then."""
    if settings.LEDGER_HMAC_KEY:
        return settings.LEDGER_HMAC_KEY.encode()
    return _derived_key(settings.SECRET_KEY)


def _canonical(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def canonical_json(content: dict) -> bytes:
    """Sorted keys, no spaces, dates in ISO: the same bytes whichever process serialises it."""
    text = json.dumps({k: _canonical(v) for k, v in content.items()}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def sign(content: dict) -> str:
    return hmac.new(ledger_key(), canonical_json(content), hashlib.sha256).hexdigest()


def event_hash(fields: dict) -> str:
    """The legacy, unkeyed hash (hash_version 1): sha256 of the event's hashed fields."""
    return hashlib.sha256(canonical_json({name: fields[name] for name in HASHED_FIELDS})).hexdigest()


def keyed_hash(fields: dict) -> str:
    """The keyed hash (hash_version 2): HMAC-SHA256 of the hashed fields, the case version and the version."""
    return sign({name: fields[name] for name in KEYED_FIELDS})


def _unkeyed_guesses(fields: dict) -> set[str]:
    """What someone without the key would write after an edit: sha256 of the old or the new field set."""
    return {event_hash(fields), hashlib.sha256(canonical_json({name: fields[name] for name in KEYED_FIELDS})).hexdigest()}


def chain_event(**fields) -> CaseEvent:
    """An unsaved event with its keyed hash (fields must include seq, prev_hash and case_version)."""
    fields.setdefault("payload", {})
    for name in ("comment", "from_state"):
        fields.setdefault(name, "")
    for name in ("actor_id", "actor_unit_id", "old_deadline", "new_deadline", "old_level", "new_level", "case_version"):
        fields.setdefault(name, None)
    fields["hash_version"] = KEYED
    fields["hash"] = keyed_hash(fields)
    return CaseEvent(**fields)


# --- findings -----------------------------------------------------------------------------------

PROBLEMS = {
    # code: (short label, message template)
    "missing": ("缺少记录", "交办事项 {case}：第 {seq} 条办理记录缺少记录（链中有缺口）"),
    "link": ("链接断裂", "交办事项 {case}：第 {seq} 条办理记录链接断裂（与上一条的哈希不符）"),
    "edited": ("内容被篡改", "交办事项 {case}：第 {seq} 条办理记录内容被篡改（HMAC 不符）"),
    "recomputed": ("哈希被无密钥重算", "交办事项 {case}：第 {seq} 条办理记录被改写并用无密钥的 sha256 重算了哈希（HMAC 不符）"),
    "downgraded": ("哈希算法被降级", "交办事项 {case}：第 {seq} 条办理记录使用旧的无密钥算法，但写于旧链封存之后（{detail}）"),
    "head_deleted": ("最后的办理记录被删除", "交办事项 {case}：最后的办理记录被删除（锚点记录的链头为第 {seq} 条，现存链头为第 {detail} 条）"),
    "head_replaced": ("已锚定的记录被替换", "交办事项 {case}：第 {seq} 条办理记录与锚点记录的链头哈希不同（已锚定的记录被替换）"),
    "no_events": ("办理记录全部缺失", "交办事项 {case}：没有任何办理记录（整表被清空或记录被删除）{detail}"),
    "case_missing": ("交办事项缺失", "交办事项 {case}：锚点记录了它的链头（第 {seq} 条），但事项已不存在"),
    "state": ("状态与最后一条记录不符", "交办事项 {case}：状态“{detail}”与最后一条办理记录（第 {seq} 条）不符"),
    "version": ("版本号与最后一条记录不符", "交办事项 {case}：版本号 {detail} 与最后一条办理记录（第 {seq} 条）不符"),
    "count": ("办理记录总数少于锚点", "办理记录共 {detail} 条，少于锚点 #{seq} 记录的数目（记录被删除）"),
    "anchor_signature": ("锚点签名不符", "台账锚点 #{seq}：签名不符（锚点或其链头被改写）"),
    "anchor_gap": ("锚点链接断裂", "台账锚点 #{seq}：与上一锚点的签名链接断裂（锚点被删除或插入）"),
    "rollup": ("统计快照与锚点不符", "{detail} 月度统计快照与锚点 #{seq} 记录的摘要不同（定稿后被改动）"),
}


class Finding(NamedTuple):
    code: str
    case_id: int | None
    seq: int | None
    detail: str = ""

    @property
    def label(self) -> str:
        return PROBLEMS[self.code][0]

    @property
    def message(self) -> str:
        return PROBLEMS[self.code][1].format(case=self.case_id, seq=self.seq, detail=self.detail)

    def as_dict(self) -> dict:
        return {"code": self.code, "case_id": self.case_id, "seq": self.seq, "label": self.label, "message": self.message}


@dataclass
class Head:
    """The last event seen of one case's chain."""

    seq: int
    hash: str
    to_state: str
    case_version: int | None
    hash_at_anchor: str | None = None


@dataclass
class ChainWalk:
    findings: list[Finding] = field(default_factory=list)
    heads: dict[int, Head] = field(default_factory=dict)
    events: int = 0


def walk_chains(queryset=None, *, legacy_until: int = 0, anchored: dict | None = None) -> ChainWalk:
    """Recompute every chain in `queryset`; the first problem of a case stops its check, not its head.

    legacy_until: the last event id the legacy seal covers (unkeyed events after it are downgrades).
    anchored: {case id: (seq, hash)} whose hash at that seq is collected for the anchor comparison."""
    anchored = anchored or {}
    qs = queryset if queryset is not None else CaseEvent.objects.all()
    rows = qs.order_by("case_id", "seq").values("id", *KEYED_FIELDS, "hash")
    walk = ChainWalk()
    current, expected_seq, prev_hash, broken = None, 1, "", False
    for row in rows.iterator(chunk_size=5000):
        walk.events += 1
        case_id = row["case_id"]
        if case_id != current:
            current, expected_seq, prev_hash, broken = case_id, 1, "", False
            head = walk.heads[case_id] = Head(row["seq"], row["hash"], row["to_state"], row["case_version"])
        else:
            head.seq, head.hash, head.to_state, head.case_version = row["seq"], row["hash"], row["to_state"], row["case_version"]
        if case_id in anchored and anchored[case_id][0] == row["seq"]:
            head.hash_at_anchor = row["hash"]
        if broken:
            continue
        problem = _row_problem(row, expected_seq, prev_hash, legacy_until)
        if problem is None:
            expected_seq, prev_hash = expected_seq + 1, row["hash"]
            continue
        walk.findings.append(problem)
        broken = True
    return walk


def _row_problem(row, expected_seq, prev_hash, legacy_until) -> Finding | None:
    case_id = row["case_id"]
    if row["seq"] != expected_seq:
        return Finding("missing", case_id, expected_seq)
    if row["prev_hash"] != prev_hash:
        return Finding("link", case_id, row["seq"])
    if row["hash_version"] == LEGACY:
        if row["id"] > legacy_until:
            return Finding("downgraded", case_id, row["seq"], f"封存至记录编号 {legacy_until}，本条编号 {row['id']}")
        return None if event_hash(row) == row["hash"] else Finding("edited", case_id, row["seq"])
    if row["hash_version"] == KEYED and hmac.compare_digest(keyed_hash(row), row["hash"]):
        return None
    if row["hash"] in _unkeyed_guesses(row):
        return Finding("recomputed", case_id, row["seq"])
    return Finding("edited", case_id, row["seq"])


def case_findings(heads: dict[int, Head], cases) -> list[Finding]:
    """Each case's state and version against its last event; a case without events at all."""
    labels = dict(CaseState.choices)
    findings = []
    for case_id, state, version in cases.order_by("pk").values_list("pk", "state", "version").iterator(chunk_size=5000):
        head = heads.get(case_id)
        if head is None:
            findings.append(Finding("no_events", case_id, None))
        elif head.to_state != state:
            findings.append(Finding("state", case_id, head.seq, labels.get(state, state)))
        elif head.case_version is not None and head.case_version != version:
            findings.append(Finding("version", case_id, head.seq, str(version)))
    return findings


def tampered_cases(queryset=None) -> list[Finding]:
    """Chains and case rows only, without the anchors (the full check is verify())."""
    from .anchors import legacy_seal_event_id

    walk = walk_chains(queryset, legacy_until=legacy_seal_event_id())
    cases = Case.objects.all() if queryset is None else Case.objects.filter(pk__in=queryset.values("case_id"))
    return walk.findings + case_findings(walk.heads, cases)


@dataclass
class Report:
    started_at: dt.datetime
    findings: list[Finding]
    cases: int
    events: int
    anchor_id: int | None

    @property
    def ok(self) -> bool:
        return not self.findings


def verify(case_ids: list[int] | None = None) -> Report:
    """Chains, case rows and the anchors: every finding named (see PROBLEMS)."""
    from .anchors import verify_anchors

    started = timezone.now()
    anchors = verify_anchors()
    cases = Case.objects.all() if case_ids is None else Case.objects.filter(pk__in=case_ids)
    events = CaseEvent.objects.all() if case_ids is None else CaseEvent.objects.filter(case_id__in=case_ids)
    anchored = anchors.heads if case_ids is None else {c: anchors.heads[c] for c in set(case_ids) if c in anchors.heads}
    walk = walk_chains(events, legacy_until=anchors.legacy_until, anchored=anchored)
    findings = walk.findings + case_findings(walk.heads, cases)
    findings += _anchored_head_findings(anchored, walk.heads, set(cases.values_list("pk", flat=True)))
    if case_ids is None:
        findings += anchors.findings
        if anchors.latest is not None and walk.events < anchors.latest.event_count:
            findings.append(Finding("count", None, anchors.latest.pk, str(walk.events)))
    findings.sort(key=lambda f: (f.case_id is None, f.case_id or 0, f.seq or 0))
    anchor_id = anchors.latest.pk if anchors.latest is not None else None
    return Report(started, findings, cases.count(), walk.events, anchor_id)


def _anchored_head_findings(anchored: dict, heads: dict[int, Head], existing: set[int]) -> list[Finding]:
    findings = []
    for case_id, (seq, hash_) in sorted(anchored.items()):
        head = heads.get(case_id)
        if case_id not in existing:
            findings.append(Finding("case_missing", case_id, seq))
        elif head is None:
            continue  # named once already: no_events
        elif head.seq < seq:
            findings.append(Finding("head_deleted", case_id, seq, str(head.seq)))
        elif head.hash_at_anchor != hash_:
            findings.append(Finding("head_replaced", case_id, seq))
    return findings


def record_check(report: Report):
    """Keep the outcome for the audit page."""
    from .models import LedgerCheck

    return LedgerCheck.objects.create(
        started_at=report.started_at, finished_at=timezone.now(), ok=report.ok, case_count=report.cases,
        event_count=report.events, anchor_id=report.anchor_id, findings=[f.as_dict() for f in report.findings],
    )
