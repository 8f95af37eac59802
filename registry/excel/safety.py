"""Hostile-file defences, applied before a byte of XML is parsed.

An .xlsx is a zip of XML parts. Everything checked here is read from the zip's central directory
(sizes, entry count, compression) or from the small [Content_Types].xml part, so a zip bomb or a
disguised file is refused without being inflated. Python's zipfile never inflates an entry beyond
the size its directory declares (and checks the CRC), so the declared sizes are a real bound.
Entity expansion (billion laughs) is refused by defusedxml, which openpyxl uses when installed, for
the parts it streams (shared strings); worksheets go through `sheetxml`'s expat reader, which forbids
entity declarations. openpyxl parses every other part (workbook, styles, relationships, properties)
with lxml when lxml is installed (python-docx brings it), and lxml does not refuse a DTD: a
billion-laughs `xl/workbook.xml` raised an uncaught error. So every such part is read here first, by
defusedxml with DTDs forbidden (they are small: MAX_PARSED_PART_BYTES).
"""
import io
import zipfile

import defusedxml.ElementTree
import openpyxl
from defusedxml import DefusedXmlException
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MB = 1024 * 1024
XLSX_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
}
MACRO_MAIN_TYPES = {
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
}
CONTENT_TYPES = "[Content_Types].xml"
# openpyxl keeps every shared string in memory; a cap on that part bounds it (about 4× in Python).
MAX_SHARED_STRINGS_BYTES = 16 * MB
# Parts parsed whole (workbook, styles, relationships): a real workbook's are well under this.
MAX_PARSED_PART_BYTES = 8 * MB
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
# Ratios are only checked on parts big enough to matter; tiny parts compress wildly.
RATIO_CHECK_FROM = 1 * MB

if not openpyxl.DEFUSEDXML:
    raise ImproperlyConfigured("defusedxml must be installed (and OPENPYXL_DEFUSEDXML not False) to read uploads")


INVALID_WORKBOOK = "文件不是有效的 Excel 工作簿（.xlsx）："


class ExcelError(Exception):
    """A whole-file problem. str(error) is the Chinese message shown to the user."""


def limit(name: str) -> int:
    defaults = {
        "EXCEL_MAX_BYTES": 10 * MB,
        "EXCEL_MAX_ROWS": 20_000,
        "EXCEL_MAX_ENTRIES": 200,
        "EXCEL_MAX_UNCOMPRESSED_BYTES": 100 * MB,
        "EXCEL_MAX_RATIO": 200,
    }
    return getattr(settings, name, defaults[name])


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f} MB"


