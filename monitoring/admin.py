from django.contrib import admin

from .models import (
    CatalogueVersion, CountyEvaluation, Domain, EvaluationYear, GroupWeight, IndexPeriod, IndexRun, IndexSnapshot, Indicator,
    IndicatorValue, QuarterlyReport,
)


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "is_demonstration", "valid_from", "valid_to")


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "order")


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "domain", "unit", "direction", "frequency", "is_key", "subjective_weight", "version")
    list_filter = ("version", "domain", "frequency", "is_key", "direction")
    search_fields = ("code", "name")
    list_select_related = ("domain", "version")


class DerivedAdmin(admin.ModelAdmin):
    """Read only: rows written by the services (computation, import, evaluation) only."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IndicatorValue)
class IndicatorValueAdmin(DerivedAdmin):
    """Values come from the statistics bureau's workbook, and a correction needs a reason kept in the
    history, which the import and the API record."""

    list_display = ("period", "indicator", "division", "value", "target", "updated_at")
    list_filter = ("period", "indicator__domain")
    search_fields = ("division__name", "division__code", "indicator__code")
    list_select_related = ("indicator", "division")


@admin.register(IndexSnapshot)
class IndexSnapshotAdmin(DerivedAdmin):
    list_display = ("period", "division", "group", "composite", "rank_in_group", "rank_overall", "change_previous")
    list_filter = ("period", "group", "level")
    list_select_related = ("division",)


@admin.register(GroupWeight)
class GroupWeightAdmin(DerivedAdmin):
    list_display = ("period", "group", "indicator", "subjective", "objective", "combined")
    list_filter = ("period", "group")


@admin.register(IndexPeriod)
class IndexPeriodAdmin(DerivedAdmin):
    list_display = ("period", "version", "status", "alpha", "computed_at", "published_at", "published_by", "row_count")


@admin.register(IndexRun)
class IndexRunAdmin(DerivedAdmin):
    list_display = ("period", "kind", "by", "reason", "at", "row_count", "changed_rows")
    list_filter = ("kind",)


@admin.register(EvaluationYear)
class EvaluationYearAdmin(DerivedAdmin):
    list_display = ("year", "finalised", "finalised_at", "documents_done", "documents_total")


@admin.register(CountyEvaluation)
class CountyEvaluationAdmin(DerivedAdmin):
    list_display = ("year", "division", "composite", "rank_in_group", "closure_rate", "project_completion")
    list_select_related = ("division",)


@admin.register(QuarterlyReport)
class QuarterlyReportAdmin(DerivedAdmin):
    list_display = ("period", "version", "requested_by", "created_at")
