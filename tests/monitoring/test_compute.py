import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from monitoring import services
from monitoring.models import GroupWeight, IndexPeriod, IndexRun, IndexSnapshot, IndicatorScore, PeriodStatus, RunKind
from registry.models import Division

from .support import put


def _fill(version, period, codes=("S01", "E01"), scale=1.0):
    """Every county, city and the province: values spread by code so that ranks are known."""
    for n, division in enumerate(Division.objects.filter(level__lte=3).order_by("code")):
        for code in codes:
            base = 50 + (n * 7) % 40
            put(version, period, division, code, round(base * scale if code != "E01" else 1.5 + (n % 9) / 10, 3))


def _rows(period):
    return list(IndexSnapshot.objects.filter(period=period).order_by("division_id").values())


def test_computing_twice_gives_identical_rows_and_counts_no_change(catalogue):
    _fill(catalogue, "2025")
    first = services.index_compute(period="2025")
    rows = _rows("2025")
    second = services.index_compute(period="2025")
    assert first.row_count == second.row_count == 102 and second.changed_rows == 0
    assert _rows("2025") == rows
    assert IndicatorScore.objects.filter(period="2025").count() == 102 * 2


def test_counties_are_ranked_within_their_class_and_cities_among_cities(catalogue):
    _fill(catalogue, "2025")
    services.index_compute(period="2025")
    for group, size in (("urbanised", None), ("mountain_island", 28), ("other", None), ("city", 11)):
        rows = IndexSnapshot.objects.filter(period="2025", group=group)
        expected = size or Division.objects.filter(level=3, index_class=group).count()
        assert rows.count() == expected
        assert sorted(r.rank_in_group for r in rows)[0] == 1 and all(r.group_size == expected for r in rows)
    province = IndexSnapshot.objects.get(period="2025", division__code="330000")
    assert province.group == "province" and 0 <= province.composite <= 100
    weights = GroupWeight.objects.filter(period="2025", group="other")
    assert sum(w.combined for w in weights) == pytest.approx(1)
    state = IndexPeriod.objects.get(period="2025")
    assert "α = 0.5" in state.method_note and "重新归一" in state.method_note


def test_change_against_the_previous_period_and_the_same_period_last_year(catalogue):
    _fill(catalogue, "2024Q3", codes=("E01", "E02"))
    _fill(catalogue, "2025Q2", codes=("E01", "E02"))
    _fill(catalogue, "2025Q3", codes=("E01", "E02"))
    for period in ("2024Q3", "2025Q2", "2025Q3"):
        services.index_compute(period=period)
    row = IndexSnapshot.objects.get(period="2025Q3", division__code="330782")
    assert row.change_previous == pytest.approx(0) and row.change_year == pytest.approx(0)
    assert row.previous_rank == row.rank_in_group and row.rank_movement == 0


def test_a_published_period_is_frozen_until_republished_with_a_reason(catalogue, province_clerk, yiwu_clerk):
    _fill(catalogue, "2025")
    services.index_compute(period="2025")
    with pytest.raises(PermissionDenied):
        services.index_publish(period="2025", by=yiwu_clerk)
    services.index_publish(period="2025", by=province_clerk)
    before = _rows("2025")
    put(catalogue, "2025", Division.objects.get(code="330782"), "G01", 99)
    put(catalogue, "2025", Division.objects.get(code="330783"), "G01", 10)
    assert services.index_compute(period="2025").kind == RunKind.SKIPPED
    assert _rows("2025") == before
    with pytest.raises(ValidationError):
        services.index_publish(period="2025", by=province_clerk)
    run = services.index_publish(period="2025", by=province_clerk, reason="统计局更正 G01")
    assert run.kind == RunKind.REPUBLISH and run.changed_rows > 0 and run.reason == "统计局更正 G01"
    assert IndexPeriod.objects.get(period="2025").status == PeriodStatus.PUBLISHED
    assert list(IndexRun.objects.order_by("id").values_list("kind", flat=True)) == [
        RunKind.COMPUTE, RunKind.PUBLISH, RunKind.SKIPPED, RunKind.REPUBLISH]


def test_the_compute_request_runs_as_a_task_after_the_commit(catalogue, province_clerk, django_capture_on_commit_callbacks):
    _fill(catalogue, "2025")
    with django_capture_on_commit_callbacks(execute=True):
        services.index_request(period="2025", by=province_clerk)
    assert IndexSnapshot.objects.filter(period="2025").count() == 102
    assert IndexRun.objects.get().by == province_clerk


@pytest.mark.worker
def test_a_real_worker_computes_the_period_and_a_redelivery_changes_nothing(celery_worker, province_clerk):
    from celery.result import EagerResult

    from monitoring import tasks
    from monitoring.catalogue import seed_demo_catalogue

    version = seed_demo_catalogue()
    _fill(version, "2025")
    first = tasks.compute_period.delay("2025", province_clerk.pk)
    assert not isinstance(first, EagerResult)
    assert first.get(timeout=120)["rows"] == 102
    rows = _rows("2025")
    again = tasks.compute_period.delay("2025", province_clerk.pk).get(timeout=120)
    assert again["changed"] == 0 and _rows("2025") == rows
