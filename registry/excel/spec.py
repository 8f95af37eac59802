"""The declarative sheet description: columns, their kinds, and how one cell is read and written."""
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cached_property

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone

from registry.inputs import CONTROL_MESSAGE, date_problem, has_control_characters

TRUE_LABEL, FALSE_LABEL = "是", "否"
_TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓"}
_FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "✗"}
_LIST_SEPARATORS = re.compile(r"[、，,；;\n]")
_DATE_PATTERNS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    DECIMAL = "decimal"
    DATE = "date"
    BOOL = "bool"
    CHOICE = "choice"
    DIVISION = "division"
    ORGANISATION = "organisation"
    FK = "fk"


REFERENCE_KINDS = {Kind.DIVISION, Kind.ORGANISATION, Kind.FK}


class CellError(ValueError):
    """A cell that cannot be read; the message is shown to the user as is (Chinese)."""


@dataclass(frozen=True)
class Column:
    """One column of a sheet.

    header: the Chinese header text, exactly as in the sheet. key: the key in each cleaned row dict
    (usually the model field name). kind: a `Kind`. choices: Django choices ``[(value, label)]``
    (the sheet shows and accepts labels; values are accepted too). levels: for divisions, the
    allowed `DivisionLevel` values (empty = any). within_jurisdiction: divisions, organisations and
    fk rows must be visible to the importing user through ``for_user`` (a row error otherwise).
    many: a reference column holding several values separated by “、” (a many-to-many field); the
    cleaned value is a list of objects and an empty cell an empty list.
    model / to_field: for fk columns, the target model and the field the sheet holds.
    source: what to export — an attribute path ("division.code") or a callable(row); default key.
    former_headers: headers the column had before a rename, still read, so that a template clerks
    downloaded earlier keeps importing.
    """

    header: str
    key: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: Sequence[tuple] = ()
    max_length: int | None = None
    help: str = ""
    levels: tuple[int, ...] = ()
    within_jurisdiction: bool = True
    many: bool = False
    model: type | None = None
    to_field: str = "pk"
    min_value: Decimal | int | None = None
    max_value: Decimal | int | None = None
    decimal_places: int | None = None
    source: str | Callable | None = None
    width: int | None = None
    former_headers: tuple[str, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "kind", Kind(self.kind))
        if self.kind == Kind.CHOICE and not self.choices:
            raise ValueError(f"choice column {self.header!r} needs choices")
        if self.kind == Kind.FK and self.model is None:
            raise ValueError(f"fk column {self.header!r} needs a model")
        if self.many and self.kind not in REFERENCE_KINDS:
            raise ValueError(f"column {self.header!r}: only division, organisation and fk columns take many values")

    @property
    def labels(self) -> list[str]:
        return [str(label) for _, label in self.choices]

    @cached_property
    def _label_of(self) -> dict:
        return {str(value): str(label) for value, label in self.choices}

    @cached_property
    def _value_of(self) -> dict:
        """Sheet text -> choice value: labels as shown, and values typed by hand (any case)."""
        found = {str(value).lower(): value for value, _ in self.choices}
        found.update({str(label): value for value, label in self.choices})
        return found

    def validity_test(self, model_field):
        """A cheap test of a value for model_field, or None: where this column's reading already
        makes every check model_field.clean() makes, a value passing the test (a type, a length, a
        choice) need not go through clean() again. For large imports, checking each value twice was a
        fifth of the work; a value changed after reading still fails the test and is cleaned."""
        if any(not isinstance(v, MaxLengthValidator) for v in model_field.validators):
            return None
        match self.kind:
            case Kind.TEXT if isinstance(model_field, (models.CharField, models.TextField)) and not model_field.choices:
                limit = model_field.max_length
                if limit is None:
                    return lambda value: type(value) is str
                if self.max_length is not None and self.max_length <= limit:
                    return lambda value: type(value) is str and len(value) <= limit
            case Kind.CHOICE if isinstance(model_field, models.CharField) and model_field.choices:
                allowed = {value for value, _ in model_field.flatchoices} & {value for value, _ in self.choices}
                return lambda value: value in allowed
            case Kind.DATE if type(model_field) is models.DateField:
                return lambda value: type(value) is dt.date
            case Kind.BOOL if isinstance(model_field, models.BooleanField):
                return lambda value: type(value) is bool
        return None

    def export_value(self, row):
        """The value of this column for `row` (a dict or an object), before cell formatting."""
        if callable(self.source):
            return self.source(row)
        path = self.source or self.key
        value = row
        for part in path.split("."):
            if value is None:
                return None
            value = value.get(part) if isinstance(value, dict) else getattr(value, part)
        return value

    def describe(self) -> str:
        """How to fill the column, for the header note and the instructions sheet."""
        match self.kind:
            case Kind.TEXT:
                text = "文本" + (f"，不超过 {self.max_length} 个字" if self.max_length else "")
            case Kind.INT:
                text = "整数"
            case Kind.DECIMAL:
                text = "数字" + (f"，最多 {self.decimal_places} 位小数" if self.decimal_places is not None else "")
            case Kind.DATE:
                text = "日期，如 2026-01-31"
            case Kind.BOOL:
                text = "从下拉列表选择“是”或“否”"
            case Kind.CHOICE:
                text = "从下拉列表选择：" + "、".join(self.labels)
            case Kind.DIVISION:
                text = "区划代码（如 330782 或 330782001）或区划全称（如 金华市/义乌市/佛堂镇）"
                if self.levels:
                    from registry.models import DivisionLevel

                    text += "；只接受" + "、".join(DivisionLevel(level).label for level in self.levels) + "级区划"
            case Kind.ORGANISATION:
                text = "单位名称，同名单位须写成“单位名称（区划代码）”"
            case Kind.FK:
                meta = self.model._meta
                field = meta.pk if self.to_field == "pk" else meta.get_field(self.to_field)
                text = f"{meta.verbose_name}的{field.verbose_name}"
        if self.min_value is not None:
            text += f"，不小于 {self.min_value}"
        if self.max_value is not None:
            text += f"，不大于 {self.max_value}"
        if self.many:
            text += "；可填多个，用“、”分隔"
        return text + (f"。{self.help}" if self.help else "")

    # Reading: raw cell value -> Python value, or CellError. Reference kinds return a lookup token
    # that references.py resolves for all rows at once.
    def clean(self, raw):
        if isinstance(raw, str):
            raw = raw.strip()
            if raw.startswith("="):
                raise CellError("不接受公式，请填写数值或文字本身")
            if has_control_characters(raw):
                raise CellError(CONTROL_MESSAGE)
        if raw is None or raw == "":
            if self.required:
                raise CellError("必填，不能为空")
            if self.many:
                return ()
            return "" if self.kind in (Kind.TEXT, Kind.CHOICE) else None
        return getattr(self, f"_clean_{self.kind.value}")(raw)

    def _clean_text(self, raw):
        if isinstance(raw, dt.datetime) and raw.time() != dt.time(0):
            value = raw.strftime("%Y-%m-%d %H:%M")
        elif isinstance(raw, (dt.date, dt.datetime)):
            value = raw.strftime("%Y-%m-%d")
        else:
            value = _number_text(raw) if isinstance(raw, (int, float, Decimal)) else str(raw)
        if self.max_length and len(value) > self.max_length:
            raise CellError(f"不能超过 {self.max_length} 个字（现有 {len(value)} 个）")
        return value

    def _clean_int(self, raw):
        if isinstance(raw, bool):
            raise CellError("应为整数")
        try:
            number = Decimal(str(raw).replace(",", ""))
        except InvalidOperation:
            raise CellError(f"“{raw}”不是整数") from None
        if number != number.to_integral_value():
            raise CellError(f"“{raw}”不是整数")
        return self._in_range(int(number))

    def _clean_decimal(self, raw):
        if isinstance(raw, bool):
            raise CellError("应为数字")
        try:
            # repr of a float is the shortest text that reads back the same, so 12.3 stays 12.3.
            number = Decimal(repr(raw) if isinstance(raw, float) else str(raw).replace(",", ""))
        except InvalidOperation:
            raise CellError(f"“{raw}”不是数字") from None
        if not number.is_finite():
            raise CellError(f"“{raw}”不是数字")
        if self.decimal_places is not None and -number.as_tuple().exponent > self.decimal_places:
            rounded = number.quantize(Decimal(1).scaleb(-self.decimal_places))
            if rounded != number:
                raise CellError(f"最多保留 {self.decimal_places} 位小数")
            number = rounded
        return self._in_range(number)

    def _in_range(self, number):
        if self.min_value is not None and number < self.min_value:
            raise CellError(f"不能小于 {self.min_value}")
        if self.max_value is not None and number > self.max_value:
            raise CellError(f"不能大于 {self.max_value}")
        return number

    def _clean_date(self, raw):
        value = self._parse_date(raw)
        if problem := date_problem(value):
            raise CellError(problem)
        return value

    def _parse_date(self, raw):
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        text = str(raw)
        for pattern in _DATE_PATTERNS:
            try:
                return dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise CellError(f"“{text}”不是日期，请按 2026-01-31 的格式填写")

    def _clean_bool(self, raw):
        word = str(raw).strip().lower()
        if raw is True or word in _TRUE_WORDS:
            return True
        if raw is False or word in _FALSE_WORDS:
            return False
        raise CellError(f"“{raw}”无效，请填写“是”或“否”")

    def _clean_choice(self, raw):
        text = str(raw)
        value = self._value_of.get(text, self._value_of.get(text.lower()))
        if value is None:
            raise CellError(f"“{text}”不是可选值，可选：" + "、".join(self.labels))
        return value

    def _clean_reference(self, raw):
        text = _number_text(raw) if isinstance(raw, (int, float, Decimal)) else str(raw)
        if not self.many:
            return text
        # Several values: the tokens in order, each once.
        return tuple(dict.fromkeys(t.strip() for t in _LIST_SEPARATORS.split(text) if t.strip()))

    _clean_division = _clean_organisation = _clean_fk = _clean_reference

    # Writing: Python value -> what openpyxl stores (numbers stay numbers, datetimes become naive).
    def to_cell(self, value):
        if self.many and value is not None:
            items = value.all() if hasattr(value, "all") else value
            return "、".join(str(self._one_to_cell(item)) for item in items) or None
        return self._one_to_cell(value)

    def _one_to_cell(self, value):
        if value is None or value == "":
            return None
        if self.kind == Kind.BOOL:
            return TRUE_LABEL if value else FALSE_LABEL
        if self.kind == Kind.CHOICE:
            return self._label_of.get(str(value), str(value))
        if self.kind == Kind.DIVISION:
            return f"{value.full_name}（{value.code}）"
        if self.kind == Kind.ORGANISATION:
            return f"{value.name}（{value.division.code}）"
        if self.kind == Kind.FK:
            return getattr(value, self.to_field) if isinstance(value, self.model) else value
        if isinstance(value, dt.datetime):
            # openpyxl refuses aware datetimes; sheets show local (Asia/Shanghai) wall time.
            return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        return value

    @property
    def number_format(self) -> str | None:
        if self.kind == Kind.DATE:
            return "yyyy-mm-dd"
        if self.kind == Kind.DECIMAL and self.decimal_places is not None:
            return "0." + "0" * self.decimal_places if self.decimal_places else "0"
        return None


