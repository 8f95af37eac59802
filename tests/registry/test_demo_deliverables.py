"""The deliverables demo seeder: valid records, idempotent, reproducible from the seed."""
import pytest
from django.db.models import Count, F

from registry.demo import seed_people
from registry.deliverables.demo import seed_deliverables
from registry.models import (
    CentralTown,
    DevelopmentAxis,
    PairingKind,
    PairingRelationship,
    VillageCluster,
    WeakVillage,
    Workshop,
    WorkshopReport,
)

pytestmark = pytest.mark.django_db


def snapshot_of_data():
    return (
        list(Workshop.objects.order_by("village__code", "name").values_list("name", "village__code", "type")),
        list(WorkshopReport.objects.order_by("workshop__name", "period").values_list("employed", "avg_monthly_income_gain")[:200]),
        list(VillageCluster.objects.order_by("name").values_list("name", "key_village__code")),
        list(CentralTown.objects.order_by("division__code").values_list("division__code", "track", "batch")),
    )


def test_small_scale_seeds_valid_records_idempotently(divisions):
    seed_people(password="x")
    first = seed_deliverables(scale="small", seed=7)
    assert first["workshops"] == 40 and first["axes"] == 3
    before = snapshot_of_data()
    again = seed_deliverables(scale="small", seed=7)
    assert (again["workshops"], again["axes"], again["clusters"], again["pairings"]) == (0, 0, 0, 0)
    assert snapshot_of_data() == before

    for workshop in Workshop.objects.select_related("village__parent", "county"):
        assert workshop.township == workshop.village.parent and workshop.county.contains(workshop.village)
    for cluster in VillageCluster.objects.prefetch_related("members", "radiated_villages"):
        members = list(cluster.members.all())
        assert cluster.key_village in members
        assert all(cluster.county.contains(v) for v in members + list(cluster.radiated_villages.all()))
    for axis in DevelopmentAxis.objects.prefetch_related("nodes__division", "nodes__cluster"):
        for node in axis.nodes.all():
            node.full_clean()
    for pairing in PairingRelationship.objects.all():
        pairing.full_clean()
    assert not PairingRelationship.objects.filter(kind=PairingKind.ONE_PLUS_THREE, county__is_mountain_island=False).exists()
    assert WeakVillage.objects.filter(division__level=5).count() == WeakVillage.objects.count() == 8
    months = WorkshopReport.objects.values("workshop").annotate(n=Count("id")).values_list("n", flat=True)
    assert set(months) == {3}
    assert not WorkshopReport.objects.filter(low_income_employed__gt=F("employed")).exists()


def test_same_seed_same_data(divisions):
    seed_people(password="x")
    seed_deliverables(scale="small", seed=11)
    first = snapshot_of_data()
    for model in (WorkshopReport, Workshop, DevelopmentAxis, VillageCluster, CentralTown, WeakVillage):
        model.objects.all().delete()
    seed_deliverables(scale="small", seed=11)
    assert snapshot_of_data()[:3] == first[:3]
