"""The project list's filters, shared by the page and the API."""
import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from registry.deliverables import graph
from registry.filters import NOT_FOUND, YES_NO_ALL, DivisionNameFilter
from registry.models import IndexClass

from .models import Project, ProjectCategory, ProjectKind, ProjectRecordLink, ProjectStage
from .records import parse_record


class ProjectFilter(django_filters.FilterSet):
    """Filters of the project list page and API. `lagging` and `not_reported` read the figures that
    projects_with_figures annotates, so the queryset filtered must carry them."""

    q = django_filters.CharFilter(method="filter_q", label="名称或编号")
    county = DivisionNameFilter(method="filter_county", label="区划（含下级）")
    category = django_filters.ModelChoiceFilter(queryset=ProjectCategory.objects.all(), label="类别")
    stage = django_filters.ChoiceFilter(choices=ProjectStage.choices, label="阶段")
    kind = django_filters.ChoiceFilter(choices=ProjectKind.choices, label="建设性质")
    lagging = django_filters.BooleanFilter(field_name="is_lagging", label="滞后于序时进度", widget=YES_NO_ALL)
    not_reported = django_filters.BooleanFilter(method="filter_not_reported", label="本月未报", widget=YES_NO_ALL)
    # Set by a ledger record's page (the projects serving it), never typed: hidden, shown as a chip.
    record = django_filters.CharFilter(method="filter_record", label="服务的台账记录", widget=forms.HiddenInput)
    node = django_filters.CharFilter(method="filter_node", label="台账结构节点（含下级）", widget=forms.HiddenInput)
    # The board's project figures (projects.selectors defines each set once, for the figures and these).
    missing_report = django_filters.BooleanFilter(field_name="is_missing_report", label="应报未报", widget=YES_NO_ALL)
    start_due = django_filters.BooleanFilter(field_name="is_start_due", label="年内计划开工的新建项目", widget=YES_NO_ALL)
    started = django_filters.BooleanFilter(field_name="is_started", label="已开工（计划年内开工的新建项目）", widget=YES_NO_ALL)
    index_class = django_filters.ChoiceFilter(field_name="county__index_class", choices=IndexClass.choices, label="县域分类")
    mountain_island = django_filters.BooleanFilter(field_name="county__is_mountain_island", label="山区海岛县", widget=YES_NO_ALL)

    more_filters = ("record", "missing_report", "start_due", "started", "index_class", "mountain_island")

    class Meta:
        model = Project
        fields = [
            "q", "county", "category", "stage", "kind", "lagging", "not_reported", "record", "node", "missing_report", "start_due",
            "started", "index_class", "mountain_island",
        ]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))

    def filter_county(self, queryset, name, division):
        return queryset.none() if division is NOT_FOUND else queryset.within(division)

    def filter_not_reported(self, queryset, name, value):
        return queryset.filter(reported=not value)

    def filter_record(self, queryset, name, value):
        record = parse_record(value)
        if record is None:
            return queryset.none()
        content_type, object_id = record
        return queryset.filter(record_links__content_type=content_type, record_links__object_id=object_id).distinct()

    def filter_node(self, queryset, name, value):
        """The projects a node of the structure counts (registry/deliverables/graph.py): linked to any record
        it reaches — the same set as the structure roll-up's project figures."""
        node = graph.parse_node(value)
        if node is None:
            return queryset.none()
        reached = graph.reached_records(*node).filter(member_type_id=OuterRef("content_type_id"), member_id=OuterRef("object_id"))
        return queryset.filter(Exists(ProjectRecordLink.objects.filter(project=OuterRef("pk")).filter(Exists(reached))))
