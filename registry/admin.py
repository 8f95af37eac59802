"""The ground's admin: divisions, organisations, users and their login locks, the outbox, read-only logs."""
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from . import login_security
from .admin_mixins import ReadOnlyAdminMixin
from .models import (
    ChangeRecord,
    Division,
    LoginEvent,
    LoginLock,
    Organisation,
    OutboxTask,
    User,
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


@admin.action(description="解除所选登录名的登录锁定")
def unlock_logins(modeladmin, request, queryset):
    """Users and lock rows alike carry the login name; the lift is recorded per name."""
    count = login_security.unlock(list(queryset.values_list("username", flat=True)), request)
    modeladmin.message_user(request, f"已解锁 {count} 个登录名。", messages.SUCCESS)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "last_name", "first_name", "organisation", "role", "is_active"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "organisation__name"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation"]
    fieldsets = BaseUserAdmin.fieldsets + (
        ("单位与角色", {"fields": ("organisation", "role", "phone")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("单位与角色", {"fields": ("organisation", "role")}),)
    actions = [unlock_logins]


@admin.register(LoginLock)
class LoginLockAdmin(admin.ModelAdmin):
    """Login names with failures in a row or a lock (any name typed at the login page, existing or not)."""

    list_display = ["username", "failures", "locked_until"]
    search_fields = ["username"]
    actions = [unlock_logins]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # lifting a lock goes through the recorded action above


@admin.register(LoginEvent)
class LoginEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "username", "ip_address", "user_agent"]
    list_filter = ["kind"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "created_at"


@admin.register(OutboxTask)
class OutboxTaskAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Queued tasks: those not done, with their last error, are what an operator looks at."""

    list_display = ["id", "name", "created_at", "sent_at", "done_at", "attempts", "last_error"]
    list_filter = ["name", ("done_at", admin.EmptyFieldListFilter)]
    date_hierarchy = "created_at"


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Writes bypassing the services would skip validation and history, so the admin only reads."""


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "content_type", "object_id", "field_label", "old_value", "new_value", "user"]
    list_filter = ["content_type", "action"]
    list_select_related = ["content_type", "user"]
    show_full_result_count = False
