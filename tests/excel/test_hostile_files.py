"""Hostile uploads are refused with a Chinese reason, without parsing them and within bounded memory."""
import io
import zipfile

import pytest

from registry.excel import ExcelError, build_template, parse_workbook, run_import
from registry.excel.organisations import ORGANISATION_SHEET, organisations_import
from registry.models import Organisation

from .workbooks import SHEET_PART, declare_size, fill, peak_memory, replace_parts

MB = 1024 * 1024
pytestmark = pytest.mark.django_db


def refused(content, user, spec=ORGANISATION_SHEET) -> tuple[str, int]:
    """The Chinese refusal for `content` and the peak memory spent reaching it."""
    with peak_memory() as memory:
        with pytest.raises(ExcelError) as caught:
            parse_workbook(spec, content, user)
    return str(caught.value), memory["peak"]


def test_a_file_that_is_not_a_zip_is_refused(yiwu_clerk):
    message, peak = refused(b"%PDF-1.7\n" + b"x" * 5000, yiwu_clerk)
    assert "不是有效的 Excel 工作簿" in message
    assert peak < 1 * MB


def test_a_zip_that_is_not_a_workbook_is_refused(yiwu_clerk):
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("readme.txt", "你好")
    assert "缺少内容类型声明" in refused(plain.getvalue(), yiwu_clerk)[0]

    word = io.BytesIO()
    with zipfile.ZipFile(word, "w") as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>'))
        archive.writestr("word/document.xml", "<w:document/>")
    assert "可能是 Word" in refused(word.getvalue(), yiwu_clerk)[0]


def test_a_macro_workbook_is_refused(yiwu_clerk):
    template = build_template(ORGANISATION_SHEET)
    types = zipfile.ZipFile(io.BytesIO(template)).read("[Content_Types].xml").replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    assert "含宏" in refused(replace_parts(template, {"[Content_Types].xml": types}), yiwu_clerk)[0]


def test_a_zip_bomb_is_refused_from_the_directory_without_inflating_it(yiwu_clerk):
    # 60 MB of zeros deflates to about 60 KB: a ratio of ~1000 on the worksheet part.
    bomb = replace_parts(build_template(ORGANISATION_SHEET), {SHEET_PART: lambda entry: [
        entry.write(bytes(MB)) for _ in range(60)
    ]})
    assert len(bomb) < 200 * 1024
    message, peak = refused(bomb, yiwu_clerk)
    assert "压缩炸弹" in message
    assert peak < 1 * MB


def test_a_zip_whose_directory_declares_a_huge_entry_is_refused(yiwu_clerk):
    lying = declare_size(build_template(ORGANISATION_SHEET), SHEET_PART, 3_900_000_000)
    message, peak = refused(lying, yiwu_clerk)
    assert "压缩炸弹" in message and "超过" in message
    assert peak < 1 * MB


def test_too_many_zip_entries_are_refused(yiwu_clerk):
    parts = {f"xl/media/image{i}.png": b"x" for i in range(300)}
    message, _ = refused(replace_parts(build_template(ORGANISATION_SHEET), parts), yiwu_clerk)
    assert "部件" in message


def test_an_oversized_file_is_refused_before_it_is_opened(yiwu_clerk, settings):
    settings.EXCEL_MAX_BYTES = 1 * MB
    content = fill(ORGANISATION_SHEET, [])
    padded = content + b"\0" * (MB + 1 - len(content))
    message, peak = refused(padded, yiwu_clerk)
    assert "超过单个文件 1.0 MB 的上限" in message
    assert peak < 1 * MB


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    "<si><t>&lol9;</t></si></sst>"
).encode()


