"""A hand-built piece of the programme's structure in Yiwu (330782), small enough to count by hand:

    axis A: [central town T, cluster C2, key village k]
    town T (township t): clusters C1 and C2, plus the villages of t
    cluster C1: members v1 v2 v3            cluster C2: members v3 v4, radiated v5
    projects: P1 linked to A and to T; P2 to C1; P3 to C2; P4 to nothing (in Yiwu)
    workshops: W1 in v3 (in both clusters), W2 in v1, W3 in a Yiwu village outside the structure

v3 sits in two clusters and P1 is linked to an axis and to one of its towns: each must count once."""
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType

from projects.models import ProjectKind, ProjectRecordLink
from registry.deliverables import graph
from registry.models import AxisNode, AxisNodeKind, WorkshopReport
from tests.projects.factories import ApprovedReportFactory, ProjectFactory
from tests.registry.factories import (
    YIWU,
    AxisFactory,
    CentralTownFactory,
    ClusterFactory,
    WorkshopFactory,
    division,
    townships,
    villages,
)


@dataclass
class Built:
    axis: object
    town: object
    c1: object
    c2: object
    key_village: object
    cluster_villages: list
    town_villages: list
    projects: dict
    workshops: dict


def link(project, record):
    ProjectRecordLink.objects.create(
        project=project, content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    )


def build(month: dt.date) -> Built:
    township = townships(YIWU, 1, offset=3)[0]
    town = CentralTownFactory(division=township)
    town_villages = list(township.children.filter(level=5).order_by("code"))
    outside = [v for v in villages(YIWU, 40) if v.parent_id != township.pk]
    v1, v2, v3, v4, v5, k, far = outside[:7]
    c1 = ClusterFactory(key_village=v1, members=[v1, v2, v3], central_town=town)
    c2 = ClusterFactory(key_village=v3, members=[v3, v4], central_town=town)
    c2.radiated_villages.set([v5])
    axis = AxisFactory(county=division(YIWU))
    AxisNode.objects.create(axis=axis, kind=AxisNodeKind.CENTRAL_TOWN, central_town=town, division=township, position=1)
    AxisNode.objects.create(axis=axis, kind=AxisNodeKind.CLUSTER, cluster=c2, position=2)
    AxisNode.objects.create(axis=axis, kind=AxisNodeKind.KEY_VILLAGE, division=k, position=3)
    year = {month.year: Decimal("1000")}
    projects = {
        "P1": ProjectFactory(plan=year), "P2": ProjectFactory(plan=year),
        "P3": ProjectFactory(plan=year, kind=ProjectKind.NEW, planned_start=month.replace(month=1),
                             actual_start=month.replace(month=1)),
        "P4": ProjectFactory(plan=year),
    }
    link(projects["P1"], axis)
    link(projects["P1"], town)
    link(projects["P2"], c1)
    link(projects["P3"], c2)
    for name, amount in (("P1", "500"), ("P2", "100"), ("P3", "300"), ("P4", "700")):
        ApprovedReportFactory(project=projects[name], month=month, completed=Decimal(amount))
    workshops = {"W1": WorkshopFactory(village=v3), "W2": WorkshopFactory(village=v1), "W3": WorkshopFactory(village=far)}
    for name, (jobs, gain, collective) in {"W1": (30, "2000", "5"), "W2": (10, "1000", "2"), "W3": (5, "800", "1")}.items():
        WorkshopReport.objects.create(
            workshop=workshops[name], period=month, employed=jobs, low_income_employed=jobs // 5,
            avg_monthly_income_gain=Decimal(gain), village_collective_income=Decimal(collective),
        )
    graph.graph_refresh()
    return Built(axis, town, c1, c2, k, [v1, v2, v3, v4, v5], town_villages, projects, workshops)
