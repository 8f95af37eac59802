import django_filters
from django import forms

from .models import Division, DivisionLevel, IndexClass, Organisation, OrganisationKind


YES_NO_ALL = forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")])


class DivisionFilter(django_filters.FilterSet):
    level = django_filters.TypedChoiceFilter(choices=DivisionLevel.choices, coerce=int, label="层级")
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


class OrganisationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices, label="单位类型")
    division = django_filters.CharFilter(method="filter_division", label="区划代码（含下级）")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="名称")

    class Meta:
        model = Organisation
        fields = ["kind", "division", "q"]

    def filter_division(self, queryset, name, value):
        division = Division.objects.filter(code=value).first()
        return queryset.within(division) if division else queryset.none()
