"""The "1+3" pairing's three groups (省级单位组团、强县组团、省属国企组团) and its provincial leader:
the province's edits, one transaction each with the change history, and the Excel sheet that imports
them (members by name or by code, every bad cell reported).

The pairing record's older fields (lead_unit, member_units, partner_county, soe) are kept in step with
the groups' leads, so that the pages and sheets written before the groups read the same pairing.
"""
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from registry.excel import Column, Kind, RowsInvalid, SheetSpec, UpsertResult
from registry.excel.reader import RowError
from registry.history import record_changes, snapshot
from registry.models import (
    Division, DivisionLevel, Organisation, OrganisationKind, PairingGroup, PairingGroupKind, PairingKind,
    PairingRelationship,
)
from .models.pairings import group_unit_error

PROVINCE_ONLY = "只有省工作专班工作人员可以维护结对帮扶组团。"
SEPARATORS = re.compile(r"[、，,；;\n]+")


def check_province(actor) -> None:
    if not (actor.is_superuser or (actor.is_clerk and actor.sees_everything)):
        raise PermissionDenied(PROVINCE_ONLY)


def groups_text(pairing) -> str:
    """The groups as one history value: "省级单位组团：牵头 A；成员 B、C" per group."""
    lines = []
    for group in pairing.groups.select_related("lead_unit").prefetch_related("members").order_by("kind"):
        members = "、".join(sorted(m.name for m in group.members.all()))
        lines.append(f"{group.get_kind_display()}：牵头 {group.lead_unit.name}" + (f"；成员 {members}" if members else ""))
    return "\n".join(lines)


GROUPS_EXTRA = {"groups": ("组团", groups_text)}


def _check_groups(pairing, groups: dict) -> dict:
    errors = {}
    for kind, (lead, members) in groups.items():
        if lead is None:
            errors[f"{kind}_lead"] = [f"请选择{PairingGroupKind(kind).label}的牵头单位。"]
            continue
        problems = [group_unit_error(kind, lead, pairing.county, as_lead=True)]
        problems += [group_unit_error(kind, unit, pairing.county, as_lead=False) for unit in members]
        problems += [f"“{u.name}”已是牵头单位，不必再列为成员单位。" for u in members if u.pk == lead.pk]
        problems = [p for p in problems if p]
        if problems:
            errors[kind] = problems
    return errors


def _sync_old_fields(pairing, groups: dict) -> None:
    """The record's own lead/partner/SOE fields follow the groups' leads."""
    if PairingGroupKind.PROVINCIAL in groups:
        lead, members = groups[PairingGroupKind.PROVINCIAL]
        pairing.lead_unit = lead
        pairing.member_units.set([m for m in members if m.kind == OrganisationKind.PROVINCIAL_DEPARTMENT and m.pk != lead.pk])
    if PairingGroupKind.STRONG_COUNTY in groups:
        pairing.partner_county = groups[PairingGroupKind.STRONG_COUNTY][0].division
    if PairingGroupKind.SOE in groups:
        pairing.soe = groups[PairingGroupKind.SOE][0]


@transaction.atomic
def pairing_groups_set(*, actor, pairing: PairingRelationship, groups: dict, leader_name=None, leader_user=False,
                       reason: str = "") -> PairingRelationship:
    """Set some or all of the pairing's groups: {kind: (lead unit, [member units])}; a kind left out
    keeps its group. leader_name / leader_user (None clears it) set the provincial leader."""
    check_province(actor)
    pairing = PairingRelationship.objects.select_for_update().select_related("county").get(pk=pairing.pk)
    if pairing.kind != PairingKind.ONE_PLUS_THREE:
        raise ValidationError("只有“1+3”结对帮扶关系设组团。")
    groups = {PairingGroupKind(kind): (lead, list(dict.fromkeys(members))) for kind, (lead, members) in groups.items()}
    errors = _check_groups(pairing, groups)
    if errors:
        raise ValidationError(errors)
    before = snapshot(pairing, relations=["member_units"], extra=GROUPS_EXTRA)
    for kind, (lead, members) in groups.items():
        group, _ = PairingGroup.objects.update_or_create(pairing=pairing, kind=kind, defaults={"lead_unit": lead})
        group.members.set(members)
    if leader_name is not None:
        pairing.provincial_leader = leader_name.strip()[:32]
    if leader_user is not False:
        pairing.leader_user = leader_user
    _sync_old_fields(pairing, groups)
    pairing.full_clean()
    pairing.save()
    record_changes(pairing, actor=actor, before=before,
                   after=snapshot(pairing, relations=["member_units"], extra=GROUPS_EXTRA), reason=reason)
    return pairing


# --- finding units by name or code ----------------------------------------------------------------

CODE = re.compile(r"^\d{6}$")
NAME_WITH_CODE = re.compile(r"^(?P<name>.+?)[（(](?P<code>\d{6,12})[)）]$")


def county_unit(county: Division):
    """The unit that stands for a strong county: its government, else its task force."""
    units = Organisation.objects.filter(division=county, is_active=True,
                                        kind__in=[OrganisationKind.COUNTY_GOVERNMENT, OrganisationKind.COUNTY_TASK_FORCE])
    return units.order_by("kind", "pk").first()  # county_government sorts before county_task_force


