"""The cases' admin: categories editable; cases, events, evidence and confirmations read-only (the services write
them)."""
from django.contrib import admin

from registry.admin_mixins import ReadOnlyAdminMixin

from .models import (
    Attachment, Case, CaseCategory, CaseEvent, JointConfirmation, LedgerAnchor, LedgerCheck, Notification,
    WorkCalendarDay, WorkCalendarYear,
)
from .work_calendar import calendar_day_save, calendar_year_mark_loaded, calendar_year_save


@admin.register(CaseCategory)
class CaseCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "is_active"]
    list_editable = ["order", "is_active"]


class JointConfirmationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = JointConfirmation
    extra = 0
    raw_id_fields = ["party", "confirmed_by"]


@admin.register(Case)
class CaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "title", "category", "county", "state", "level", "deadline", "yellow_card", "red_card"]
    list_filter = ["state", "level", "category", "yellow_card", "red_card"]
    search_fields = ["title", "county__name", "=external_ref"]
    raw_id_fields = ["county", "township", "assigning_unit", "owner", "lead_unit", "co_units", "created_by"]
    list_select_related = ["category", "county"]
    show_full_result_count = False
    inlines = [JointConfirmationInline]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "seq", "action", "from_state", "to_state", "actor", "created_at"]
    list_filter = ["action"]
    raw_id_fields = ["case", "actor", "actor_unit"]
    list_select_related = ["case", "actor"]
    show_full_result_count = False


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["original_name", "case", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["case", "uploaded_by"]


@admin.register(JointConfirmation)
class JointConfirmationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "party", "confirmed_by", "confirmed_at"]
    list_select_related = ["case", "party", "confirmed_by"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "message", "created_at", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient", "organisation", "case"]
    list_select_related = ["recipient"]


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "note"]
    list_editable = ["is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["note"]
    actions = ["mark_years_loaded"]

    def save_model(self, request, obj, form, change):
        # Through the service, so the change history says who moved a holiday (list edits too).
        calendar_day_save(instance=obj, by=request.user)

    @admin.action(description="将所选日期所在年度标记为“已完整导入”")
    def mark_years_loaded(self, request, queryset):
        years = sorted({day.year for day in queryset.values_list("date", flat=True)})
        for year in years:
            calendar_year_mark_loaded(year=year, source="管理后台录入", by=request.user)
        self.message_user(request, f"已标记为完整导入：{'、'.join(f'{y} 年' for y in years)}。")


@admin.register(WorkCalendarYear)
class WorkCalendarYearAdmin(admin.ModelAdmin):
    """A year listed here is official; deleting it puts its deadlines back under the warning."""

    list_display = ["year", "source", "loaded_by", "loaded_at"]
    fields = ["year", "source", "loaded_by", "loaded_at"]
    readonly_fields = ["loaded_by", "loaded_at"]

    def save_model(self, request, obj, form, change):
        calendar_year_save(instance=obj, by=request.user)


@admin.register(LedgerAnchor)
class LedgerAnchorAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # Append-only (a trigger refuses UPDATE/DELETE): written by the beat task and `manage.py anchor_ledger`.
    list_display = ["id", "kind", "period", "created_at", "case_count", "event_count", "head_count", "rollup_month"]
    list_filter = ["kind"]


@admin.register(LedgerCheck)
class LedgerCheckAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "finished_at", "ok", "case_count", "event_count", "anchor_id"]
    list_filter = ["ok"]
