"""The all-or-nothing import and the keyed upsert, on the real organisations sheet."""
import pytest
from django.core.exceptions import ValidationError
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.excel import RowsInvalid, UpsertResult, export_rows, run_import, upsert_by_key
from registry.excel.organisations import ORGANISATION_SHEET, organisations_import
from registry.models import Organisation, OrganisationKind

from .workbooks import fill, sheet_rows

pytestmark = pytest.mark.django_db


def _yiwu_orgs():
    return Organisation.objects.filter(division__key__startswith="330782")


def _snapshot(qs):
    return sorted(qs.values_list("name", "short_name", "kind", "division__code", "is_active"))


def test_template_fill_import_export_reimport_is_a_fixed_point(yiwu_clerk):
    content = fill(ORGANISATION_SHEET, [
        ["佛堂镇人民政府", "佛堂镇", "乡镇政府（街道办）", "金华市/义乌市/佛堂镇", "是"],
        ["义乌市农业农村局", "", "县（市、区）政府", 330782, None],
        ["义乌小商品城集团", "商城集团", "soe", "330782", "否"],
        ["佛堂古镇旅游公司", "", "企业", "330782001", "是"],
    ])
    report = run_import(ORGANISATION_SHEET, content, yiwu_clerk, apply=organisations_import)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    soe = Organisation.objects.get(name="义乌小商品城集团")
    assert (soe.kind, soe.short_name, soe.is_active, soe.division.code) == ("soe", "商城集团", False, "330782")
    assert Organisation.objects.get(name="义乌市农业农村局").is_active is True  # empty cell: the default

    before = _snapshot(_yiwu_orgs())
    exported = export_rows(ORGANISATION_SHEET, _yiwu_orgs().select_related("division").order_by("pk"))
    again = run_import(ORGANISATION_SHEET, exported, yiwu_clerk, apply=organisations_import)
    assert again.ok, again.errors
    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == _yiwu_orgs().count()
    assert _snapshot(_yiwu_orgs()) == before
    # And the export of the re-imported data is byte-for-byte the same sheet content.
    assert sheet_rows(export_rows(ORGANISATION_SHEET, _yiwu_orgs().select_related("division").order_by("pk")),
                      "单位") == sheet_rows(exported, "单位")


def test_an_edited_export_updates_only_what_changed(yiwu_clerk):
    org = Organisation.objects.create(name="义乌市供销社", kind="other", division_id=_division("330782"))
    exported = export_rows(ORGANISATION_SHEET, [org])
    rows = sheet_rows(exported, "单位")
    assert rows[1] == ("义乌市供销社", None, "其他单位", "金华市/义乌市（330782）", "是")
    edited = fill(ORGANISATION_SHEET, [["义乌市供销社", "供销社", "其他单位", "金华市/义乌市（330782）", "是"],
                                       ["新单位", None, "企业", "330782", "是"]])
    report = run_import(ORGANISATION_SHEET, edited, yiwu_clerk, apply=organisations_import)
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    org.refresh_from_db()
    assert org.short_name == "供销社"


def test_records_are_matched_by_their_whole_key(yiwu_clerk):
    # Each name exists, each division too, but not as these pairs: both rows are new units.
    fotang = Organisation.objects.create(name="农业服务中心", kind="other", division_id=_division("330782001"))
    yiwu = Organisation.objects.create(name="供销社", kind="other", division_id=_division("330782"))
    crossed = fill(ORGANISATION_SHEET, [["供销社", "佛堂", "其他单位", "330782001", "是"],
                                        ["农业服务中心", "义乌", "其他单位", "330782", "是"],
                                        ["供销社", "已有", "其他单位", "330782", "是"]])
    report = run_import(ORGANISATION_SHEET, crossed, yiwu_clerk, apply=organisations_import)
    assert (report.created, report.updated, report.unchanged) == (2, 1, 0), report.errors
    fotang.refresh_from_db()
    yiwu.refresh_from_db()
    assert (fotang.short_name, yiwu.short_name) == ("", "已有")
    assert set(Organisation.objects.filter(short_name__in=["佛堂", "义乌"]).values_list("name", "division__code")) == {
        ("供销社", "330782001"), ("农业服务中心", "330782")}


