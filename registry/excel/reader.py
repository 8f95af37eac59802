"""Reading a workbook against a SheetSpec: every row, every column, every error.

openpyxl reads the small parts (shared strings, workbook, styles) and the one sheet needed is streamed
by `sheetxml.SheetValues`, an expat reader keeping only cell values, so a huge or crafted sheet is
refused at the row cap without exhausting memory (why not calamine or openpyxl alone:
docs/performance.md, "Excel reader")."""
import logging
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException
from lxml.etree import LxmlError
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from . import references
from .safety import ExcelError, open_checked
from .sheetxml import SheetValues
from .spec import REFERENCE_KINDS, CellError, SheetSpec, identity

logger = logging.getLogger(__name__)

# Whatever a corrupt or crafted file makes openpyxl raise while it is being read (lxml's errors too:
# openpyxl parses the small parts with lxml when it is installed).
_CORRUPT = (InvalidFileException, zipfile.BadZipFile, ParseError, ExpatError, KeyError, IndexError, ValueError, TypeError,
            AttributeError, EOFError, OSError, LxmlError)


@dataclass(frozen=True)
class RowError:
    row_number: int  # as Excel numbers it: 1 is the header row
    column_header: str  # "" when the error concerns the whole row
    message_zh: str

    def as_dict(self) -> dict:
        return {"row": self.row_number, "column": self.column_header, "message": self.message_zh}


class Row(dict):
    """A cleaned row: column key -> value, plus the Excel row number it came from."""

    def __init__(self, number: int, values: dict):
        super().__init__(values)
        self.number = number


@dataclass
class ParseResult:
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_workbook(spec: SheetSpec, file, user) -> ParseResult:
    """Validate every row of the sheet; raise ExcelError for a file that cannot be read at all."""
    raw_rows, header_errors, positions = _read(spec, open_checked(file))
    if header_errors:
        return ParseResult(errors=header_errors)
    result = ParseResult()
    cleaned = []  # (row number, {key: value or token}, {key: CellError})
    for number, values in raw_rows:
        row, errors = {}, {}
        for column in spec.columns:
            raw = values[positions[column.header]] if positions[column.header] < len(values) else None
            try:
                row[column.key] = column.clean(raw)
            except CellError as error:
                errors[column.key] = error
        cleaned.append((number, row, errors))

    for column in (c for c in spec.columns if c.kind in REFERENCE_KINDS):
        key = column.key
        valid = [(row, errors) for _, row, errors in cleaned if key not in errors]
        tokens = set()
        for row, _ in valid:
            tokens.update(row[key] if column.many else [row[key]] if row[key] else [])
        resolved = references.resolve(column, user, tokens)
        for row, errors in valid:
            targets = [resolved[t] for t in row[key]] if column.many else [resolved.get(row[key])]
            failures = [str(t) for t in targets if isinstance(t, CellError)]
            if failures:
                errors[key] = CellError("；".join(failures))
            else:
                row[key] = targets if column.many else targets[0]

    first_row_of_key = {}
    for number, row, errors in cleaned:
        for column in spec.columns:
            if column.key in errors:
                result.errors.append(RowError(number, column.header, str(errors[column.key])))
        if spec.key_columns and not errors:
            key = tuple(identity(row[k]) for k in spec.key_columns)
            if key in first_row_of_key:
                headers = "、".join(spec.column(k).header for k in spec.key_columns)
                result.errors.append(RowError(number, "", f"与第 {first_row_of_key[key]} 行的{headers}重复"))
                continue
            first_row_of_key[key] = number
        if not errors:
            result.rows.append(Row(number, row))
    return result


