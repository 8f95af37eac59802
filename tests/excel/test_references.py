"""Division, organisation and fk cells: by code or by name, inside the importing user's jurisdiction."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.excel import Column, Kind, SheetSpec, parse_workbook
from registry.models import Division, DivisionLevel, Organisation, User

from .workbooks import fill

pytestmark = pytest.mark.django_db

PLACES = SheetSpec("地点", columns=[
    Column("名称", "name", required=True),
    Column("所在区划", "division", Kind.DIVISION, required=True),
])
TOWNSHIPS = SheetSpec("乡镇", columns=[
    Column("乡镇", "division", Kind.DIVISION, required=True, levels=(DivisionLevel.TOWNSHIP,)),
])


def parse(spec, rows, user):
    return parse_workbook(spec, fill(spec, rows), user)


def test_a_division_by_path_and_by_code_resolve_to_the_same_division(yiwu_clerk):
    fotang = Division.objects.get(full_name="金华市/义乌市/佛堂镇")
    result = parse(PLACES, [
        ["a", "金华市/义乌市/佛堂镇"],
        ["b", fotang.code],
        ["c", int(fotang.code)],
        ["d", "浙江省/金华市/义乌市/佛堂镇"],
        ["e", "金华市／义乌市／佛堂镇"],
        ["f", f"金华市/义乌市/佛堂镇（{fotang.code}）"],
        ["g", " 金华市 / 义乌市 / 佛堂镇 "],
    ], yiwu_clerk)
    assert result.ok, result.errors
    assert {row["division"] for row in result.rows} == {fotang}
    assert fotang.full_name == "金华市/义乌市/佛堂镇"


def test_a_bare_name_is_accepted_when_it_names_one_division(province_clerk):
    result = parse(PLACES, [["a", "义乌市"], ["b", "白云街道"]], province_clerk)
    assert result.rows[0]["division"].code == "330782"
    [error] = result.errors
    assert (error.row_number, error.column_header) == (3, "所在区划")
    assert "同名" in error.message_zh and "请改填区划代码" in error.message_zh


def test_a_division_outside_the_clerks_jurisdiction_reads_like_a_missing_one(yiwu_clerk):
    result = parse(PLACES, [
        ["东阳", "330783"],
        ["东阳镇", "金华市/东阳市/吴宁街道"],
        ["不存在", "330799"],
        ["义乌", "330782"],
    ], yiwu_clerk)
    assert [(e.row_number, e.message_zh) for e in result.errors] == [
        (2, "找不到区划“330783”，或该区划不在您的管辖范围内"),
        (3, "找不到区划“金华市/东阳市/吴宁街道”，或该区划不在您的管辖范围内"),
        (4, "找不到区划“330799”，或该区划不在您的管辖范围内"),
    ]
    assert [row.number for row in result.rows] == [5]


def test_code_and_name_must_agree_and_codes_must_have_a_valid_length(yiwu_clerk):
    result = parse(PLACES, [["a", "金华市/东阳市（330782）"], ["b", "3307820"]], yiwu_clerk)
    assert "与区划代码 330782（金华市/义乌市）不一致" in result.errors[0].message_zh
    assert "6、9 或 12 位" in result.errors[1].message_zh


def test_a_column_can_restrict_division_levels(yiwu_clerk):
    result = parse(TOWNSHIPS, [["330782001"], ["330782"]], yiwu_clerk)
    assert result.rows[0]["division"].level == DivisionLevel.TOWNSHIP
    [error] = result.errors
    assert error.message_zh == "“金华市/义乌市”是县（市、区）级区划，此列只接受乡镇（街道）级"


def test_divisions_resolve_in_a_few_queries_whatever_the_row_count(yiwu_clerk):
    townships = list(Division.objects.filter(parent__code="330782").values_list("code", "full_name"))
    rows = [[f"n{i}", code if i % 2 else path] for i, (code, path) in enumerate(townships * 20)]
    content = fill(PLACES, rows)
    yiwu_clerk.division
    with CaptureQueriesContext(connection) as ctx:
        result = parse_workbook(PLACES, content, yiwu_clerk)
    assert result.ok and len(result.rows) == len(rows)
    assert len(ctx.captured_queries) <= 4
    # Their ancestors came along, one object each, so rules that walk up cost no query per row.
    with CaptureQueriesContext(connection) as ctx:
        chains = {(row["division"].parent, row["division"].county, row["division"].parent.parent) for row in result.rows}
    assert ctx.captured_queries == []
    [(county, same_county, city)] = {(id(a), id(b), id(c)) for a, b, c in chains}
    assert county == same_county
    [(yiwu, _, jinhua)] = chains
    assert (yiwu.code, jinhua.code, jinhua.parent.code) == ("330782", "330700", "330000")


UNITS = SheetSpec("单位引用", columns=[
    Column("帮扶单位", "helper", Kind.ORGANISATION, required=True, within_jurisdiction=False),
    Column("本地单位", "local", Kind.ORGANISATION),
])


def test_organisations_by_name_or_name_with_division_code(yiwu_clerk, divisions):
    province = Division.objects.get(code="330000")
    department = Organisation.objects.create(name="省农业农村厅", kind="provincial_department", division=province)
    yiwu = Organisation.objects.create(name="农业农村局", kind="other", division=Division.objects.get(code="330782"))
    Organisation.objects.create(name="农业农村局", kind="other", division=Division.objects.get(code="330783"))
    result = parse(UNITS, [
        ["省农业农村厅", "农业农村局（330782）"],
        ["省农业农村厅（330000）", "农业农村局"],
        ["农业农村局", "农业农村局（330783）"],
    ], yiwu_clerk)
    assert [(r["helper"], r["local"]) for r in result.rows] == [(department, yiwu), (department, yiwu)]
    assert [(e.row_number, e.column_header) for e in result.errors] == [(4, "帮扶单位"), (4, "本地单位")]
    assert "有 2 家同名" in result.errors[0].message_zh
    assert "不在您的管辖范围内" in result.errors[1].message_zh


def test_fk_columns_look_up_the_declared_field(yiwu_clerk):
    spec = SheetSpec("用户", columns=[Column("登录名", "user", Kind.FK, model=User, to_field="username")])
    result = parse(spec, [[yiwu_clerk.username], ["nobody"]], yiwu_clerk)
    assert result.rows[0]["user"] == yiwu_clerk
    assert result.errors[0].message_zh == "找不到用户“nobody”，或不在您的管辖范围内"
