"""Filter building blocks (month and day filters, filter sets built once per class) and the ground's list filters."""
import copy

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from django import forms
from django.core.validators import MaxLengthValidator

from .periods import parse_month
from .models import (
    Division,
    DivisionLevel,
    IndexClass,
    Organisation,
    OrganisationKind,
)


# Django's NullBooleanSelect offers "未知" for "no filter"; on a list, no filter means "全部".
YES_NO_ALL = forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")])


# The years a period filter accepts: the day after, or the month after, must still be a date.
YEARS = range(1900, 3000)


class MonthField(forms.CharField):
    """A month written YYYY-MM (as the board's links write it), cleaned to its first day."""

    default_error_messages = {"invalid": "请按“年-月”填写月份，如 2026-09。"}
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "年-月，如 2026-09"})  # Chromium's month picker

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            month = parse_month(value)
        except ValueError:
            month = None
        if month is None or month.year not in YEARS:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return month


class DayField(forms.DateField):
    """A date (YYYY-MM-DD) within YEARS, picked with the browser's date picker."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def to_python(self, value):
        day = super().to_python(value)
        if day is not None and day.year not in YEARS:
            raise forms.ValidationError("请填写 1900 至 2999 年间的日期。", code="invalid")
        return day


# Typed for the OpenAPI schema: a method filter names no model field it could be read from.
@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-09"})
class MonthFilter(django_filters.Filter):
    """A filter on a month; `method=` says what the month selects."""

    field_class = MonthField


@extend_schema_field(OpenApiTypes.DATE)
class DayFilter(django_filters.Filter):
    """A filter on a day; `method=` says what the day selects."""

    field_class = DayField


class _FilterCopies(dict):
    """The class's filters, copied for each filter set as FilterSet.__init__ does (deepcopy), but
    one level deep: a filter set only gives its copies their model and parent. The deep copy also
    duplicated every choice list and every queryset's query."""

    def __deepcopy__(self, memo):
        copies = {}
        for name, filter_ in self.items():
            copies[name] = copied = copy.copy(filter_)
            copied.extra = dict(filter_.extra)  # ModelChoiceFilter.field writes its queryset there
            if filter_.method is not None:
                copied.method = filter_.method  # binds a new FilterMethod to the copy (and its parent)
        return copies


class ClassFormFilterSet(django_filters.FilterSet):
    """A filter set whose form depends on its class alone (no choices or querysets drawn from the
    request): the form class is built once per class, not for every request. Each request's form
    still gets its own copies of the fields (Django deep-copies them, querysets included); building
    the class and its fields, and copying the filters deeply, was a fifth of a case list request."""

    @classmethod
    def get_filters(cls):
        return _FilterCopies(super().get_filters())

    def get_form_class(self):
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            type(self)._form_class = form_class
        return form_class


# --- Date pickers and units picked by name ---------------------------------------------------------
def date_input():
    """A native date picker (ISO value, which DateField reads)."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LookupInput(forms.TextInput):
    """A text input suggesting names as one types: static/js/app.js asks `lookup_url` (registry.lookups)
    and fills the datalist written beside the input. Without JavaScript the typed name is still read.
    `find` reads the record a text names; `label` is how a record is shown, so a code or id from a link
    shows as the name the user reads."""

    def __init__(self, attrs=None, *, lookup_url="", placeholder="输入名称搜索", find=None, label=str):
        super().__init__({"autocomplete": "off", "placeholder": placeholder, **(attrs or {})})
        self.lookup_url, self.find, self.label = lookup_url, find, label

    def get_context(self, name, value, attrs):
        from django.urls import reverse

        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update({"list": f"{name}-options", "data-lookup": reverse(self.lookup_url)})
        return context

    def render(self, name, value, attrs=None, renderer=None):
        from django.utils.html import format_html

        return super().render(name, value, attrs, renderer) + format_html('<datalist id="{}-options"></datalist>', name)

    def format_value(self, value):
        return self.display(value) if value else value

    def display(self, value) -> str:
        found = self.find(str(value))
        return self.label(found) if found is not None and not isinstance(found, list) else str(value)


def division_from_text(text: str):
    """The division a user (or a link) names: its code, its full name (金华市/义乌市) or its name when
    only one division bears it. A list of the candidates when several do; None when none does."""
    from registry.generations import REFERENCE_SECONDS, cached

    text = text.strip()
    if text.isdigit():
        return cached("division-by-code", ["reference"], (text,), lambda: Division.objects.filter(code=text).first(),
                      REFERENCE_SECONDS)
    found = list(Division.objects.filter(full_name=text)[:1]) or list(Division.objects.filter(name=text).order_by("level", "code")[:10])
    return found[0] if len(found) == 1 else (found or None)


def unit_label(unit) -> str:
    """How a unit is offered and shown: its name with its division's (two units may share a name)."""
    return f"{unit.name}（{unit.division.name}）"


