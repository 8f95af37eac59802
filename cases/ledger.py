"""The hash chain of case events: each event's hash covers its content and the previous event's hash."""
import datetime as dt
import hashlib
import json

from .models import CaseEvent

HASHED_FIELDS = (
    "case_id", "seq", "action", "from_state", "to_state", "actor_id", "actor_unit_id", "created_at", "comment",
    "old_deadline", "new_deadline", "old_level", "new_level", "payload", "prev_hash",
)


def _canonical(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def event_hash(fields: dict) -> str:
    """sha256 of the event's hashed fields, serialised canonically (sorted keys, no spaces)."""
    content = {name: _canonical(fields[name]) for name in HASHED_FIELDS}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chain_event(**fields) -> CaseEvent:
    """An unsaved event with its hash computed (fields must include seq and prev_hash)."""
    fields.setdefault("payload", {})
    for name in ("comment", "from_state"):
        fields.setdefault(name, "")
    for name in ("actor_id", "actor_unit_id", "old_deadline", "new_deadline", "old_level", "new_level"):
        fields.setdefault(name, None)
    fields["hash"] = event_hash(fields)
    return CaseEvent(**fields)


def tampered_cases(queryset=None) -> list[tuple[int, int, str]]:
    """(case id, event seq, problem) for every case whose chain does not verify."""
    qs = queryset if queryset is not None else CaseEvent.objects.all()
    rows = qs.order_by("case_id", "seq").values(*HASHED_FIELDS, "hash")
    problems = []
    current, expected_seq, prev_hash, broken = None, 1, "", False
    for row in rows.iterator(chunk_size=5000):
        if row["case_id"] != current:
            current, expected_seq, prev_hash, broken = row["case_id"], 1, "", False
        if broken:
            continue
        if row["seq"] != expected_seq:
            problems.append((current, expected_seq, "缺少记录"))
        elif row["prev_hash"] != prev_hash:
            problems.append((current, row["seq"], "链接断裂"))
        elif event_hash(row) != row["hash"]:
            problems.append((current, row["seq"], "内容被篡改"))
        else:
            expected_seq, prev_hash = expected_seq + 1, row["hash"]
            continue
        broken = True
    return problems
