from django.contrib import admin

from registry.admin import ReadOnlyAdmin
from registry.admin_mixins import ReadOnlyAdminMixin
from registry.models import (
    AxisNode,
    CentralTown,
    ClusterModel,
    DevelopmentAxis,
    PairingRelationship,
    VillageCluster,
    WeakTownship,
    WeakVillage,
    Workshop,
    WorkshopReport,
)

# --- deliverables: edited through the services in the product; the admin is for inspection -------


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
