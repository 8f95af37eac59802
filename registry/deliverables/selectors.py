"""Read paths of the deliverable records: each selector scopes to the user and declares the joins
its lists and details need, so the number of queries stays constant as rows grow."""
from django.db.models import Max, Prefetch, Sum

from registry.history import history_for

from . import reporting
from registry.models import (
    AxisNode,
    CentralTown,
    DevelopmentAxis,
    PairingRelationship,
    VillageCluster,
    WeakTownship,
    WeakVillage,
    Workshop,
    WorkshopReport,
)

__all__ = [
    "axis_queryset", "central_town_queryset", "cluster_queryset", "history_for", "pairing_queryset",
    "weak_township_queryset", "weak_village_queryset", "workshop_queryset", "workshop_report_queryset",
    "workshop_summary",
]


def axis_queryset(user):
    nodes = Prefetch("nodes", queryset=AxisNode.objects.select_related("division", "cluster", "central_town__division").order_by("position", "id"))
    return DevelopmentAxis.objects.select_related("county__parent").prefetch_related(nodes).for_user(user)


def central_town_queryset(user):
    return (
        CentralTown.objects.select_related("division", "county__parent")
        .prefetch_related(Prefetch("driven_townships", queryset=WeakTownship.objects.select_related("division")))
        .for_user(user)
    )


def weak_township_queryset(user):
    return WeakTownship.objects.select_related("division", "county__parent", "helper_unit").for_user(user)


def weak_village_queryset(user):
    return WeakVillage.objects.select_related("division", "county__parent", "helper_unit").for_user(user)


def cluster_queryset(user):
    return (
        VillageCluster.objects.select_related("county__parent", "key_village", "model")
        .prefetch_related("members", "radiated_villages", "cross_county_counties")
        .for_user(user)
    )


def workshop_queryset(user):
    return (
        Workshop.objects.select_related("village", "township", "county__parent")
        .prefetch_related("partner_enterprises")
        .for_user(user)
    )


def workshop_report_queryset(user):
    return WorkshopReport.objects.select_related("workshop__county__parent", "workshop__village", "submitted_by").for_user(user)


def pairing_queryset(user):
    return (
        PairingRelationship.objects.select_related("county__parent", "lead_unit", "partner_county", "soe")
        .prefetch_related("member_units")
        .for_user(user)
    )


def workshop_summary(user) -> dict:
    """The jurisdiction's workshops and the latest reported month's jobs and per-person income gain,
    weighted by jobs (a workshop of 300 people weighs thirty times one of 10: reporting.weighted_gain)."""
    reports = WorkshopReport.objects.for_user(user).filter(status__in=reporting.COUNTED_WORKSHOP_STATUSES)
    latest = reports.aggregate(month=Max("period"))["month"]
    figures = {}
    if latest:
        month = reports.filter(period=latest)
        figures = {"jobs": month.aggregate(jobs=Sum("employed"))["jobs"], "gain": reporting.weighted_gain(month)}
    return {"workshops": Workshop.objects.for_user(user).count(), "month": latest, **figures}
