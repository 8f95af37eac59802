"""Factories for the deliverable records, placed on the real divisions (Yiwu 330782 unless told)."""
import datetime as dt
from decimal import Decimal

import factory

from registry.deliverables.cluster_models import ensure_cluster_models
from registry.models import (
    Batch,
    CentralTown,
    CentralTownTrack,
    ClusterLevel,
    ClusterModel,
    DevelopmentAxis,
    Division,
    OrganisationKind,
    PairingForm,
    PairingKind,
    PairingRelationship,
    VillageCluster,
    WeakTownship,
    WeakVillage,
    Workshop,
    WorkshopReport,
    WorkshopType,
)
from tests.factories import org_for

YIWU, DONGYANG, CHUN_AN = "330782", "330783", "330127"


def division(code):
    return Division.objects.get(code=code)


def townships(county_code, n=1, offset=0):
    return list(Division.objects.filter(level=4, parent__code=county_code).order_by("code")[offset:offset + n])


def villages(county_code, n=1, offset=0):
    return list(Division.objects.filter(level=5, key__startswith=county_code).order_by("code")[offset:offset + n])


def cluster_model():
    # Transactional tests elsewhere flush the table the data migration filled; refill it when needed.
    ensure_cluster_models(ClusterModel)
    return ClusterModel.objects.first()


class _DerivedCountyFactory(factory.django.DjangoModelFactory):
    """Sets the county (and township) the way the services do, from the record's division."""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = model_class(*args, **kwargs)
        obj.derive_county()
        obj.save()
        return obj


class AxisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DevelopmentAxis

    name = factory.Sequence(lambda n: f"测试发展轴{n}")
    county = factory.LazyFunction(lambda: division(YIWU))
    batch = Batch.FIRST


class WeakTownshipFactory(_DerivedCountyFactory):
    class Meta:
        model = WeakTownship

    division = factory.Sequence(lambda n: townships(YIWU, 1, offset=n % 10)[0])
    since = dt.date(2024, 1, 1)


class WeakVillageFactory(_DerivedCountyFactory):
    class Meta:
        model = WeakVillage

    division = factory.Sequence(lambda n: villages(YIWU, 1, offset=n)[0])
    since = dt.date(2024, 1, 1)


class CentralTownFactory(_DerivedCountyFactory):
    class Meta:
        model = CentralTown

    division = factory.Sequence(lambda n: townships(YIWU, 1, offset=n % 10)[0])
    track = CentralTownTrack.INDUSTRY
    batch = Batch.FIRST


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VillageCluster
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试片区组团{n}")
    level = ClusterLevel.PROVINCIAL
    county = factory.LazyFunction(lambda: division(YIWU))
    key_village = factory.LazyFunction(lambda: villages(YIWU, 1)[0])
    model = factory.LazyFunction(lambda: cluster_model())

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if create:
            obj.members.set(extracted or [obj.key_village, *villages(obj.county.code, 2, offset=1)])


class WorkshopFactory(_DerivedCountyFactory):
    class Meta:
        model = Workshop

    name = factory.Sequence(lambda n: f"测试共富工坊{n}")
    village = factory.LazyFunction(lambda: villages(YIWU, 1)[0])
    type = WorkshopType.PROCESSING
    pairing_form = PairingForm.ONE_TO_ONE
    opened_on = dt.date(2024, 3, 1)


class WorkshopReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkshopReport

    workshop = factory.SubFactory(WorkshopFactory)
    period = dt.date(2025, 6, 1)
    employed = 30
    low_income_employed = 5
    avg_monthly_income_gain = Decimal("2600.00")
    village_collective_income = Decimal("1.2000")


def provincial_department(name="省农业农村厅"):
    return org_for("330000", OrganisationKind.PROVINCIAL_DEPARTMENT, name)


def soe(name="浙江省能源集团"):
    return org_for("330000", OrganisationKind.STATE_OWNED_ENTERPRISE, name)


class PairingFactory(factory.django.DjangoModelFactory):
    """A complete "1+3" pairing of Chun'an county (a mountain county) with Yiwu as its strong county."""

    class Meta:
        model = PairingRelationship

    county = factory.LazyFunction(lambda: division(CHUN_AN))
    kind = PairingKind.ONE_PLUS_THREE
    year = 2025
    lead_unit = factory.LazyFunction(provincial_department)
    partner_county = factory.LazyFunction(lambda: division(YIWU))
    soe = factory.LazyFunction(soe)
    provincial_leader = "张三"
