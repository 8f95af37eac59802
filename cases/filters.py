import django_filters
from django.contrib.contenttypes.models import ContentType

from registry.filters import YES_NO_ALL, ClassFormFilterSet
from registry.generations import REFERENCE_SECONDS, cached
from registry.models import Division, DivisionLevel

from .models import Case, CaseCategory, CaseLevel, CaseState
from .selectors import due_soon_q, overdue_q, responsible_unit_q


def division_by_code(code: str):
    """A division named by its code, or None: cached with the board's reference data (a lookup on
    most case list requests, which lists filter by county)."""
    return cached("division-by-code", ["reference"], (code,), lambda: Division.objects.filter(code=code).first(),
                  REFERENCE_SECONDS)


class CaseFilter(ClassFormFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="标题")
    # No DISTINCT: filtering on the case's own column cannot repeat rows, and SELECT DISTINCT over every
    # column makes PostgreSQL sort all matching cases instead of reading the first page in key order.
    state = django_filters.MultipleChoiceFilter(choices=CaseState.choices, label="状态", distinct=False)
    county = django_filters.CharFilter(method="filter_county", label="区划代码（含下级）")
    category = django_filters.ModelChoiceFilter(queryset=CaseCategory.objects.all(), label="类别")
    # A ChoiceFilter, not a TypedChoiceFilter: only the former offers 全部, and without it every search
    # silently added the first level (an escalated 市级 case disappeared from the list).
    level = django_filters.ChoiceFilter(choices=CaseLevel.choices, label="层级")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="逾期", widget=YES_NO_ALL)
    due_soon = django_filters.BooleanFilter(method="filter_due_soon", label="临期（3个工作日内）", widget=YES_NO_ALL)
    responsible_unit = django_filters.NumberFilter(method="filter_responsible_unit", label="责任单位编号")
    concerns_type = django_filters.CharFilter(method="filter_concerns_type", label="关联对象类型（如 registry.division）")
    concerns_id = django_filters.NumberFilter(field_name="object_id", label="关联对象编号")
    deadline_after = django_filters.DateFilter(field_name="deadline", lookup_expr="gte", label="期限起")
    deadline_before = django_filters.DateFilter(field_name="deadline", lookup_expr="lte", label="期限止")
    tag = django_filters.CharFilter(field_name="tags", lookup_expr="icontains", label="标签")

    class Meta:
        model = Case
        fields = []

    def filter_county(self, queryset, name, value):
        division = division_by_code(value.strip())
        if division is None:
            return queryset.none()
        if division.level == DivisionLevel.COUNTY:
            # The case's own county column (indexed with the state) rather than a join on division keys.
            return queryset.filter(county=division)
        return queryset.within(division)

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())

    def filter_due_soon(self, queryset, name, value):
        return queryset.filter(due_soon_q()) if value else queryset.exclude(due_soon_q())

    def filter_responsible_unit(self, queryset, name, value):
        return queryset.filter(responsible_unit_q(int(value)))

    def filter_concerns_type(self, queryset, name, value):
        app_label, _, model = value.strip().lower().partition(".")
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        return queryset.filter(content_type=content_type) if content_type else queryset.none()
