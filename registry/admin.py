from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Division, LoginEvent, Organisation, User


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
class LoginEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "username", "ip_address", "user_agent"]
    list_filter = ["kind"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
