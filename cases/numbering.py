"""Case document numbers (文号), as a task force numbers its documents: 义乌专班〔2026〕38号.

The sequence runs per assigning unit (交办单位) and year of registration: the unit that issues the 交办单
keeps its number when escalation moves the case to another owner. `CASE_NUMBER_PATTERN` spells the
number; its placeholders are listed in NUMBER_FIELDS.
"""
from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from registry.models import Organisation

DEFAULT_PATTERN = "{task_force_short}专班〔{year}〕{seq}号"
NUMBER_FIELDS = {
    "task_force_short": "责任专班简称（单位简称，否则所在区划名称去掉“省、市、县、区”）",
    "task_force": "交办单位全称",
    "division": "交办单位所在区划名称",
    "year": "登记年度",
    "seq": "本单位当年序号",
    "id": "系统编号",
}
# Longest first: 景宁畲族自治县 → 景宁, not 景宁畲族自治.
DIVISION_SUFFIXES = ("畲族自治县", "自治县", "省", "市", "县", "区")


def task_force_short(unit) -> str:
    if unit.short_name:
        return unit.short_name.removesuffix("专班")
    name = unit.division.name
    for suffix in DIVISION_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _format(unit, year, seq, pk) -> str:
    pattern = getattr(settings, "CASE_NUMBER_PATTERN", None) or DEFAULT_PATTERN
    return pattern.format(
        task_force_short=task_force_short(unit), task_force=unit.name, division=unit.division.name,
        year=year, seq=seq, id=pk,
    )


def case_number(case) -> str:
    """The case's document number; a case without one (never numbered) shows its system id."""
    if case.doc_seq is None:
        return str(case.pk)
    return _format(case.assigning_unit, case.doc_year, case.doc_seq, case.pk)


def row_numbers(rows) -> dict:
    """{case id: number} for list rows (dicts with id, assigning_unit_id, doc_year, doc_seq): the page's
    assigning units read in one query."""
    unit_ids = {r["assigning_unit_id"] for r in rows if r["doc_seq"] is not None}
    units = Organisation.objects.select_related("division").order_by().in_bulk(unit_ids) if unit_ids else {}
    return {
        r["id"]: _format(units[r["assigning_unit_id"]], r["doc_year"], r["doc_seq"], r["id"]) if r["doc_seq"] is not None else str(r["id"])
        for r in rows
    }


def doc_year(created_at) -> int:
    return timezone.localtime(created_at).year


def allocate_number(case) -> None:
    """Set the case's next number for its assigning unit and year. Call inside the creating transaction:
    the assigning unit's row stays locked until it commits, so concurrent creations for one unit queue
    up instead of reading the same maximum (the unique constraint case_unique_doc_number is the backstop)."""
    list(Organisation._base_manager.select_for_update().filter(pk=case.assigning_unit_id).values_list("pk"))
    case.doc_year = doc_year(case.created_at)
    last = type(case)._base_manager.filter(assigning_unit_id=case.assigning_unit_id, doc_year=case.doc_year).aggregate(
        last=Max("doc_seq")
    )["last"]
    case.doc_seq = (last or 0) + 1


def number_unnumbered(case_model, batch_size: int = 2000) -> int:
    """Number the cases that have none (registered before numbering, or bulk-seeded), in order of
    registration after each unit's highest number. For migrations and the demo seeder: not safe
    alongside concurrent case_create, which takes the lock this does not."""
    manager = case_model._base_manager
    last = {
        (unit, year): seq
        for unit, year, seq in manager.filter(doc_seq__isnull=False)
        .values("assigning_unit_id", "doc_year")
        .annotate(seq=Max("doc_seq"))
        .values_list("assigning_unit_id", "doc_year", "seq")
    }
    todo = manager.filter(doc_seq__isnull=True).order_by("created_at", "id").values_list("id", "assigning_unit_id", "created_at")
    batch, done = [], 0
    for pk, unit, created_at in todo.iterator(chunk_size=batch_size):
        year = doc_year(created_at)
        last[unit, year] = last.get((unit, year), 0) + 1
        batch.append(case_model(pk=pk, doc_year=year, doc_seq=last[unit, year]))
    for start in range(0, len(batch), batch_size):
        done += manager.bulk_update(batch[start : start + batch_size], ["doc_year", "doc_seq"])
    return done
