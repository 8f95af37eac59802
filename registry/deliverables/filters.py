"""Filters of the deliverable lists (registry.deliverables): city, county, mountain/island, name and sorting."""
import django_filters
from django.db.models import Q

from registry.filters import YES_NO_ALL, ChineseOrderingFilter

from . import graph
from registry.models import (
    Batch,
    CentralTown,
    CentralTownTrack,
    ClusterLevel,
    ClusterModel,
    DevelopmentAxis,
    Division,
    DivisionLevel,
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
    node = django_filters.CharFilter(method="filter_node", label="台账结构节点（axis/town/cluster/county:ID，含下级）")
    village = django_filters.NumberFilter(field_name="village_id", label="所在村编号")
    pairing_form = django_filters.ChoiceFilter(choices=PairingForm.choices, label="结对形式")
    status = django_filters.ChoiceFilter(choices=WorkshopStatus.choices, label="运营状态")
    sort = ChineseOrderingFilter(
        fields={"name": "name", "county__code": "county", "opened_on": "opened_on"},
        field_labels={"name": "名称", "county__code": "县（市、区）", "opened_on": "开办日期"}, label="排序",
    )

    class Meta:
        model = Workshop
        fields = ["city", "county", "mountain_island", "type", "pairing_form", "status", "q", "node", "village"]

    def filter_node(self, queryset, name, value):
        node = graph.parse_node(value)
        return graph.workshops_of_node(queryset, *node) if node else queryset.none()


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
