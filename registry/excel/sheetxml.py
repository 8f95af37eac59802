"""One worksheet's cell values, streamed from its XML with expat, row by row.

openpyxl's own sheet parser builds an element per cell and a dict of style and type facts per value;
for a 10,000-row import that was most of the parse. Here expat calls back per tag and only what an
import reads is kept: each row's values by column, as openpyxl gives them with data_only=False
(formulas as "=..." text, date-formatted numbers as datetimes, booleans, shared and inline strings).

The same defences as defusedxml (no entity declarations, no external references) and the same
bounds as before: a row may not hold more cells than Excel allows, memory stays flat (rows are
handed on per chunk read), and reading stops at </sheetData>.
"""
import datetime as dt
import functools
import re
from xml.parsers import expat

from defusedxml import EntitiesForbidden, ExternalReferenceForbidden
from openpyxl.utils.datetime import from_excel, from_ISO8601

from .safety import ExcelError

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MAX_CELLS_PER_ROW = 16_384
CHUNK_BYTES = 64 * 1024
_ROW, _CELL, _VALUE, _FORMULA = f"{MAIN}}}row", f"{MAIN}}}c", f"{MAIN}}}v", f"{MAIN}}}f"
_INLINE, _RUN, _TEXT, _SHEET_DATA = f"{MAIN}}}is", f"{MAIN}}}r", f"{MAIN}}}t", f"{MAIN}}}sheetData"
_COLUMN_LETTERS = re.compile(r"[A-Z]{1,3}")


def column_index(reference: str) -> int:
    """'B7' -> 2 (1-based)."""
    return _column_number(reference.rstrip("0123456789"))


@functools.lru_cache(maxsize=None)  # bounded by the alphabet: at most 18,278 one- to three-letter names
def _column_number(letters: str) -> int:
    if not _COLUMN_LETTERS.fullmatch(letters):
        raise ValueError(f"bad cell reference letters {letters!r}")
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


class SheetValues:
    """Iterate over (row number, {column: value}) for every <row> of a worksheet part."""

    def __init__(self, source, shared_strings, *, epoch=dt.datetime(1899, 12, 30), date_styles=(), timedelta_styles=()):
        self.source = source
        self.shared_strings = shared_strings
        self.epoch = epoch
        self.date_styles = {str(s) for s in date_styles}
        self.timedelta_styles = {str(s) for s in timedelta_styles}
        self.done = False
        self.rows = []  # rows completed since the last chunk was handed on
        self.row_number = 0
        self.cells = None  # the open row's {column: value}
        self.column = 0
        self.cell = None  # the open cell's (type, style)
        self.value = None  # the open cell's <v> text
        self.formula = None
        self.text = None  # character data collected for the open <v>, <f> or inline <t>
        self.inline = None  # inline string parts, once inside <is>
        self.hidden = 0  # depth inside an inline string's elements whose <t> is not the cell's text

    def __iter__(self):
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.EntityDeclHandler = _forbid_entity
        parser.UnparsedEntityDeclHandler = _forbid_unparsed
        parser.ExternalEntityRefHandler = _forbid_external
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._characters
        while not self.done:
            chunk = self.source.read(CHUNK_BYTES)
            parser.Parse(chunk, not chunk)
            rows, self.rows = self.rows, []
            yield from rows
            if not chunk:
                break

    def _start(self, tag, attrs):
        if self.done:
            return
        if tag == _CELL:
            if self.cells is None:
                return
            if len(self.cells) >= MAX_CELLS_PER_ROW:
                raise ExcelError(f"第 {self.row_number} 行的单元格超过 Excel 允许的 {MAX_CELLS_PER_ROW} 列，文件异常。")
            reference = attrs.get("r")
            self.column = column_index(reference) if reference else self.column + 1
            self.cell = (attrs.get("t", "n"), attrs.get("s", "0"))
            self.value = self.formula = self.inline = self.text = None
        elif tag == _ROW:
            number = attrs.get("r")
            self.row_number = _row_number(number) if number else self.row_number + 1
            self.cells, self.column = {}, 0
        elif self.cell is not None:
            if tag in (_VALUE, _FORMULA):
                self.text = []
            elif tag == _INLINE:
                self.inline, self.hidden = [], 0
            elif self.inline is not None:
                if tag == _TEXT and not self.hidden:
                    self.text = []
                elif tag not in (_TEXT, _RUN):
                    self.hidden += 1  # run properties, phonetic runs (<rPh>): not the cell's text

    def _characters(self, data):
        if self.text is not None:
            self.text.append(data)

    def _end(self, tag):
        if self.done:
            return
        if tag == _CELL:
            if self.cell is not None:
                value = self._cell_value()
                if value is not None:
                    self.cells[self.column] = value
            self.cell = self.text = self.inline = None
        elif self.text is not None and tag in (_VALUE, _FORMULA, _TEXT):
            text, self.text = "".join(self.text), None
            if tag == _VALUE:
                self.value = text
            elif tag == _FORMULA:
                self.formula = "=" + text
            else:
                self.inline.append(text)
        elif self.inline is not None and tag not in (_TEXT, _RUN, _INLINE):
            self.hidden -= 1
        elif tag == _ROW:
            if self.cells is not None:
                self.rows.append((self.row_number, self.cells))
            self.cells = None
        elif tag == _SHEET_DATA:
            self.done = True

    def _cell_value(self):
        if self.formula is not None:
            return self.formula
        kind, style = self.cell
        if kind == "inlineStr":
            return "".join(self.inline) if self.inline is not None else None
        raw = self.value
        if not raw:
            return None
        if kind == "n":
            number = float(raw) if any(c in raw for c in ".eE") else int(raw)
            if style in self.date_styles:
                try:
                    return from_excel(number, self.epoch, timedelta=style in self.timedelta_styles)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return self.shared_strings[int(raw)]
        if kind == "b":
            return bool(int(raw))
        if kind == "d":
            return from_ISO8601(raw)
        return raw  # "str" (a formula's text result), "e" (an error such as #N/A)


def _row_number(text: str) -> int:
    number = float(text)
    if not number.is_integer() or number < 1:
        raise ValueError(f"{text} is not a valid row number")
    return int(number)


def _forbid_entity(name, is_parameter_entity, value, base, system_id, public_id, notation_name):
    raise EntitiesForbidden(name, value, base, system_id, public_id, notation_name)


def _forbid_unparsed(name, base, system_id, public_id, notation_name):
    raise EntitiesForbidden(name, None, base, system_id, public_id, notation_name)


def _forbid_external(context, base, system_id, public_id):
    raise ExternalReferenceForbidden(context, base, system_id, public_id)
