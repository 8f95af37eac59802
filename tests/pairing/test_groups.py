"""The pairing's three groups: who may lead and join each, the province's edits with history, the
old fields kept in step, and the Excel import (members by name or code, every bad cell reported)."""
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from registry.deliverables.pairing_groups import GROUP_SHEET, export_groups, groups_import, pairing_groups_set
from registry.excel import export_rows, run_import
from registry.models import ChangeRecord, OrganisationKind
from tests.factories import make_user

from .factories import SUICHANG, YEAR, YIWU, YONGKANG, sheet_file, unit


def test_groups_hold_the_named_kinds_and_the_old_fields_follow(world):
    s = world.suichang
    assert set(s.groups) == {"provincial", "strong_county", "soe"}
    assert set(s.groups["provincial"].members.all()) == {s.school, s.hospital}
    assert s.pairing.partner_county.code == YIWU and s.pairing.soe == s.soe and s.pairing.lead_unit == s.dept


@pytest.mark.parametrize("kind,lead_kind,code,message", [
    ("provincial", OrganisationKind.SCHOOL, "330000", "不能作为省级单位组团的牵头单位"),
    ("strong_county", OrganisationKind.COUNTY_GOVERNMENT, "330727", "山区海岛县"),
    ("soe", OrganisationKind.PROVINCIAL_DEPARTMENT, "330000", "不能作为省属国企组团的牵头单位"),
])
def test_a_lead_of_the_wrong_kind_or_place_is_refused(world, kind, lead_kind, code, message):
    wrong = unit(code, lead_kind, "某单位（测试）")
    with pytest.raises(ValidationError) as refused:
        pairing_groups_set(actor=world.province_clerk, pairing=world.suichang.pairing, groups={kind: (wrong, [])})
    assert message in str(refused.value)


def test_members_are_checked_one_by_one(world):
    s = world.suichang
    enterprise = unit("330000", OrganisationKind.ENTERPRISE, "某民营企业（测试）")
    with pytest.raises(ValidationError) as refused:
        pairing_groups_set(actor=world.province_clerk, pairing=s.pairing, groups={"provincial": (s.dept, [s.school, enterprise, s.dept])})
    text = str(refused.value)
    assert "某民营企业（测试）" in text and "已是牵头单位" in text and "浙江大学" not in text


def test_only_the_province_edits_groups_and_every_edit_is_recorded(world):
    s = world.suichang
    with pytest.raises(PermissionDenied):
        pairing_groups_set(actor=world.suichang_clerk, pairing=s.pairing, groups={"provincial": (s.dept, [])})
    pairing_groups_set(actor=world.province_clerk, pairing=s.pairing, groups={"provincial": (s.dept, [s.school])},
                       leader_name="李副省长", reason="调整组团")
    s.pairing.refresh_from_db()
    assert s.pairing.provincial_leader == "李副省长"
    record = ChangeRecord.objects.get(object_id=s.pairing.pk, field="groups", reason="调整组团")
    assert "浙江省人民医院" in record.old_value and "浙江省人民医院" not in record.new_value


def _sheet(rows):
    return sheet_file(GROUP_SHEET, rows)


def test_import_takes_members_by_name_or_code_and_reports_every_bad_cell(world):
    yongkang = unit(YONGKANG, OrganisationKind.COUNTY_GOVERNMENT, "永康市人民政府")
    bad = run_import(GROUP_SHEET, _sheet([
        ["遂昌县", YEAR, "强县组团", "330782", "330784、不存在的单位"],
        ["遂昌县", YEAR, "省级单位组团", "浙江大学", ""],
    ]), world.province_clerk, groups_import)
    assert not bad.ok
    assert {(e.row_number, e.column_header) for e in bad.errors} == {(2, "成员单位"), (3, "牵头单位")}
    good = run_import(GROUP_SHEET, _sheet([["遂昌县", YEAR, "强县组团", "330782", "330784"]]), world.province_clerk, groups_import)
    assert good.ok, good.errors
    assert list(world.suichang.groups["strong_county"].members.all()) == [yongkang]
    assert good.updated == 1


def test_export_re_imports_unchanged(world):
    content = export_rows(GROUP_SHEET, export_groups(world.province_clerk))
    report = run_import(GROUP_SHEET, _as_file(content), world.province_clerk, groups_import)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 6)


def _as_file(content):
    out = io.BytesIO(content)
    out.name = "组团.xlsx"
    return out


def test_a_county_clerk_may_not_import_groups(world):
    with pytest.raises(PermissionDenied):
        groups_import([], make_user("clerk", SUICHANG))


def test_the_province_edits_groups_on_the_pairing_page(world, client):
    s = world.suichang
    url = reverse("pairing-groups-edit", args=[s.pairing.pk])
    client.force_login(world.suichang_clerk)
    assert "groups_form" not in client.get(reverse("pairing-detail", args=[s.pairing.pk])).context
    client.post(url, {"provincial_lead": s.dept.pk, "leader": "某"})
    assert s.pairing.groups.get(kind="provincial").members.count() == 2  # refused: not the province
    client.force_login(world.province_clerk)
    response = client.post(url, {"provincial_lead": s.dept.pk, "provincial_members": [s.school.pk], "leader": "李副省长"}, follow=True)
    assert "组团已保存" in response.content.decode()
    assert list(s.pairing.groups.get(kind="provincial").members.all()) == [s.school]
    wrong = client.post(url, {"soe_lead": s.dept.pk}, follow=True)
    assert "省属国企组团牵头单位" in wrong.content.decode()  # a department offered as an SOE group's lead: refused


def test_the_migration_turns_the_old_fields_into_three_groups(divisions):
    """registry 0010: a pairing recorded with a lead department (and members), a strong county and an SOE."""
    from importlib import import_module

    from django.apps import apps

    from registry.models import PairingGroup, PairingKind, PairingRelationship

    from .factories import county

    migration = import_module("registry.migrations.0013_pairing_groups")
    dept = unit("330000", OrganisationKind.PROVINCIAL_DEPARTMENT, "省民政厅（迁移）")
    member = unit("330000", OrganisationKind.PROVINCIAL_DEPARTMENT, "省教育厅（迁移）")
    energy = unit("330000", OrganisationKind.STATE_OWNED_ENTERPRISE, "省国企（迁移）")
    old = PairingRelationship.objects.create(county=county(SUICHANG), kind=PairingKind.ONE_PLUS_THREE, year=YEAR,
                                             lead_unit=dept, partner_county=county(YIWU), soe=energy)
    old.member_units.set([member])
    migration.groups_from_old_fields(apps, None)
    groups = {g.kind: g for g in PairingGroup.objects.filter(pairing=old)}
    assert groups["provincial"].lead_unit == dept and list(groups["provincial"].members.all()) == [member]
    assert groups["strong_county"].lead_unit.division.code == YIWU  # the county's government, made if missing
    assert groups["soe"].lead_unit == energy