def _division(code):
    from registry.models import Division

    return Division.objects.get(code=code).pk


def test_a_bad_workbook_changes_nothing_and_reports_every_bad_row_and_column(yiwu_clerk):
    existing = Organisation.objects.create(name="义乌市档案馆", kind="other", division_id=_division("330782"))
    before = _snapshot(Organisation.objects.all())
    content = fill(ORGANISATION_SHEET, [
        ["义乌市档案馆", "改名", "其他单位", "330782", "是"],  # valid, must not be saved
        [None, "", "企业", "330782", "是"],  # row 3: name missing
        ["单位甲", "", "不存在的类型", "金华市/东阳市", "也许"],  # row 4: three bad cells
        ["单位乙", "x" * 65, "企业", "9999", "是"],  # row 5: short name too long, bad code
        ["单位丙", "", "企业", "金华市/义乌市/不存在镇", "是"],  # row 6
        ["单位丁", "", "企业", "330782", "是"],  # valid
        ["单位丁", "", "企业", "金华市/义乌市", "是"],  # row 8: same key as row 7
    ])
    report = run_import(ORGANISATION_SHEET, content, yiwu_clerk, apply=organisations_import)
    assert not report.ok
    assert [(e.row_number, e.column_header) for e in report.errors] == [
        (3, "单位名称"),
        (4, "单位类型"), (4, "所在区划"), (4, "启用"),
        (5, "简称"), (5, "所在区划"),
        (6, "所在区划"),
        (8, ""),
    ]
    messages = {(e.row_number, e.column_header): e.message_zh for e in report.errors}
    assert messages[(3, "单位名称")] == "必填，不能为空"
    assert "不是可选值" in messages[(4, "单位类型")]
    assert "不在您的管辖范围内" in messages[(4, "所在区划")]
    assert "不能超过 64 个字" in messages[(5, "简称")]
    assert "6、9 或 12 位" in messages[(5, "所在区划")]
    assert messages[(8, "")] == "与第 7 行的所在区划、单位名称重复"
    assert "未保存任何数据" in report.summary
    assert _snapshot(Organisation.objects.all()) == before
    existing.refresh_from_db()
    assert existing.short_name == ""


def test_a_validation_error_raised_while_applying_rolls_everything_back(yiwu_clerk):
    content = fill(ORGANISATION_SHEET, [["单位一", "", "企业", "330782", "是"], ["单位二", "", "企业", "330782", "是"]])
    before = Organisation.objects.count()

    def apply_then_refuse(rows, user):
        upsert_by_key(Organisation, rows, spec=ORGANISATION_SHEET, user=user)
        raise RowsInvalid.from_validation(ORGANISATION_SHEET, rows[1], ValidationError({"kind": "企业不能在此导入"}))

    report = run_import(ORGANISATION_SHEET, content, yiwu_clerk, apply=apply_then_refuse)
    assert [(e.row_number, e.column_header, e.message_zh) for e in report.errors] == [(3, "单位类型", "企业不能在此导入")]
    assert Organisation.objects.count() == before

    def refuse_plainly(rows, user):
        upsert_by_key(Organisation, rows, spec=ORGANISATION_SHEET, user=user)
        raise ValidationError("本月已锁定，不能导入")

    report = run_import(ORGANISATION_SHEET, content, yiwu_clerk, apply=refuse_plainly)
    assert [e.message_zh for e in report.errors] == ["本月已锁定，不能导入"]
    assert Organisation.objects.count() == before


def test_upsert_reports_every_row_that_fails_model_validation(yiwu_clerk):
    content = fill(ORGANISATION_SHEET, [["单位一", "", "企业", "330782", "是"], ["单位二", "", "企业", "330782", "是"]])
    from registry.excel import parse_workbook

    rows = parse_workbook(ORGANISATION_SHEET, content, yiwu_clerk).rows
    for row in rows:
        row["kind"] = "no-such-kind"  # what a buggy apply could hand over: the model refuses it
    with pytest.raises(RowsInvalid) as caught:
        upsert_by_key(Organisation, rows, spec=ORGANISATION_SHEET, user=yiwu_clerk)
    assert [(e.row_number, e.column_header) for e in caught.value.errors] == [(2, "单位类型"), (3, "单位类型")]