def _read(spec: SheetSpec, file):
    """Stream the sheet: returns (rows as (number, values), header errors, header -> position)."""
    try:
        reader = ExcelReader(file, read_only=True, keep_vba=False, data_only=False, keep_links=False)
    except (DefusedXmlException, *_CORRUPT) as exc:
        raise _unreadable(exc, "文件已损坏或不是有效的 Excel 工作簿，无法读取。") from None
    try:
        # load_workbook() would also build a ReadOnlyWorksheet per sheet, and one without a
        # <dimension> is parsed in full (keeping every row element) just to size it. Only the parts
        # needed to read one sheet's values are loaded here, then that sheet is streamed.
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        title, path = _pick_sheet(spec, reader)
        with reader.archive.open(path) as source:
            rows = SheetValues(source, reader.shared_strings, epoch=reader.wb.epoch,
                               date_styles=reader.wb._date_formats, timedelta_styles=reader.wb._timedelta_formats)
            return _read_rows(spec, title, iter(rows))
    except (DefusedXmlException, *_CORRUPT) as exc:
        raise _unreadable(exc, "文件已损坏，工作表无法读取。") from None
    finally:
        reader.archive.close()


def _unreadable(exc: Exception, message: str) -> ExcelError:
    # openpyxl may wrap what the XML parser raised (e.g. defusedxml's refusal) in a ValueError.
    cause = exc
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return ExcelError("文件包含不安全的 XML 实体声明，已拒绝。")
        cause = cause.__cause__ or cause.__context__
    logger.info("unreadable workbook: %r", exc)
    return ExcelError(message)


def _pick_sheet(spec: SheetSpec, reader) -> tuple[str, str]:
    sheets = [(sheet.name, rel.target) for sheet, rel in reader.parser.find_sheets() if rel.Type.endswith("/worksheet")]
    if not sheets:
        raise ExcelError("工作簿中没有工作表。")
    # A clerk who pasted the data into a workbook of their own: take its first sheet.
    return next(((name, path) for name, path in sheets if name == spec.title), sheets[0])


def _values(cells: dict, width: int) -> list:
    return [cells.get(column) for column in range(1, width + 1)]


def _read_rows(spec: SheetSpec, title: str, parsed):
    first = next(parsed, None)
    header_cells = first[1] if first is not None and first[0] == 1 else {}
    header = [str(v).strip() if v is not None else "" for v in _values(header_cells, max(
        (column for column, value in header_cells.items() if value != ""), default=0))]
    errors, positions = _check_header(spec, header)
    if errors:
        return [], errors, positions
    width, max_rows = len(header), spec.max_rows
    # Blank rows do not count as data, but each one read costs a little memory: bound them too.
    max_scanned = 2 * max_rows + 10_000
    data = []
    for scanned, (number, cells) in enumerate(parsed, start=1):
        if scanned > max_scanned:
            raise ExcelError(f"工作表“{title}”的行数（含空行）超过 {max_scanned} 行，已停止读取。请删除空行或拆分后分批导入。")
        values = _values(cells, width)
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if len(data) == max_rows:
            raise ExcelError(
                f"工作表“{title}”的数据超过单次导入上限 {max_rows} 行（读到第 {number} 行时停止）。"
                "请拆分为多个文件分批导入。"
            )
        data.append((number, values))
    if not data:
        raise ExcelError(f"工作表“{title}”中没有数据行（第 1 行为表头，数据从第 2 行开始）。")
    return data, [], positions


def _check_header(spec: SheetSpec, header: list[str]):
    errors, positions = [], {}
    for index, text in enumerate(header):
        letter = get_column_letter(index + 1)
        if not text:
            continue
        column = spec.columns_by_header.get(text)
        if column is None:
            errors.append(RowError(1, text, f"第 {letter} 列的表头“{text}”不是本表的列，请使用下载的模板"))
        elif column.header in positions:
            errors.append(RowError(1, text, f"表头“{text}”重复出现（第 {letter} 列）"))
        else:
            positions[column.header] = index
    for column in spec.columns:
        if column.header not in positions:
            errors.append(RowError(1, column.header, f"缺少“{column.header}”列，请使用下载的模板"))
    return errors, positions
