"""The case list's filters, shared by the page and the API (including the board's figure sets)."""
import django_filters
from django import forms
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from registry.filters import YES_NO_ALL, ClassFormFilterSet, DayFilter, DivisionNameFilter, MonthFilter, NOT_FOUND, UnitNameFilter, date_input
from registry.deliverables import graph
from registry.models import DivisionLevel, IndexClass

from . import graph_sets, ledger_sets
from .concerns import CONCERN_TYPES
from .models import Case, CaseCategory, CaseLevel, CaseState
from .selectors import due_soon_q, overdue_q, responsible_unit_q


@extend_schema_field(OpenApiTypes.STR)
class ConcernTypeFilter(django_filters.ChoiceFilter):
    """A ChoiceFilter whose choices are read at start-up: typed for the OpenAPI schema as the text it is."""


def concern_type_choices():
    """The kinds of record a case may concern, by their Chinese names (read when the form is built:
    apps above cases add theirs at start-up)."""
    return [(label, apps.get_model(label)._meta.verbose_name) for label in CONCERN_TYPES]


class CaseFilter(ClassFormFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="标题")
    # No DISTINCT: filtering on the case's own column cannot repeat rows, and SELECT DISTINCT over every
    # column makes PostgreSQL sort all matching cases instead of reading the first page in key order.
    state = django_filters.MultipleChoiceFilter(choices=CaseState.choices, label="状态", distinct=False)
    county = DivisionNameFilter(method="filter_county", label="区划（含下级）")
    category = django_filters.ModelChoiceFilter(queryset=CaseCategory.objects.all(), label="类别")
    # A ChoiceFilter, not a TypedChoiceFilter: only the former offers 全部, and without it every search
    # silently added the first level (an escalated 市级 case disappeared from the list).
    level = django_filters.ChoiceFilter(choices=CaseLevel.choices, label="层级")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="逾期", widget=YES_NO_ALL)
    due_soon = django_filters.BooleanFilter(method="filter_due_soon", label="临期（3个工作日内）", widget=YES_NO_ALL)
    responsible_unit = UnitNameFilter(method="filter_responsible_unit", label="责任单位")
    concerns_type = ConcernTypeFilter(method="filter_concerns_type", choices=concern_type_choices, label="关联对象类型")
    # Set by the links of a record's page (its cases), never typed: hidden, shown as a chip.
    concerns_id = django_filters.NumberFilter(field_name="object_id", label="关联对象", widget=forms.HiddenInput)
    # Set by the structure tab's links (registry/deliverables/graph.py), never typed: hidden, shown as a chip.
    node = django_filters.CharFilter(method="filter_node", label="台账结构节点（含下级）", widget=forms.HiddenInput)
    deadline_after = django_filters.DateFilter(field_name="deadline", lookup_expr="gte", label="办理期限起", widget=date_input())
    deadline_before = django_filters.DateFilter(field_name="deadline", lookup_expr="lte", label="办理期限止", widget=date_input())
    tag = django_filters.CharFilter(field_name="tags", lookup_expr="icontains", label="标签")
    # The board's figures (cases.ledger_sets defines each set once, for the roll-up and for these).
    index_class = django_filters.ChoiceFilter(field_name="county__index_class", choices=IndexClass.choices, label="县域分类")
    mountain_island = django_filters.BooleanFilter(field_name="county__is_mountain_island", label="山区海岛县", widget=YES_NO_ALL)
    assigned_month = MonthFilter(method="filter_assigned_month", label="交办月份（年-月）")
    closed_month = MonthFilter(method="filter_closed_month", label="销号月份（月末仍为销号）")
    closed_on_time_month = MonthFilter(method="filter_closed_on_time_month", label="按期销号月份")
    urged_month = MonthFilter(method="filter_urged_month", label="督办月份")
    escalated_month = MonthFilter(method="filter_escalated_month", label="提级月份")
    open_at = DayFilter(method="filter_open_at", label="某日终了时在办")
    overdue_at = DayFilter(method="filter_overdue_at", label="某日终了时逾期")
    awaiting_joint_at = DayFilter(method="filter_awaiting_joint_at", label="某日终了时待联合销号")

    # Shown under 更多条件 (the board's figures open the list with them).
    more_filters = (
        "concerns_type", "deadline_after", "deadline_before", "tag", "index_class", "mountain_island", "assigned_month",
        "closed_month", "closed_on_time_month", "urged_month", "escalated_month", "open_at", "overdue_at", "awaiting_joint_at",
    )

    class Meta:
        model = Case
        fields = []

    def filter_county(self, queryset, name, division):
        if division is NOT_FOUND:
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
        return queryset.none() if value is NOT_FOUND else queryset.filter(responsible_unit_q(value.pk))

    def filter_concerns_type(self, queryset, name, value):
        app_label, _, model = value.strip().lower().partition(".")
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        return queryset.filter(content_type=content_type) if content_type else queryset.none()

    def filter_assigned_month(self, queryset, name, value):
        return queryset.filter(ledger_sets.dispatched_q(*ledger_sets.month_bounds(value)))

    def filter_closed_month(self, queryset, name, value):
        return queryset.filter(ledger_sets.closed_q(*ledger_sets.month_bounds(value)))

    def filter_closed_on_time_month(self, queryset, name, value):
        return queryset.filter(ledger_sets.closed_q(*ledger_sets.month_bounds(value), on_time=True))

    def filter_urged_month(self, queryset, name, value):
        return queryset.filter(ledger_sets.urged_q(*ledger_sets.month_bounds(value)))

    def filter_escalated_month(self, queryset, name, value):
        return queryset.filter(ledger_sets.escalated_q(*ledger_sets.month_bounds(value)))

    def filter_node(self, queryset, name, value):
        node = graph.parse_node(value)
        return queryset.filter(graph_sets.concerning_node_q(*node)) if node else queryset.none()

    def filter_open_at(self, queryset, name, value):
        return queryset.filter(pk__in=ledger_sets.cases_at(ledger_sets.end_of_day(value), ledger_sets.open_q()))

    def filter_overdue_at(self, queryset, name, value):
        moment = ledger_sets.end_of_day(value)
        return queryset.filter(pk__in=ledger_sets.cases_at(moment, ledger_sets.overdue_q(moment)))

    def filter_awaiting_joint_at(self, queryset, name, value):
        return queryset.filter(pk__in=ledger_sets.cases_at(ledger_sets.end_of_day(value), ledger_sets.awaiting_joint_q()))