def test_entity_expansion_in_shared_strings_is_refused(yiwu_clerk):
    # Excel keeps a workbook's text in xl/sharedStrings.xml, declared in [Content_Types].xml.
    template = build_template(ORGANISATION_SHEET)
    types = zipfile.ZipFile(io.BytesIO(template)).read("[Content_Types].xml").replace(b"</Types>", (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>'))
    content = replace_parts(template, {"[Content_Types].xml": types, "xl/sharedStrings.xml": BILLION_LAUGHS})
    message, peak = refused(content, yiwu_clerk)
    assert "不安全的 XML 实体" in message
    assert peak < 20 * MB


def test_formulas_are_row_errors_and_never_evaluated(yiwu_clerk):
    content = fill(ORGANISATION_SHEET, [
        ["=HYPERLINK(\"http://evil\",\"点我\")", "", "企业", "330782", "是"],
        ["正常单位", "=cmd|' /C calc'!A0", "企业", "330782", "是"],
        ["另一单位", "", "企业", "=A2", "是"],
    ])
    result = parse_workbook(ORGANISATION_SHEET, content, yiwu_clerk)
    assert [(e.row_number, e.column_header) for e in result.errors] == [(2, "单位名称"), (3, "简称"), (4, "所在区划")]
    assert all("不接受公式" in e.message_zh for e in result.errors)
    assert result.rows == []


def _million_rows(entry):
    """Sheet XML of a header and 1,000,000 data rows, written in chunks (cells without r= keep it small)."""
    header = "".join(f'<c t="inlineStr"><is><t>{c.header}</t></is></c>' for c in ORGANISATION_SHEET.columns)
    entry.write(
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData><row>{header}</row>'.encode()
    )
    for start in range(0, 1_000_000, 10_000):
        entry.write("".join(f"<row><c><v>{i}</v></c><c/><c/><c><v>330782</v></c></row>"
                            for i in range(start, start + 10_000)).encode())
    entry.write(b"</sheetData></worksheet>")


def test_a_million_row_sheet_stops_at_the_row_cap_in_bounded_memory(yiwu_clerk):
    content = replace_parts(build_template(ORGANISATION_SHEET), {SHEET_PART: _million_rows})
    assert len(content) < 10 * MB
    message, peak = refused(content, yiwu_clerk)
    assert "超过单次导入上限 20000 行" in message and "第 20002 行时停止" in message
    # The cap's 20,000 parsed rows plus openpyxl's reading state; the rest is never read.
    assert peak < 40 * MB


def test_the_row_cap_follows_the_spec_and_the_import_writes_nothing(yiwu_clerk, settings):
    settings.EXCEL_MAX_ROWS = 3
    before = Organisation.objects.count()
    content = fill(ORGANISATION_SHEET, [[f"单位{i}", "", "企业", "330782", "是"] for i in range(4)])
    report = run_import(ORGANISATION_SHEET, content, yiwu_clerk, apply=organisations_import)
    assert not report.ok and "超过单次导入上限 3 行" in report.file_error
    assert Organisation.objects.count() == before


def test_objects_declared_after_the_rows_are_never_built(yiwu_clerk):
    """A few rows followed by two million merged-cell ranges: reading stops at </sheetData>."""
    def sheet(entry):
        header = "".join(f'<c t="inlineStr"><is><t>{c.header}</t></is></c>' for c in ORGANISATION_SHEET.columns)
        entry.write(
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main"><sheetData><row>{header}</row>'
            '<row><c t="inlineStr"><is><t>单位</t></is></c><c/><c t="inlineStr"><is><t>企业</t></is></c>'
            '<c><v>330782</v></c></row></sheetData><mergeCells count="2000000">'.encode()
        )
        for start in range(0, 2_000_000, 100_000):
            entry.write("".join(f'<mergeCell ref="A{i}:B{i}"/>' for i in range(start, start + 100_000)).encode())
        entry.write(b"</mergeCells></worksheet>")

    content = replace_parts(build_template(ORGANISATION_SHEET), {SHEET_PART: sheet})
    with peak_memory() as memory:
        result = parse_workbook(ORGANISATION_SHEET, content, yiwu_clerk)
    assert result.ok and [row["name"] for row in result.rows] == ["单位"]
    assert memory["peak"] < 10 * MB


def test_a_row_wider_than_excel_allows_is_refused(yiwu_clerk):
    row = "<row>" + "<c><v>1</v></c>" * 16_385 + "</row>"
    header = "".join(f'<c t="inlineStr"><is><t>{c.header}</t></is></c>' for c in ORGANISATION_SHEET.columns)
    xml = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
           f'spreadsheetml/2006/main"><sheetData><row>{header}</row>{row}</sheetData></worksheet>')
    content = replace_parts(build_template(ORGANISATION_SHEET), {SHEET_PART: xml.encode()})
    assert "第 2 行的单元格超过 Excel 允许的 16384 列" in refused(content, yiwu_clerk)[0]


def test_a_huge_styles_part_is_refused_before_it_is_parsed(yiwu_clerk):
    styles = b'<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + (
        b"<numFmts>" + b"".join(b'<numFmt numFmtId="%d" formatCode="0.00"/>' % i for i in range(300_000)) + b"</numFmts>"
    ) + b"</styleSheet>"
    message, peak = refused(replace_parts(build_template(ORGANISATION_SHEET), {"xl/styles.xml": styles}), yiwu_clerk)
    assert "xl/styles.xml" in message and "远大于正常的 Excel 工作簿" in message
    assert peak < 1 * MB


def test_a_spec_may_lower_the_row_cap_but_not_raise_it(settings):
    from dataclasses import replace

    settings.EXCEL_MAX_ROWS = 100
    assert replace(ORGANISATION_SHEET, row_limit=10).max_rows == 10
    assert replace(ORGANISATION_SHEET, row_limit=1000).max_rows == 100
