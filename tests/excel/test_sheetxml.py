"""The streaming sheet reader: the values openpyxl would give, from the XML Excel and WPS write."""
import datetime as dt
import io

import pytest
from defusedxml import DefusedXmlException
from openpyxl import Workbook, load_workbook
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet

from registry.excel.safety import ExcelError
from registry.excel.sheetxml import MAX_CELLS_PER_ROW, SheetValues, column_index

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def rows(xml: str, shared=(), **kwargs) -> list:
    return list(SheetValues(io.BytesIO(xml.encode()), list(shared), **kwargs))


def sheet(body: str, prefix: str = "") -> str:
    colon = f":{prefix}" if prefix else ""
    return f'<?xml version="1.0"?><{prefix}{":" if prefix else ""}worksheet xmlns{colon}="{NS}">{body}</{prefix}{":" if prefix else ""}worksheet>'


@pytest.mark.parametrize("reference, index", [("A1", 1), ("Z9", 26), ("AA10", 27), ("XFD1048576", 16_384)])
def test_column_letters_are_numbered_from_one(reference, index):
    assert column_index(reference) == index


@pytest.mark.parametrize("reference", ["7", "a1", "A1B2", "AAAA1", ""])
def test_a_malformed_cell_reference_is_refused(reference):
    with pytest.raises(ValueError):
        column_index(reference)


def test_every_cell_type_is_read_as_openpyxl_reads_it():
    xml = sheet(
        '<sheetData><row r="2">'
        '<c r="A2" t="s"><v>1</v></c>'
        '<c r="B2"><v>42</v></c><c r="C2"><v>1.5</v></c><c r="D2" t="b"><v>1</v></c>'
        '<c r="E2" t="str"><f>A2&amp;"x"</f><v>乙x</v></c>'
        '<c r="F2" t="inlineStr"><is><r><rPr><b/></rPr><t>义乌</t></r><r><t xml:space="preserve">市 </t></r>'
        '<rPh sb="0" eb="1"><t>yiwu</t></rPh></is></c>'
        '<c r="H2" s="3"><v>45658</v></c><c r="I2" t="e"><v>#N/A</v></c><c r="J2" t="d"><v>2026-01-31T00:00:00</v></c>'
        '</row></sheetData>'
    )
    [(number, cells)] = rows(xml, ["甲", "乙"], date_styles=[3])
    assert number == 2
    assert cells == {1: "乙", 2: 42, 3: 1.5, 4: True, 5: '=A2&"x"', 6: "义乌市 ", 8: dt.datetime(2025, 1, 1),
                     9: "#N/A", 10: dt.datetime(2026, 1, 31)}


def test_rows_and_cells_without_references_are_counted_and_prefixed_tags_are_read():
    xml = sheet('<x:sheetData><x:row><x:c><x:v>1</x:v></x:c><x:c/><x:c><x:v>3</x:v></x:c></x:row>'
                '<x:row><x:c r="B2"><x:v>4</x:v></x:c></x:row></x:sheetData>', prefix="x")
    assert rows(xml) == [(1, {1: 1, 3: 3}), (2, {2: 4})]


def test_what_follows_the_sheet_data_is_never_read():
    xml = sheet('<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'
                '<mergeCells><mergeCell ref="A1:B2"/></mergeCells><row r="9"><c r="A9"><v>9</v></c></row>')
    assert rows(xml) == [(1, {1: 1})]


def test_entity_declarations_in_the_sheet_are_refused():
    xml = ('<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
           f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row>'
           '</sheetData></worksheet>')
    with pytest.raises(DefusedXmlException):
        rows(xml)


def test_a_row_wider_than_excel_allows_is_refused():
    cells = "<c><v>1</v></c>" * (MAX_CELLS_PER_ROW + 1)
    with pytest.raises(ExcelError, match="超过 Excel 允许"):
        rows(sheet(f"<sheetData><row r=\"1\">{cells}</row></sheetData>"))


def test_a_workbook_written_by_openpyxl_reads_back_the_values_openpyxl_reads():
    workbook = Workbook()
    source = workbook.active
    source.append(["名称", "日期", "数量", "金额", "启用"])
    source.append(["工坊甲", dt.date(2026, 3, 1), 7, 12.25, False])
    source.append(["工坊乙", None, -3, 0.1, True])
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    expected = [tuple(row) for row in load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True)]

    reader = ExcelReader(io.BytesIO(content), read_only=True)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    with reader.archive.open("xl/worksheets/sheet1.xml") as part:
        got = [tuple(cells.get(c) for c in range(1, 6)) for _, cells in SheetValues(
            part, reader.shared_strings, epoch=reader.wb.epoch, date_styles=reader.wb._date_formats)]
    assert got == expected
