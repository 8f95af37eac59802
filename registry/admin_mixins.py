"""An admin that can look but not change, for ledgers and logs the services alone write."""
class ReadOnlyAdminMixin:
    """For rows that only services may write (they validate, keep history and write the ledger):
    the admin shows them and cannot add, change or delete them. Works for ModelAdmin and inlines."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
