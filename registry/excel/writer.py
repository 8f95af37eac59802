"""Writing sheets: the blank template and the export are the same workbook, with or without rows.

The workbook is written in openpyxl's write-only mode, so an export streams rows to a temporary
file instead of building every cell in memory. Both carry what a clerk needs to fill the sheet
in Excel: frozen Chinese headers, column widths, dropdowns for choice and yes/no columns (long
lists live on a hidden sheet) and a 填写说明 sheet.
"""
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from registry.inputs import is_formula_like, sanitise_cell

from .spec import FALSE_LABEL, TRUE_LABEL, Column, Kind, SheetSpec

INSTRUCTIONS_TITLE = "填写说明"
LISTS_TITLE = "下拉选项"
# Excel refuses an inline list longer than 255 characters; longer lists go to the hidden sheet.
INLINE_LIST_LIMIT = 255
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FONT = Font(bold=True, color="C00000")
_HEADER_FONT = Font(bold=True)


def build_template(spec: SheetSpec) -> bytes:
    """A blank .xlsx to fill in: header row, dropdowns and instructions."""
    return export_rows(spec, ())


def export_rows(spec: SheetSpec, rows: Iterable) -> bytes:
    """An .xlsx of `rows` (dicts or objects, read through each column's key/source).

    Pass a queryset's ``.iterator()`` to keep memory flat. Re-importing the file gives back the
    same values: choices as labels, divisions as "全称（代码）", decimals as exact numbers.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(spec.title)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width or _default_width(column)
    lists = _add_dropdowns(workbook, spec, sheet)
    sheet.append([_header_cell(sheet, column) for column in spec.columns])
    formats = [(column, column.number_format) for column in spec.columns]
    for row in rows:
        sheet.append([_value_cell(sheet, column, fmt, row) for column, fmt in formats])
    _add_instructions(workbook, spec)
    if lists is not None:
        # Appended last so the data sheet stays first (the one Excel opens and the importer reads).
        workbook._sheets.append(workbook._sheets.pop(workbook._sheets.index(lists)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _default_width(column: Column) -> int:
    by_kind = {Kind.DIVISION: 36, Kind.ORGANISATION: 30, Kind.DATE: 14, Kind.BOOL: 10, Kind.INT: 12, Kind.DECIMAL: 14}
    longest_label = max((len(label) for label in column.labels), default=0)
    return max(by_kind.get(column.kind, min((column.max_length or 20) + 4, 40)), 2 * len(column.header) + 4,
               2 * longest_label + 4)


def _header_cell(sheet, column: Column) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=column.header)
    cell.font = _REQUIRED_FONT if column.required else _HEADER_FONT
    cell.fill = _HEADER_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center")
    note = ("必填。" if column.required else "选填。") + column.describe()
    cell.comment = Comment(note, "系统", width=300, height=120)
    return cell


def _value_cell(sheet, column: Column, fmt: str | None, row):
    value = safe_value(sheet, column.to_cell(column.export_value(row)))
    if fmt is None or value is None or isinstance(value, Cell):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = fmt
    return cell


def safe_value(sheet, value):
    """A value as any export writes it: without the control characters openpyxl refuses, and text that
    Excel/WPS would take for a formula (= + - @, tab, CR) stored as text, shown with a quote prefix."""
    value = sanitise_cell(value)
    if not is_formula_like(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def safe_row(sheet, values) -> list:
    return [safe_value(sheet, value) for value in values]


def _add_dropdowns(workbook, spec: SheetSpec, sheet):
    """Data validation on every choice/bool column; returns the hidden list sheet if one was needed."""
    lists_sheet, list_rows = None, []
    last_row = spec.max_rows + 1
    for index, column in enumerate(spec.columns, start=1):
        if column.kind == Kind.BOOL:
            labels = [TRUE_LABEL, FALSE_LABEL]
        elif column.kind == Kind.CHOICE:
            labels = column.labels
        else:
            continue
        inline = ",".join(labels)
        if len(inline) <= INLINE_LIST_LIMIT and not any("," in label or '"' in label for label in labels):
            formula = f'"{inline}"'
        else:
            if lists_sheet is None:
                lists_sheet = workbook.create_sheet(LISTS_TITLE)
                lists_sheet.sheet_state = "hidden"
            list_rows.append(labels)
            letter = get_column_letter(len(list_rows))
            formula = f"{quote_sheetname(LISTS_TITLE)}!${letter}$1:${letter}${len(labels)}"
        validation = DataValidation(
            type="list", formula1=formula, allow_blank=not column.required, showDropDown=False,
            showErrorMessage=True, errorTitle="输入无效", error="请从下拉列表中选择。",
            showInputMessage=bool(column.help), promptTitle=column.header[:32], prompt=column.help[:255],
        )
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}{last_row}")
        sheet.data_validations.append(validation)
    if lists_sheet is not None:
        # Lists side by side, one per column: transpose into rows for the write-only sheet.
        for position in range(max(len(labels) for labels in list_rows)):
            lists_sheet.append([labels[position] if position < len(labels) else None for labels in list_rows])
    return lists_sheet


def _add_instructions(workbook, spec: SheetSpec):
    sheet = workbook.create_sheet(INSTRUCTIONS_TITLE)
    for letter, width in zip("ABCD", (22, 8, 60, 40)):
        sheet.column_dimensions[letter].width = width
    title = WriteOnlyCell(sheet, value=f"《{spec.title}》填写说明")
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    rules = [
        f"1. 在“{spec.title}”工作表中填写，第 1 行为表头，请勿修改、删除表头；每行填写一条记录，从第 2 行开始。",
        "2. 红色表头为必填列；把鼠标移到表头上可查看该列的填写要求。",
        "3. 区划可填区划代码（如 330782、330782001），也可填区划全称（如 金华市/义乌市/佛堂镇）；"
        "导出文件中的“全称（代码）”格式可直接再次导入。",
        "4. 不接受公式：请填写数值或文字本身（可先“选择性粘贴—数值”）。",
        f"5. 单个文件最多 {spec.max_rows} 行数据；导入时全部行都通过检查才会保存，任何一行有误都不会保存，"
        "系统会列出每一处错误及原因。",
    ]
    if spec.key_columns:
        keys = "、".join(spec.column(k).header for k in spec.key_columns)
        rules.append(f"6. 以“{keys}”识别记录：已存在的记录按表中内容更新，不存在的新增；同一文件中不得重复。")
    if spec.instructions:
        rules.append(spec.instructions)
    for line in rules:
        sheet.append([line])
    sheet.append([])
    sheet.append([_bold(sheet, text) for text in ("列名", "必填", "填写要求", "可选值")])
    for column in spec.columns:
        options = "、".join(column.labels) if column.kind == Kind.CHOICE else ""
        if column.kind == Kind.BOOL:
            options = f"{TRUE_LABEL}、{FALSE_LABEL}"
        sheet.append([column.header, "是" if column.required else "否", column.describe(), options])


def _bold(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = _HEADER_FONT
    return cell