def unit_from_text(text: str):
    """The unit named `text` ("name（division）" as offered, its bare name, or an id from a link)."""
    import re

    text = text.strip()
    units = Organisation.objects.select_related("division")
    if text.isdigit():
        return units.filter(pk=int(text)).first() if len(text) < 19 else None
    match = re.fullmatch(r"(.+)（(.+)）", text)
    found = list(units.filter(name=match[1], division__name=match[2])[:10]) if match else []
    found = found or list(units.filter(name=text)[:10])
    return found[0] if len(found) == 1 else (found or None)


# A code or id (from a link or the API) that names nothing: the filter selects nothing, as it did when
# these filters took codes only. A typed name that names nothing gets a message instead.
NOT_FOUND = type("NotFound", (), {"__repr__": lambda self: "NOT_FOUND", "__bool__": lambda self: True})()


class _NamedField(forms.CharField):
    """A division or unit typed by name: cleaned to the record, or a Chinese message on the field."""

    widget = None
    what = ""
    MAX_LENGTH = 200

    def __init__(self, **kwargs):
        super().__init__(**{**kwargs, "max_length": self.MAX_LENGTH})
        # Its length is checked on the text below; the validators would see the record it names.
        self.validators = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        if len(value) > self.MAX_LENGTH:
            raise forms.ValidationError(f"名称最多 {self.MAX_LENGTH} 字。", code="max_length")
        found = self.widget.find(value)
        if found is None and value.strip().isdigit():
            return NOT_FOUND
        if found is None:
            raise forms.ValidationError(f"没有找到“{value}”，请从输入时出现的候选{self.what}中选择。", code="unknown")
        if isinstance(found, list):
            raise forms.ValidationError(f"有多个{self.what}名为“{value}”，请从候选中选择带上级名称的一项。", code="ambiguous")
        return found


class DivisionNameField(_NamedField):
    widget = LookupInput(lookup_url="lookup-divisions", placeholder="输入区划名称，如 义乌", find=division_from_text,
                         label=lambda division: division.full_name)
    what = "区划"


class UnitNameField(_NamedField):
    widget = LookupInput(lookup_url="lookup-units", placeholder="输入单位名称", find=unit_from_text, label=unit_label)
    what = "单位"


@extend_schema_field({"type": "string", "description": "区划代码、全称（如 金华市/义乌市）或唯一的名称"})
class DivisionNameFilter(django_filters.Filter):
    """A filter on a division named by code or name; `method=` says what it selects."""

    field_class = DivisionNameField


@extend_schema_field({"type": "string", "description": "单位编号，或名称（同名时写作“名称（所在区划）”）"})
class UnitNameFilter(django_filters.Filter):
    field_class = UnitNameField


class DivisionFilter(ClassFormFilterSet):
    level = django_filters.ChoiceFilter(choices=DivisionLevel.choices, label="层级")
    parent = DivisionNameFilter(method="filter_parent", label="上级区划")
    code_prefix = django_filters.CharFilter(method="filter_code_prefix", label="区划代码前缀")
    mountain_island = django_filters.BooleanFilter(field_name="is_mountain_island", label="山区海岛县", widget=YES_NO_ALL)
    index_class = django_filters.ChoiceFilter(choices=IndexClass.choices, label="指数分类")
    q = django_filters.CharFilter(field_name="full_name", lookup_expr="icontains", label="名称")

    class Meta:
        model = Division
        fields = ["level", "parent", "code_prefix", "mountain_island", "index_class", "q"]

    def filter_parent(self, queryset, name, value):
        return queryset.none() if value is NOT_FOUND else queryset.filter(parent=value)

    def filter_code_prefix(self, queryset, name, value):
        # A division's code prefix equals the start of its key; keys are indexed for prefix search.
        return queryset.filter(key__startswith=value.strip())


class OrganisationFilter(ClassFormFilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices, label="单位类型")
    division = DivisionNameFilter(method="filter_division", label="所在区划（含下级）")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="名称")

    class Meta:
        model = Organisation
        fields = ["kind", "division", "q"]

    def filter_division(self, queryset, name, value):
        return queryset.none() if value is NOT_FOUND else queryset.within(value)


class ChineseOrderingFilter(django_filters.OrderingFilter):
    # django-filter ships no zh-hans strings; without this the descending choices read "(descending)".
    descending_fmt = "%s（降序）"

