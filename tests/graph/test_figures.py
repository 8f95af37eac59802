"""Figures per node counted once, the county's reconciliation and idempotent snapshots (rollups/graph)."""
import datetime as dt
from decimal import Decimal

import pytest

from rollups.graph.models import GraphSnapshot
from rollups.services import rollup_month

from .builders import build

MONTH = dt.date(2026, 10, 1)
pytestmark = pytest.mark.django_db


def row(kind, node_id):
    return GraphSnapshot.objects.get(month=MONTH, node_kind=kind, node_id=node_id)


def test_a_project_on_an_axis_and_its_town_counts_once(divisions):
    b = build(MONTH)
    rollup_month(month=MONTH)
    axis = row("axis", b.axis.pk)
    assert axis.project_count == 3  # P1 (axis and town), P2 (C1 under the town), P3 (C2)
    assert axis.year_plan == Decimal("3000.00") and axis.completed_year == Decimal("900.00")
    assert axis.completion_rate == 30.0
    assert axis.schedule_gap == pytest.approx(30.0 - 10 * 100 / 12, abs=0.01)
    assert (axis.new_due, axis.new_started, axis.start_rate) == (1, 1, 100.0)
    assert row("town", b.town.pk).project_count == 3
    assert row("cluster", b.c1.pk).project_count == 1
    assert row("cluster", b.c2.pk).project_count == 1


def test_workshops_of_a_village_in_two_clusters_count_once_and_gain_is_job_weighted(divisions):
    b = build(MONTH)
    rollup_month(month=MONTH)
    c1, c2, town = row("cluster", b.c1.pk), row("cluster", b.c2.pk), row("town", b.town.pk)
    assert (c1.workshops, c1.jobs, c1.income_gain) == (2, 40, Decimal("1750.00"))  # (30×2000 + 10×1000) / 40
    assert (c2.workshops, c2.jobs, c2.income_gain) == (1, 30, Decimal("2000.00"))
    assert (town.workshops, town.jobs, town.low_income_jobs) == (2, 40, 8)  # W1 once, though in both clusters
    assert town.collective_income == Decimal("7.0000")
    assert c1.villages == 3 and c2.villages == 3
    assert town.villages == 5 + len(b.town_villages)
    assert row("axis", b.axis.pk).villages == 6 + len(b.town_villages)


def test_reconciliation_of_a_county_sum_distinct_and_administrative(divisions):
    b = build(MONTH)
    rollup_month(month=MONTH)
    county = row("county", b.axis.county_id)
    admin = row("admin_county", b.axis.county_id)
    nodes = GraphSnapshot.objects.filter(month=MONTH, county_id=b.axis.county_id, node_kind__in=("axis", "town", "cluster"))
    assert sum(n.project_count for n in nodes) == 8 == county.project_node_links
    assert county.project_count == 3 and county.shared_projects == 3
    assert admin.project_count == 4  # P4 is in Yiwu but on no node
    assert sum(n.villages for n in nodes) == county.village_node_links
    assert county.villages == 6 + len(b.town_villages)
    # Every village but the key village (on the axis alone) is reached by the axis and a lower node.
    assert county.shared_villages == 5 + len(b.town_villages)
    assert county.jobs == 40 and admin.jobs == 45
    assert admin.income_gain == Decimal("1644.44")  # (60000 + 10000 + 4000) / 45
    city = row("admin_city", b.axis.county.parent_id)
    assert city.jobs == 45 and city.project_count == 4


def test_rolling_a_month_twice_rewrites_the_same_rows(divisions):
    build(MONTH)
    rollup_month(month=MONTH)
    first = sorted(GraphSnapshot.objects.filter(month=MONTH).values_list("pk", "node_kind", "node_id", "project_count", "jobs", "villages"))
    rollup_month(month=MONTH)
    assert sorted(GraphSnapshot.objects.filter(month=MONTH).values_list("pk", "node_kind", "node_id", "project_count", "jobs", "villages")) == first