def identity(value):
    """What a cleaned value is compared by: a model instance by its primary key."""
    return getattr(value, "pk", value)


def _number_text(number) -> str:
    """A number typed into a text or code cell: 330782.0 -> "330782"."""
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    return str(number)


@dataclass(frozen=True)
class SheetSpec:
    """A sheet: its title (also the worksheet name), columns, natural key and row cap.

    key_columns: the keys of the columns that identify a record (e.g. ["code"]); two rows with the
    same key in one file are a row error, and `upsert_by_key` matches existing records by them.
    row_limit: the most data rows one file may hold (at most the setting EXCEL_MAX_ROWS, 20,000).
    """

    title: str
    columns: Sequence[Column]
    key_columns: Sequence[str] = ()
    row_limit: int | None = None
    instructions: str = ""
    columns_by_header: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        headers = [h for c in self.columns for h in (c.header, *c.former_headers)]
        keys = [c.key for c in self.columns]
        if len(set(headers)) != len(headers) or len(set(keys)) != len(keys):
            raise ValueError(f"sheet {self.title!r}: duplicate column header or key")
        if unknown := set(self.key_columns) - set(keys):
            raise ValueError(f"sheet {self.title!r}: key_columns not among the columns: {unknown}")
        if any(c.many for c in self.columns if c.key in self.key_columns):
            raise ValueError(f"sheet {self.title!r}: a key column cannot hold many values")
        if re.search(r"[\\/*?:\[\]]", self.title) or len(self.title) > 31:
            raise ValueError(f"sheet title {self.title!r} is not a valid worksheet name")
        object.__setattr__(
            self, "columns_by_header", {h: c for c in self.columns for h in (c.header, *c.former_headers)}
        )

    @property
    def max_rows(self) -> int:
        """A spec may lower the site-wide cap (setting EXCEL_MAX_ROWS), never raise it."""
        cap = getattr(settings, "EXCEL_MAX_ROWS", 20_000)
        return min(self.row_limit, cap) if self.row_limit else cap

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)