def file_size(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        position = file.tell()
        size = file.seek(0, io.SEEK_END)
        file.seek(position)
    return size


def open_checked(file) -> io.IOBase:
    """Check an upload (bytes or a binary file) and return a seekable file positioned at 0.

    Raises ExcelError with the reason in Chinese for anything that is not a plausible .xlsx.
    """
    if isinstance(file, (bytes, bytearray)):
        file = io.BytesIO(file)
    size = file_size(file)
    max_bytes = limit("EXCEL_MAX_BYTES")
    if size > max_bytes:
        raise ExcelError(f"文件大小 {_megabytes(size)}，超过单个文件 {_megabytes(max_bytes)} 的上限，请拆分后分批导入。")
    if size == 0:
        raise ExcelError("文件是空的。")
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ExcelError("文件不是有效的 Excel 工作簿（.xlsx）。请在 Excel 或 WPS 中“另存为”.xlsx 格式后再导入。") from None
    with archive:
        _check_directory(archive)
        _check_content_types(archive)
    file.seek(0)
    return file


def _check_directory(archive: zipfile.ZipFile):
    entries = archive.infolist()
    if len(entries) > limit("EXCEL_MAX_ENTRIES"):
        raise ExcelError(f"文件内含 {len(entries)} 个部件，远多于正常的 Excel 工作簿，已拒绝。")
    total = sum(e.file_size for e in entries)
    if total > limit("EXCEL_MAX_UNCOMPRESSED_BYTES"):
        raise ExcelError(
            f"文件解压后达 {_megabytes(total)}，超过 {_megabytes(limit('EXCEL_MAX_UNCOMPRESSED_BYTES'))} 的上限"
            "（可能是“压缩炸弹”），已拒绝。请拆分后分批导入。"
        )
    max_ratio = limit("EXCEL_MAX_RATIO")
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise ExcelError("文件已加密或设置了打开密码，请取消密码后再导入。")
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ExcelError("文件使用了不支持的压缩方式，请在 Excel 或 WPS 中另存为 .xlsx 后再导入。")
        if entry.file_size >= RATIO_CHECK_FROM and entry.file_size > max_ratio * max(entry.compress_size, 1):
            raise ExcelError(f"文件中的“{entry.filename}”压缩比异常（可能是“压缩炸弹”），已拒绝。")
        if entry.filename.lower() == "xl/sharedstrings.xml" and entry.file_size > MAX_SHARED_STRINGS_BYTES:
            raise ExcelError(f"文件中的文字内容解压后超过 {_megabytes(MAX_SHARED_STRINGS_BYTES)}，请拆分后分批导入。")


def _check_content_types(archive: zipfile.ZipFile):
    try:
        entry = archive.getinfo(CONTENT_TYPES)
    except KeyError:
        raise ExcelError("文件不是 Excel 工作簿（缺少内容类型声明），可能是其他格式的压缩包。") from None
    if entry.file_size > MB:
        raise ExcelError("文件的内容类型声明异常庞大，已拒绝。")
    try:
        root = defusedxml.ElementTree.fromstring(archive.read(entry))
    except DefusedXmlException:
        raise ExcelError("文件包含不安全的 XML 实体声明，已拒绝。") from None
    except (defusedxml.ElementTree.ParseError, zipfile.BadZipFile, OSError, EOFError):
        raise ExcelError("文件已损坏，无法读取。") from None
    types = {node.get("ContentType") for node in root.iter() if node.get("ContentType")}
    if types & MACRO_MAIN_TYPES:
        raise ExcelError("不接受含宏的工作簿（.xlsm），请另存为 .xlsx 后再导入。")
    if not types & XLSX_MAIN_TYPES:
        raise ExcelError("文件不是 Excel 工作簿（.xlsx），可能是 Word、PowerPoint 文档或其他压缩包。")
    # Worksheets are streamed; every other XML part openpyxl reads (workbook, styles, relationships)
    # is parsed whole, so it must stay small whatever it is called or declared to be.
    streamed = {
        node.get("PartName", "").lstrip("/") for node in root.iter()
        if node.get("ContentType") == WORKSHEET_TYPE
    } - {"xl/styles.xml", "xl/workbook.xml"}
    for entry in archive.infolist():
        name = entry.filename
        if not name.endswith((".xml", ".rels")) or name in streamed or name.lower() == "xl/sharedstrings.xml":
            continue
        if entry.file_size > MAX_PARSED_PART_BYTES:
            raise ExcelError(f"文件中的“{name}”解压后达 {_megabytes(entry.file_size)}，远大于正常的 Excel 工作簿，已拒绝。")
        if name != CONTENT_TYPES:
            _check_part_has_no_dtd(archive, entry)


def _check_part_has_no_dtd(archive: zipfile.ZipFile, entry: zipfile.ZipInfo):
    try:
        defusedxml.ElementTree.fromstring(archive.read(entry), forbid_dtd=True)
    except DefusedXmlException:
        raise ExcelError(INVALID_WORKBOOK + f"“{entry.filename}”含不安全的 XML 实体声明，已拒绝。") from None
    except (defusedxml.ElementTree.ParseError, zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise ExcelError(INVALID_WORKBOOK + f"“{entry.filename}”已损坏，无法读取。") from None
