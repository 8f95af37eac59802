"""Filter building blocks (month and day filters, filter sets built once per class) and the ground's list filters."""
import copy

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from django import forms

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
    """A date (YYYY-MM-DD) within YEARS."""

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


class DivisionFilter(ClassFormFilterSet):
    level = django_filters.ChoiceFilter(choices=DivisionLevel.choices, label="层级")
    parent = django_filters.CharFilter(field_name="parent__code", label="上级区划代码")
    code_prefix = django_filters.CharFilter(method="filter_code_prefix", label="区划代码前缀")
    mountain_island = django_filters.BooleanFilter(field_name="is_mountain_island", label="山区海岛县", widget=YES_NO_ALL)
    index_class = django_filters.ChoiceFilter(choices=IndexClass.choices, label="指数分类")
    q = django_filters.CharFilter(field_name="full_name", lookup_expr="icontains", label="名称")

    class Meta:
        model = Division
        fields = ["level", "parent", "code_prefix", "mountain_island", "index_class", "q"]

    def filter_code_prefix(self, queryset, name, value):
        # A division's code prefix equals the start of its key; keys are indexed for prefix search.
        return queryset.filter(key__startswith=value.strip())


class OrganisationFilter(ClassFormFilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices, label="单位类型")
    division = django_filters.CharFilter(method="filter_division", label="区划代码（含下级）")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="名称")

    class Meta:
        model = Organisation
        fields = ["kind", "division", "q"]

    def filter_division(self, queryset, name, value):
        division = Division.objects.filter(code=value).first()
        return queryset.within(division) if division else queryset.none()


class ChineseOrderingFilter(django_filters.OrderingFilter):
    # django-filter ships no zh-hans strings; without this the descending choices read "(descending)".
    descending_fmt = "%s（降序）"
