from django.contrib import admin

from registry.admin import ReadOnlyAdmin

from .models import Enclave, EvaluationCriterion, LeaderVisit, PairingEvaluation, PairingProject, PairingTask


# The loop's records are written through pairing.services (rules, cases, events); the admin inspects them.
@admin.register(PairingTask)
class PairingTaskAdmin(ReadOnlyAdmin):
    list_display = ["number", "case", "pairing", "is_takeover"]
    list_select_related = ["case", "pairing__county"]
    search_fields = ["number", "case__title", "pairing__county__name"]


@admin.register(Enclave)
class EnclaveAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "origin", "host", "pairing"]
    list_select_related = ["origin", "host", "pairing__county"]


@admin.register(PairingProject)
class PairingProjectAdmin(ReadOnlyAdmin):
    list_display = ["project", "pairing"]
    list_select_related = ["project", "pairing__county"]


@admin.register(LeaderVisit)
class LeaderVisitAdmin(ReadOnlyAdmin):
    list_display = ["visited_on", "leader", "pairing", "places"]
    list_select_related = ["pairing__county"]


@admin.register(PairingEvaluation)
class PairingEvaluationAdmin(ReadOnlyAdmin):
    list_display = ["pairing", "year", "total", "state"]
    list_select_related = ["pairing__county"]


@admin.register(EvaluationCriterion)
class EvaluationCriterionAdmin(admin.ModelAdmin):
    """The score sheet's criteria and weights are the province's to set (the shipped weights are a
    demonstration). A criterion no longer used is switched off, not deleted: past sheets name it."""

    list_display = ["name", "metric", "weight", "full_marks_at", "position", "is_active"]
    list_editable = ["weight", "full_marks_at", "position", "is_active"]

    def has_delete_permission(self, request, obj=None):
        return False
