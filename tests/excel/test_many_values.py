"""Many-valued columns and prepare(): a workshop sheet with its partner enterprises, round-tripped."""
import pytest

from registry.excel import Column, Kind, SheetSpec, export_rows, history_recorder, run_import, upsert_by_key
from registry.history import history_for
from registry.models import Division, DivisionLevel, Organisation, PairingForm, Workshop, WorkshopType

from .workbooks import fill, sheet_rows

pytestmark = pytest.mark.django_db

WORKSHOPS = SheetSpec("共富工坊", key_columns=["village", "name"], columns=[
    Column("工坊名称", "name", required=True, max_length=100),
    Column("所在村", "village", Kind.DIVISION, required=True, levels=(DivisionLevel.VILLAGE,)),
    Column("工坊类型", "type", Kind.CHOICE, required=True, choices=WorkshopType.choices),
    Column("结对形式", "pairing_form", Kind.CHOICE, required=True, choices=PairingForm.choices),
    Column("合作企业", "partner_enterprises", Kind.ORGANISATION, many=True, within_jurisdiction=False),
])


def _prepare(workshop, row):
    workshop.derive_county()
    workshop.clean_relations(partner_enterprises=row["partner_enterprises"])


def workshops_import(rows, user):
    return upsert_by_key(Workshop, rows, spec=WORKSHOPS, user=user, prepare=_prepare,
                         on_change=history_recorder(WORKSHOPS, user))


@pytest.fixture
def village(divisions):
    return Division.objects.filter(key__startswith="330782", level=DivisionLevel.VILLAGE).order_by("code").first()


@pytest.fixture
def enterprises(divisions):
    yiwu = Division.objects.get(code="330782")
    return [Organisation.objects.create(name=f"义乌企业{i}", kind="enterprise", division=yiwu) for i in range(3)]


def test_a_many_valued_column_round_trips_as_a_fixed_point(yiwu_clerk, village, enterprises):
    content = fill(WORKSHOPS, [
        ["织袜工坊", village.code, "来料加工式", "一村对多企", "义乌企业0、义乌企业1"],
        ["直播工坊", village.full_name, "电商直播式", "一村对一企", "义乌企业2（330782）"],
        ["空工坊", village.code, "品牌带动式", "一村对一企", None],
    ])
    report = run_import(WORKSHOPS, content, yiwu_clerk, apply=workshops_import)
    assert report.ok, report.errors
    socks = Workshop.objects.get(name="织袜工坊")
    assert set(socks.partner_enterprises.all()) == set(enterprises[:2])
    assert (socks.township, socks.county.code) == (village.parent, "330782")  # derived by prepare()
    assert not Workshop.objects.get(name="空工坊").partner_enterprises.exists()

    queryset = Workshop.objects.select_related("village").prefetch_related("partner_enterprises__division")
    exported = export_rows(WORKSHOPS, queryset.order_by("name").iterator(chunk_size=100))
    assert sheet_rows(exported, "共富工坊")[3][4] == "义乌企业0（330782）、义乌企业1（330782）"
    again = run_import(WORKSHOPS, exported, yiwu_clerk, apply=workshops_import)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_changing_a_list_replaces_it_and_is_recorded(yiwu_clerk, village, enterprises):
    run_import(WORKSHOPS, fill(WORKSHOPS, [["织袜工坊", village.code, "来料加工式", "一村对多企", "义乌企业0、义乌企业1"]]),
               yiwu_clerk, apply=workshops_import)
    workshop = Workshop.objects.get(name="织袜工坊")
    stamped = workshop.updated_at
    report = run_import(WORKSHOPS, fill(WORKSHOPS, [["织袜工坊", village.code, "来料加工式", "一村对多企",
                                                     "义乌企业1，义乌企业2"]]), yiwu_clerk, apply=workshops_import)
    assert (report.created, report.updated) == (0, 1)
    assert set(workshop.partner_enterprises.all()) == set(enterprises[1:])
    [change] = [r for r in history_for(workshop) if r.action == "update"]
    assert (change.field, change.old_value, change.new_value) == ("partner_enterprises", "义乌企业0、义乌企业1",
                                                                   "义乌企业1、义乌企业2")
    workshop.refresh_from_db()
    assert workshop.updated_at == stamped  # only the links changed, not the row


def test_bad_values_in_a_list_and_rules_of_prepare_are_row_errors(yiwu_clerk, village, enterprises):
    content = fill(WORKSHOPS, [
        ["甲工坊", village.code, "来料加工式", "一村对一企", "义乌企业0、义乌企业1"],
        ["乙工坊", village.code, "来料加工式", "一村对多企", "义乌企业0、不存在的企业、也不存在"],
        ["丙工坊", village.parent.code, "来料加工式", "一村对多企", "义乌企业0、义乌企业1"],
    ])
    report = run_import(WORKSHOPS, content, yiwu_clerk, apply=workshops_import)
    assert [(e.row_number, e.column_header) for e in report.errors] == [(3, "合作企业"), (4, "所在村")]
    assert "不存在的企业" in report.errors[0].message_zh and "也不存在" in report.errors[0].message_zh

    fixed = fill(WORKSHOPS, [["甲工坊", village.code, "来料加工式", "一村对一企", "义乌企业0、义乌企业1"]])
    report = run_import(WORKSHOPS, fixed, yiwu_clerk, apply=workshops_import)
    assert [(e.row_number, e.column_header, e.message_zh) for e in report.errors] == [
        (2, "合作企业", "“一村对一企”“多村对一企”只能选择一家合作企业。")]
    assert not Workshop.objects.exists()


def test_a_changed_village_moves_the_derived_township_and_county(yiwu_clerk, village, enterprises):
    other = Division.objects.filter(key__startswith="330782", level=DivisionLevel.VILLAGE).exclude(
        parent=village.parent).first()
    Workshop.objects.create(name="织袜工坊", village=village, township=village.parent, county=village.county,
                            type="processing", pairing_form="one_one")
    spec = SheetSpec("共富工坊", key_columns=["name"], columns=WORKSHOPS.columns)
    content = fill(spec, [["织袜工坊", other.code, "来料加工式", "一村对一企", ""]])
    report = run_import(spec, content, yiwu_clerk,
                        apply=lambda rows, user: upsert_by_key(Workshop, rows, spec=spec, user=user, prepare=_prepare))
    assert report.updated == 1
    workshop = Workshop.objects.get(name="织袜工坊")
    assert (workshop.village, workshop.township) == (other, other.parent)