def test_a_matched_record_outside_the_jurisdiction_is_not_touched(yiwu_clerk, divisions):
    # Same key, but the clerk of Yiwu may not edit an organisation placed in Dongyang.
    from registry.excel import Row

    dongyang = Organisation.objects.create(name="东阳市某局", kind="other", division_id=_division("330783"))
    rows = [Row(2, {"name": "东阳市某局", "short_name": "x", "kind": "other", "division": dongyang.division,
                    "is_active": True})]
    with pytest.raises(RowsInvalid) as caught:
        upsert_by_key(Organisation, rows, spec=ORGANISATION_SHEET, user=yiwu_clerk)
    assert "不在您的管辖范围内" in caught.value.errors[0].message_zh
    dongyang.refresh_from_db()
    assert dongyang.short_name == ""


def test_import_queries_grow_with_batches_not_rows(yiwu_clerk):
    def queries_for(count):
        content = fill(ORGANISATION_SHEET, [[f"单位{count}-{i}", "", "企业", "330782001", "是"] for i in range(count)])
        with CaptureQueriesContext(connection) as ctx:
            report = run_import(ORGANISATION_SHEET, content, yiwu_clerk, apply=organisations_import)
        assert report.ok and report.created == count
        # Writes: INSERTs, or on PostgreSQL a COPY after reserving the primary keys.
        inserts = [q for q in ctx.captured_queries if q["sql"].startswith(("INSERT", "COPY", "SELECT nextval"))]
        return len(ctx.captured_queries) - len(inserts), len(inserts)

    yiwu_clerk.division  # the user's organisation, loaded once per request in real use
    ContentType.objects.get_for_model(Organisation)  # cached per process: whichever ran first paid it
    (reads_few, inserts_few), (reads_many, inserts_many) = queries_for(40), queries_for(400)
    assert reads_few == reads_many <= 7
    # 400 organisations and 1,600 history rows: bulk INSERTs (SQLite caps one at 999 parameters).
    assert inserts_many <= 20


def test_upsert_result_counts_are_returned_to_the_report(yiwu_clerk):
    def count_only(rows, user):
        return UpsertResult(created=len(rows))

    content = fill(ORGANISATION_SHEET, [["单位一", "", OrganisationKind.ENTERPRISE.label, "330782", "是"]])
    report = run_import(ORGANISATION_SHEET, content, yiwu_clerk, apply=count_only)
    assert report.ok and report.created == 1 and report.rows == 1
    assert report.summary == "导入成功：共 1 行，新增 1 条，更新 0 条，未变化 0 条。"


def test_imported_changes_are_recorded_in_the_history(yiwu_clerk):
    from registry.history import history_for

    content = fill(ORGANISATION_SHEET, [["义乌市总工会", "", "其他单位", "330782", "是"]])
    run_import(ORGANISATION_SHEET, content, yiwu_clerk, apply=organisations_import)
    org = Organisation.objects.get(name="义乌市总工会")
    [created] = history_for(org)
    assert (created.action, created.field, created.user) == ("create", "*", yiwu_clerk)
    assert {"单位名称：义乌市总工会", "单位类型：其他单位", "所在区划：金华市/义乌市", "启用：是"} <= set(created.new_value.splitlines())

    edited = fill(ORGANISATION_SHEET, [["义乌市总工会", "总工会", "其他单位", "330782", "否"]])
    run_import(ORGANISATION_SHEET, edited, yiwu_clerk, apply=organisations_import)
    updates = [(r.field, r.old_value, r.new_value, r.user, r.reason) for r in history_for(org) if r.action == "update"]
    assert sorted(updates) == [("is_active", "是", "否", yiwu_clerk, "Excel 导入"),
                               ("short_name", "", "总工会", yiwu_clerk, "Excel 导入")]