def find_unit(text: str):
    """The organisation a cell names: "330782" (a county's code: its government or task force), "单位名称"
    (or its short name, if only one unit bears it) or "单位名称（区划代码）". Answers (unit, error)."""
    text = text.strip()
    if CODE.match(text):
        county = Division.objects.filter(code=text, level=DivisionLevel.COUNTY).first()
        if county is None:
            return None, f"没有代码为 {text} 的县（市、区）。"
        unit = county_unit(county)
        return (unit, None) if unit else (None, f"{county.name}（{text}）没有县政府或县工作专班单位。")
    match = NAME_WITH_CODE.match(text)
    if match:
        found = list(Organisation.objects.filter(name=match["name"], division__code=match["code"], is_active=True)[:2])
    else:
        found = list(Organisation.objects.filter(Q(name=text) | Q(short_name=text), is_active=True)[:2])
    if len(found) == 1:
        return found[0], None
    if not found:
        return None, f"找不到单位“{text}”。"
    return None, f"“{text}”对应多个单位，请写成“单位名称（区划代码）”。"


# --- the Excel sheet -------------------------------------------------------------------------------

LEAD, MEMBERS = "牵头单位", "成员单位"
GROUP_SHEET = SheetSpec("结对帮扶组团", key_columns=["county", "year", "kind"], columns=[
    Column("受帮扶县", "county", Kind.DIVISION, required=True, levels=(DivisionLevel.COUNTY,), within_jurisdiction=False),
    Column("年度", "year", Kind.INT, required=True, min_value=2000, max_value=2100),
    Column("组团类型", "kind", Kind.CHOICE, required=True, choices=PairingGroupKind.choices),
    Column(LEAD, "lead", required=True, max_length=200, help="单位名称，或“单位名称（区划代码）”；强县可填县代码，如 330782"),
    Column(MEMBERS, "members", max_length=4000, help="多个单位用“、”分隔，写法同牵头单位"),
    Column("联系省领导", "leader", max_length=32, help="填写则同时更新该结对关系的联系省领导"),
], instructions="以“受帮扶县 + 年度 + 组团类型”识别；导入即以表中的牵头单位和成员单位替换该组团。")


def _group_rows(pairing_ids=None):
    """The export's rows: one per group, units written as "名称（区划代码）" so the import finds them again."""
    groups = PairingGroup.objects.select_related("pairing__county", "lead_unit__division").prefetch_related("members__division")
    if pairing_ids is not None:
        groups = groups.filter(pairing_id__in=pairing_ids)
    for group in groups.order_by("pairing__county__code", "pairing__year", "kind"):
        yield {
            "county": group.pairing.county, "year": group.pairing.year, "kind": group.kind,
            "lead": unit_cell(group.lead_unit),
            "members": "、".join(unit_cell(m) for m in sorted(group.members.all(), key=lambda m: m.name)),
            "leader": group.pairing.provincial_leader,
        }


def unit_cell(unit) -> str:
    return f"{unit.name}（{unit.division.code}）"


def export_groups(user) -> list[dict]:
    visible = PairingRelationship.objects.for_user(user).values("pk")
    return list(_group_rows(pairing_ids=visible))


def units_in_cell(row, key: str, header: str, errors: list) -> list:
    """The units a cell lists ("、"-separated names or codes); each one not found is a RowError."""
    units = []
    for text in [t for t in SEPARATORS.split(row.get(key) or "") if t.strip()]:
        unit, error = find_unit(text)
        if error:
            errors.append(RowError(row.number, header, error))
        else:
            units.append(unit)
    return units


def _resolve_row(row, errors):
    lead, error = find_unit(row["lead"])
    if error:
        errors.append(RowError(row.number, LEAD, error))
    return lead, units_in_cell(row, "members", MEMBERS, errors)


def groups_import(rows, user) -> UpsertResult:
    """Apply the sheet (inside run_import's transaction): every row's units resolved first, every bad
    cell reported; a group equal to the sheet's row is left untouched (re-importing an export changes nothing)."""
    check_province(user)
    errors, plans = [], []
    pairings = {(p.county_id, p.year): p for p in PairingRelationship.objects.filter(
        kind=PairingKind.ONE_PLUS_THREE, county__in={r["county"] for r in rows}).select_related("county")}
    for row in rows:
        pairing = pairings.get((row["county"].pk, row["year"]))
        if pairing is None:
            errors.append(RowError(row.number, "受帮扶县", f"{row['county'].name}{row['year']}年没有“1+3”结对帮扶关系，请先新建。"))
            continue
        lead, members = _resolve_row(row, errors)
        if lead is not None:
            lead_error = group_unit_error(row["kind"], lead, pairing.county, as_lead=True)
            if lead_error:
                errors.append(RowError(row.number, LEAD, lead_error))
        member_errors = [group_unit_error(row["kind"], unit, pairing.county, as_lead=False) for unit in members]
        member_errors += [f"“{u.name}”已是牵头单位，不必再列为成员单位。" for u in members if lead is not None and u.pk == lead.pk]
        errors += [RowError(row.number, MEMBERS, message) for message in member_errors if message]
        plans.append((row, pairing, lead, members))
    if errors:
        raise RowsInvalid(errors)
    result = UpsertResult()
    for row, pairing, lead, members in plans:
        group = PairingGroup.objects.filter(pairing=pairing, kind=row["kind"]).first()
        leader = row.get("leader") or None
        same = (group is not None and group.lead_unit_id == lead.pk and {m.pk for m in group.members.all()} == {m.pk for m in members}
                and (leader is None or leader == pairing.provincial_leader))
        if same:
            result.unchanged += 1
            continue
        pairing_groups_set(actor=user, pairing=pairing, groups={row["kind"]: (lead, members)}, leader_name=leader,
                           reason="Excel 导入")
        if group is None:
            result.created += 1
        else:
            result.updated += 1
    return result
