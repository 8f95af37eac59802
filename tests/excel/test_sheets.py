"""The template and the export: what a clerk sees when opening them in Excel."""
import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from registry.excel import Column, Kind, SheetSpec, build_template, export_rows
from registry.excel.writer import INSTRUCTIONS_TITLE, LISTS_TITLE

LONG_CHOICES = [(f"v{i}", f"第{i}种很长的类型名称，用来撑满下拉列表") for i in range(30)]
SPEC = SheetSpec("工坊", key_columns=["name"], columns=[
    Column("工坊名称", "name", required=True, max_length=64),
    Column("类型", "kind", Kind.CHOICE, required=True, choices=[("a", "来料加工式"), ("b", "电商直播式")]),
    Column("细分", "detail", Kind.CHOICE, choices=LONG_CHOICES),
    Column("运营中", "running", Kind.BOOL),
    Column("月均增收（元）", "gain", Kind.DECIMAL, decimal_places=2),
    Column("开办日期", "opened", Kind.DATE),
    Column("更新时间", "updated", Kind.TEXT),
])


def _open(content):
    return load_workbook(io.BytesIO(content))


def test_the_template_has_frozen_chinese_headers_dropdowns_and_instructions():
    workbook = _open(build_template(SPEC))
    assert workbook.sheetnames == ["工坊", INSTRUCTIONS_TITLE, LISTS_TITLE]
    sheet = workbook["工坊"]
    assert [c.value for c in sheet[1]] == [c.header for c in SPEC.columns]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.color.rgb.endswith("C00000")  # required columns stand out
    assert "不超过 64 个字" in sheet["A1"].comment.text
    assert sheet.column_dimensions["A"].width >= 12
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert validations["B2:B20001"].formula1 == '"来料加工式,电商直播式"'
    assert validations["D2:D20001"].formula1 == '"是,否"'
    # Thirty long labels do not fit Excel's 255-character inline list: they live on a hidden sheet.
    assert validations["C2:C20001"].formula1 == f"'{LISTS_TITLE}'!$A$1:$A$30"
    assert workbook[LISTS_TITLE].sheet_state == "hidden"
    assert workbook[LISTS_TITLE]["A30"].value == LONG_CHOICES[29][1]
    instructions = "\n".join(str(c.value) for row in workbook[INSTRUCTIONS_TITLE].iter_rows() for c in row if c.value)
    assert "第 1 行为表头" in instructions and "以“工坊名称”识别记录" in instructions
    assert "来料加工式、电商直播式" in instructions


def test_the_export_keeps_decimals_dates_and_local_times():
    updated = dt.datetime(2026, 1, 31, 16, 30, tzinfo=dt.UTC)
    rows = [{"name": "工坊一", "kind": "b", "detail": "v3", "running": True, "gain": Decimal("2668.50"),
             "opened": dt.date(2025, 6, 1), "updated": updated}]
    sheet = _open(export_rows(SPEC, rows))["工坊"]
    values = [c.value for c in sheet[2]]
    assert values[:4] == ["工坊一", "电商直播式", LONG_CHOICES[3][1], "是"]
    assert values[4] == 2668.5 and sheet["E2"].number_format == "0.00"
    assert values[5] == dt.datetime(2025, 6, 1) and sheet["F2"].number_format == "yyyy-mm-dd"
    assert values[6] == dt.datetime(2026, 2, 1, 0, 30)  # 16:30 UTC as Shanghai wall time, naive
    assert SPEC.column("updated").clean(values[6]) == "2026-02-01 00:30"


def test_export_reads_objects_through_dotted_sources():
    class Place:
        name = "佛堂镇"

    class Thing:
        place = Place()

    spec = SheetSpec("物", columns=[Column("地点", "where", source="place.name"), Column("编号", "n", source=lambda o: 7)])
    assert [c.value for c in _open(export_rows(spec, [Thing()]))["物"][2]] == ["佛堂镇", 7]
