"""What any typed input must satisfy, decided once and applied to every way in.

- Text: no C0 control characters other than tab, line feed and carriage return. PostgreSQL refuses NUL
  in text (a 500), openpyxl refuses the others when it writes a workbook (one `\\x0b` broke every export
  that contained the row). The same check and Chinese message everywhere: every Django form CharField
  (forms, the admin, django-filter; `install_form_validators`), every API request body
  (`registry.api.parsers`), every Excel cell (`registry.excel.spec`), and the path and query string
  of every request (`registry.middleware.InputGuardMiddleware`).
- Length: every Django form text field has a stated maximum (TEXT_MAX_LENGTH unless the field names
  its own): the browser shows it as the input's maxlength and stops there, the form checks it with
  Django's Chinese message (`install_text_limit`).
- Dates and months: a plausible programme date lies in years YEAR_MIN .. this year + YEARS_AHEAD. Every
  form and DRF DateField, every Excel date cell and every month parameter (`registry.periods.parse_month`)
  is held to it.
"""
import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

# openpyxl's own ILLEGAL_CHARACTERS_RE: C0 controls except \t \n \r.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CONTROL_MESSAGE = "不能包含不可见的控制字符（如 \\x00、\\x0b），请删除后重新填写。"

YEAR_MIN = 2000
# A form text field that names no maximum of its own (a model TextField's, a filter's) holds this many.
TEXT_MAX_LENGTH = 5000
YEARS_AHEAD = 10


def has_control_characters(value) -> bool:
    return isinstance(value, str) and CONTROL_CHARACTERS.search(value) is not None


def refuse_control_characters(value):
    """A field validator (Django and DRF both call it with the value)."""
    if has_control_characters(value):
        raise ValidationError(CONTROL_MESSAGE, code="control_characters")


def year_bounds() -> tuple[int, int]:
    return YEAR_MIN, timezone.localdate().year + YEARS_AHEAD


def date_problem(value: datetime.date) -> str | None:
    """The Chinese reason a date is implausible, or None."""
    first, last = year_bounds()
    if not first <= value.year <= last:
        return f"日期须在 {first} 年至 {last} 年之间。"
    return None


def refuse_implausible_date(value):
    if isinstance(value, datetime.date) and (problem := date_problem(value)):
        raise ValidationError(problem, code="date_out_of_range")


def month_from_text(value: str) -> datetime.date:
    """'2026-10' (or '2026-10-01') → 2026-10-01; ValueError with a Chinese message otherwise."""
    parts = str(value).strip().split("-")
    try:
        if len(parts) not in (2, 3) or not all(part.isdigit() for part in parts):
            raise ValueError
        month = datetime.date(int(parts[0]), int(parts[1]), 1)
    except ValueError:
        raise ValueError(f"月份“{value}”无效，请按 2026-01 的格式填写。") from None
    if problem := date_problem(month):
        raise ValueError(problem.replace("日期", "月份"))
    return month


def sanitise_cell(value):
    """A value as it may go into a workbook: control characters dropped (openpyxl refuses them)."""
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        return CONTROL_CHARACTERS.sub("", value)
    return value


# A text starting with one of these is a live formula in Excel/WPS (or becomes one when edited).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def _add_default_validator(field_class, validator):
    if validator not in field_class.default_validators:
        field_class.default_validators = [*field_class.default_validators, validator]


def install_form_validators():
    """Every Django form CharField refuses control characters, every DateField implausible years.

    A form field copies its validators when its form class is built, so this runs when registry's app
    config is imported, before any app's forms (registry/apps.py)."""
    from django import forms

    _add_default_validator(forms.CharField, refuse_control_characters)
    _add_default_validator(forms.DateField, refuse_implausible_date)


def install_api_validators():
    """Every DRF DateField refuses implausible years (DRF reads default_validators when a field is first
    validated). Text is checked by the API's parsers (registry.api.parsers), whatever field reads it."""
    from rest_framework import serializers

    _add_default_validator(serializers.DateField, refuse_implausible_date)


def install_text_limit():
    """Every Django form CharField without a max_length, whose cleaned value is the text itself, gets
    TEXT_MAX_LENGTH. Like install_form_validators, before any form class is built."""
    from django import forms

    original = forms.CharField.__init__
    if getattr(original, "limits_text", False):
        return

    def __init__(self, *, max_length=None, **kwargs):
        # Only fields whose cleaned value stays the text typed: a subclass cleaning text into something
        # else (a month, a record named by it) checks its own length, since the validators would see that.
        if max_length is None and type(self).to_python is forms.CharField.to_python:
            max_length = TEXT_MAX_LENGTH
        original(self, max_length=max_length, **kwargs)

    __init__.limits_text = True
    forms.CharField.__init__ = __init__
