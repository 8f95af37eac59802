"""The board's admin: snapshots, months, runs and bulletins, to look at."""
from django.contrib import admin

from .models import Bulletin, MonthlySnapshot, RollupMonth, RollupRun


@admin.register(MonthlySnapshot)
class MonthlySnapshotAdmin(admin.ModelAdmin):
    list_display = ("month", "division", "dimension", "dimension_label", "dispatched", "closed", "overdue_at_end", "closure_rate")
    list_filter = ("month", "level", "dimension")
    search_fields = ("division__name", "division__code")
    list_select_related = ("division",)

    # Derived figures: rewritten by the roll-up job only.
    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RollupMonth)
class RollupMonthAdmin(admin.ModelAdmin):
    list_display = ("month", "status", "finalised", "computed_at", "row_count")
    list_filter = ("status", "finalised")


@admin.register(RollupRun)
class RollupRunAdmin(admin.ModelAdmin):
    list_display = ("month", "trigger", "status", "forced", "requested_by", "reason", "started_at", "finished_at", "row_count")
    list_filter = ("status", "trigger", "forced")
    list_select_related = ("requested_by",)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    list_display = ("month", "division", "version", "status", "requested_by", "requested_at", "finished_at")
    list_filter = ("status", "month")
    list_select_related = ("division", "requested_by")
