from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .admin_mixins import ReadOnlyAdminMixin

from .models import (
    AxisNode,
    CentralTown,
    ChangeRecord,
    ClusterModel,
    DevelopmentAxis,
    Division,
    LoginEvent,
    Organisation,
    OutboxTask,
    PairingRelationship,
    User,
    VillageCluster,
    WeakTownship,
    WeakVillage,
    Workshop,
    WorkshopReport,
)


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "full_name", "level", "is_mountain_island", "index_class"]
    list_filter = ["level", "is_mountain_island", "index_class"]
    list_editable = ["is_mountain_island", "index_class"]
    search_fields = ["code", "name", "full_name"]
    raw_id_fields = ["parent"]
    readonly_fields = ["code", "level"]
    list_select_related = ["parent"]
    show_full_result_count = False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "division", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "division__name"]
    autocomplete_fields = ["division"]
    list_select_related = ["division"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "last_name", "first_name", "organisation", "role", "is_active", "locked_until"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "organisation__name"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation"]
    fieldsets = BaseUserAdmin.fieldsets + (
        ("单位与角色", {"fields": ("organisation", "role", "phone")}),
        ("登录安全", {"fields": ("failed_login_count", "locked_until")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("单位与角色", {"fields": ("organisation", "role")}),)
    actions = ["unlock"]

    @admin.action(description="解除所选账号的登录锁定")
    def unlock(self, request, queryset):
        count = queryset.update(failed_login_count=0, locked_until=None)
        self.message_user(request, f"已解锁 {count} 个账号。", messages.SUCCESS)


@admin.register(LoginEvent)
class LoginEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "username", "ip_address", "user_agent"]
    list_filter = ["kind"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "created_at"


# --- deliverables: edited through the services in the product; the admin is for inspection -------


@admin.register(OutboxTask)
class OutboxTaskAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Queued tasks: those not done, with their last error, are what an operator looks at."""

    list_display = ["id", "name", "created_at", "sent_at", "done_at", "attempts", "last_error"]
    list_filter = ["name", ("done_at", admin.EmptyFieldListFilter)]
    date_hierarchy = "created_at"


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Writes bypassing the services would skip validation and history, so the admin only reads."""


class AxisNodeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AxisNode
    extra = 0
    raw_id_fields = ["division", "cluster"]


@admin.register(DevelopmentAxis)
class DevelopmentAxisAdmin(ReadOnlyAdmin):
    list_display = ["name", "county", "batch"]
    list_filter = ["batch"]
    search_fields = ["name", "county__name"]
    list_select_related = ["county"]
    inlines = [AxisNodeInline]


@admin.register(CentralTown)
class CentralTownAdmin(ReadOnlyAdmin):
    list_display = ["division", "county", "track", "batch"]
    list_filter = ["track", "batch"]
    search_fields = ["division__name", "county__name"]
    list_select_related = ["division", "county"]


@admin.register(WeakTownship, WeakVillage)
class WeakPlaceAdmin(ReadOnlyAdmin):
    list_display = ["division", "county", "since", "helper_unit"]
    search_fields = ["division__full_name"]
    list_select_related = ["division", "county", "helper_unit"]


@admin.register(ClusterModel)
class ClusterModelAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "is_active"]
    list_editable = ["position", "is_active"]


@admin.register(VillageCluster)
class VillageClusterAdmin(ReadOnlyAdmin):
    list_display = ["name", "level", "county", "key_village", "model"]
    list_filter = ["level", "model"]
    search_fields = ["name", "county__name"]
    list_select_related = ["county", "key_village", "model"]


@admin.register(Workshop)
class WorkshopAdmin(ReadOnlyAdmin):
    list_display = ["name", "village", "county", "type", "status"]
    list_filter = ["type", "status", "pairing_form"]
    search_fields = ["name", "village__full_name"]
    list_select_related = ["village", "county"]
    show_full_result_count = False


@admin.register(WorkshopReport)
class WorkshopReportAdmin(ReadOnlyAdmin):
    list_display = ["workshop", "period", "employed", "low_income_employed", "avg_monthly_income_gain"]
    date_hierarchy = "period"
    search_fields = ["workshop__name"]
    list_select_related = ["workshop"]
    show_full_result_count = False


@admin.register(PairingRelationship)
class PairingRelationshipAdmin(ReadOnlyAdmin):
    list_display = ["county", "kind", "year", "lead_unit", "partner_county", "soe", "provincial_leader"]
    list_filter = ["kind", "year"]
    list_select_related = ["county", "lead_unit", "partner_county", "soe"]


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "content_type", "object_id", "field_label", "old_value", "new_value", "user"]
    list_filter = ["content_type", "action"]
    list_select_related = ["content_type", "user"]
    show_full_result_count = False
