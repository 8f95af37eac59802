import copy

import django_filters
from django import forms
from django.db.models import Q

from .models import (
    Batch,
    CentralTown,
    CentralTownTrack,
    ClusterLevel,
    ClusterModel,
    DevelopmentAxis,
    Division,
    DivisionLevel,
    IndexClass,
    Organisation,
    OrganisationKind,
    PairingForm,
    PairingKind,
    PairingRelationship,
    VillageCluster,
    WeakTownship,
    WeakVillage,
    Workshop,
    WorkshopReport,
    WorkshopStatus,
    WorkshopType,
)


# Django's NullBooleanSelect offers "未知" for "no filter"; on a list, no filter means "全部".
YES_NO_ALL = forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")])


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


# --- deliverables ----------------------------------------------------------------------------------


class ChineseOrderingFilter(django_filters.OrderingFilter):
    # django-filter ships no zh-hans strings; without this the descending choices read "(descending)".
    descending_fmt = "%s（降序）"


def _city_filter(path):
    return django_filters.ModelChoiceFilter(
        field_name=f"{path}__parent", to_field_name="code", label="设区市",
        queryset=Division.objects.filter(level=DivisionLevel.CITY),
    )


def _county_filter(path):
    return django_filters.ModelChoiceFilter(
        field_name=path, to_field_name="code", label="县（市、区）",
        queryset=Division.objects.filter(level=DivisionLevel.COUNTY),
    )


def _mountain_island_filter(path):
    return django_filters.BooleanFilter(field_name=f"{path}__is_mountain_island", label="山区海岛县", widget=YES_NO_ALL)


class DeliverableFilter(django_filters.FilterSet):
    """City, county, mountain/island and Chinese name search, shared by every deliverable list."""

    city = _city_filter("county")
    county = _county_filter("county")
    mountain_island = _mountain_island_filter("county")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="名称")


class AxisFilter(DeliverableFilter):
    batch = django_filters.ChoiceFilter(choices=Batch.choices, label="批次")
    sort = ChineseOrderingFilter(
        fields={"name": "name", "county__code": "county", "batch": "batch"},
        field_labels={"name": "名称", "county__code": "县（市、区）", "batch": "批次"}, label="排序",
    )

    class Meta:
        model = DevelopmentAxis
        fields = ["city", "county", "mountain_island", "batch", "q"]


class CentralTownFilter(DeliverableFilter):
    track = django_filters.ChoiceFilter(choices=CentralTownTrack.choices, label="发展类型")
    batch = django_filters.ChoiceFilter(choices=Batch.choices, label="批次")
    q = django_filters.CharFilter(field_name="division__name", lookup_expr="icontains", label="名称")
    sort = ChineseOrderingFilter(
        fields={"division__code": "code", "division__name": "name", "track": "track", "batch": "batch"},
        field_labels={"division__code": "区划代码", "division__name": "名称", "track": "发展类型", "batch": "批次"},
        label="排序",
    )

    class Meta:
        model = CentralTown
        fields = ["city", "county", "mountain_island", "track", "batch", "q"]


class WeakPlaceFilter(DeliverableFilter):
    q = django_filters.CharFilter(field_name="division__full_name", lookup_expr="icontains", label="名称")
    sort = ChineseOrderingFilter(
        fields={"division__code": "code", "since": "since"},
        field_labels={"division__code": "区划代码", "since": "认定时间"}, label="排序",
    )


class WeakTownshipFilter(WeakPlaceFilter):
    class Meta:
        model = WeakTownship
        fields = ["city", "county", "mountain_island", "q"]


class WeakVillageFilter(WeakPlaceFilter):
    class Meta:
        model = WeakVillage
        fields = ["city", "county", "mountain_island", "q"]


class ClusterFilter(DeliverableFilter):
    level = django_filters.ChoiceFilter(choices=ClusterLevel.choices, label="级别")
    model = django_filters.ModelChoiceFilter(queryset=ClusterModel.objects.all(), label="发展模式")
    sort = ChineseOrderingFilter(
        fields={"name": "name", "county__code": "county", "level": "level"},
        field_labels={"name": "名称", "county__code": "县（市、区）", "level": "级别"}, label="排序",
    )

    class Meta:
        model = VillageCluster
        fields = ["city", "county", "mountain_island", "level", "model", "q"]


class WorkshopFilter(DeliverableFilter):
    type = django_filters.ChoiceFilter(choices=WorkshopType.choices, label="工坊类型")
    pairing_form = django_filters.ChoiceFilter(choices=PairingForm.choices, label="结对形式")
    status = django_filters.ChoiceFilter(choices=WorkshopStatus.choices, label="运营状态")
    sort = ChineseOrderingFilter(
        fields={"name": "name", "county__code": "county", "opened_on": "opened_on"},
        field_labels={"name": "名称", "county__code": "县（市、区）", "opened_on": "开办日期"}, label="排序",
    )

    class Meta:
        model = Workshop
        fields = ["city", "county", "mountain_island", "type", "pairing_form", "status", "q"]


class WorkshopReportFilter(django_filters.FilterSet):
    city = _city_filter("workshop__county")
    county = _county_filter("workshop__county")
    mountain_island = _mountain_island_filter("workshop__county")
    workshop = django_filters.NumberFilter(field_name="workshop_id", label="工坊编号")
    period = django_filters.DateFilter(label="统计月份（该月第一天）")
    period_from = django_filters.DateFilter(field_name="period", lookup_expr="gte", label="起始月份")
    period_to = django_filters.DateFilter(field_name="period", lookup_expr="lte", label="截止月份")
    q = django_filters.CharFilter(field_name="workshop__name", lookup_expr="icontains", label="工坊名称")

    class Meta:
        model = WorkshopReport
        fields = ["city", "county", "mountain_island", "workshop", "period", "period_from", "period_to", "q"]


class PairingFilter(DeliverableFilter):
    kind = django_filters.ChoiceFilter(choices=PairingKind.choices, label="帮扶类型")
    year = django_filters.NumberFilter(label="年度")
    q = django_filters.CharFilter(method="filter_q", label="名称")
    sort = ChineseOrderingFilter(
        fields={"county__code": "county", "year": "year", "kind": "kind"},
        field_labels={"county__code": "县（市、区）", "year": "年度", "kind": "帮扶类型"}, label="排序",
    )

    class Meta:
        model = PairingRelationship
        fields = ["city", "county", "mountain_island", "kind", "year", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(county__name__icontains=value) | Q(project_name__icontains=value) | Q(provincial_leader__icontains=value)
        )
