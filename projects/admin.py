"""The projects' admin: categories, projects and windows editable; reports and their revisions read-only."""
from django.contrib import admin

from registry.admin_mixins import ReadOnlyAdminMixin

from .models import (
    LockException,
    MonthlyReport,
    PeriodLock,
    Project,
    ProjectCategory,
    ProjectCodeSequence,
    ProjectRecordLink,
    ProjectYearPlan,
    ReportAttachment,
    ReportingWindow,
    ReportReminder,
    ReportRevision,
)


class ReadOnlyLedgerAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Ledger rows are written by services only; the admin shows them."""


@admin.register(ProjectCategory)
class ProjectCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "is_active"]
    list_editable = ["order", "is_active"]


class YearPlanInline(admin.TabularInline):
    model = ProjectYearPlan
    extra = 0


class RecordLinkInline(admin.TabularInline):
    model = ProjectRecordLink
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "category", "county", "kind", "stage", "total_investment"]
    list_filter = ["category", "kind", "stage"]
    search_fields = ["code", "name", "owner_unit"]
    raw_id_fields = ["county", "township", "created_by"]
    list_select_related = ["category", "county"]
    readonly_fields = ["code"]
    inlines = [YearPlanInline, RecordLinkInline]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyLedgerAdmin):
    list_display = ["project", "month", "completed", "status", "submitted_at", "confirmed_at", "approved_at"]
    list_filter = ["status", "month"]
    search_fields = ["project__code", "project__name"]
    list_select_related = ["project"]


@admin.register(ReportRevision)
class ReportRevisionAdmin(ReadOnlyLedgerAdmin):
    list_display = ["report", "action", "field", "old_value", "new_value", "reason", "changed_by", "changed_at"]
    list_filter = ["action"]
    list_select_related = ["report", "changed_by"]


@admin.register(ReportingWindow)
class ReportingWindowAdmin(admin.ModelAdmin):
    list_display = ["month", "opens_on", "closes_on", "reason", "set_by", "set_at"]
    readonly_fields = ["set_by"]

    def save_model(self, request, obj, form, change):
        obj.set_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PeriodLock)
class PeriodLockAdmin(ReadOnlyLedgerAdmin):
    list_display = ["month", "locked_by", "locked_at", "reason"]


@admin.register(LockException)
class LockExceptionAdmin(ReadOnlyLedgerAdmin):
    list_display = ["county", "month", "reason", "granted_by", "granted_at"]
    list_select_related = ["county", "granted_by"]


@admin.register(ReportReminder)
class ReportReminderAdmin(ReadOnlyLedgerAdmin):
    list_display = ["county", "month", "sent_on", "missing_count"]
    list_select_related = ["county"]


@admin.register(ProjectCodeSequence)
class ProjectCodeSequenceAdmin(ReadOnlyLedgerAdmin):
    list_display = ["county", "year", "last"]


@admin.register(ReportAttachment)
class ReportAttachmentAdmin(ReadOnlyLedgerAdmin):
    list_display = ["original_name", "report", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["report", "uploaded_by"]
