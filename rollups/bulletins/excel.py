"""The bulletin as an Excel workbook: one sheet per table, numbers stored as numbers.

Rates are stored as fractions with the number format ``0.00%`` (42.86 % is the number 0.4286), so a
sum or a chart in Excel works on them; percentage points and 万元 amounts are numbers with ``0.00``; dates
are dates. Every table sheet has its header row frozen and column widths fit to the content."""
import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from registry.documents import text_width

from .content import summary, title

NUMBER_FORMATS = {"count": "0", "rate": "0.00%", "points": "0.00", "money": "0.00", "date": "yyyy-mm-dd"}
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)


def _value(column, value):
    if value is None:
        return None
    if column.kind == "rate":
        return float(value) / 100
    if column.kind in ("points", "money"):
        return float(value)
    if column.kind in ("count", "date"):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _text_cell(sheet, row: int, col: int, text: str):
    cell = sheet.cell(row=row, column=col)
    # Always a string, never a live formula (a title may start with "=", "+", "-" or "@").
    cell.value, cell.data_type = ILLEGAL_CHARACTERS_RE.sub("", text), "s"
    return cell


def _width(column, value) -> float:
    if value is None:
        return 2
    if isinstance(value, dt.date):
        return 11
    if isinstance(value, (int, float)):
        return len(f"{value:.2f}") + 2
    return text_width(str(value)) * 2 + 2


def _table_sheet(workbook, table):
    sheet = workbook.create_sheet(table.name[:31])
    for col, column in enumerate(table.columns, start=1):
        cell = _text_cell(sheet, 1, col, column.label)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    widths = [text_width(c.label) * 2 + 2 for c in table.columns]  # Excel counts a Chinese character as 2
    for r, values in enumerate(table.rows, start=2):
        for col, (column, raw) in enumerate(zip(table.columns, values), start=1):
            value = _value(column, raw)
            if isinstance(value, str):
                cell = _text_cell(sheet, r, col, value)
            else:
                cell = sheet.cell(row=r, column=col, value=value)
                cell.number_format = NUMBER_FORMATS.get(column.kind, "General")  # an empty text cell: no format
            if r - 2 in table.emphasised:
                cell.font = BOLD
            widths[col - 1] = max(widths[col - 1], _width(column, raw))
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = min(max(width, 8), 60)
    sheet.freeze_panes = "A2"


def render_xlsx(content) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    overview = workbook.create_sheet("概况")
    lines = [title(content), summary(content)]
    for section in content["sections"]:
        lines += [section.heading, *section.paragraphs]
    today = content["today"]
    lines += [content["issuer"], f"{today.year}年{today.month}月{today.day}日"]
    for r, text in enumerate(lines, start=1):
        _text_cell(overview, r, 1, text).alignment = Alignment(wrap_text=True, vertical="top")
    overview["A1"].font = Font(bold=True, size=14)
    overview.column_dimensions["A"].width = 100
    for section in content["sections"]:
        if section.table is not None:
            _table_sheet(workbook, section.table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
