"""Transactional tests (browser, worker) flush every table; data-migration rows must come back."""
import pytest

from registry.models import ClusterModel


@pytest.mark.parametrize("run", [1, 2])
@pytest.mark.django_db(transaction=True)
def test_reference_rows_survive_the_previous_transactional_test(divisions, run):
    assert ClusterModel.objects.count() == 8
    ClusterModel.objects.all().delete()  # the flush after this test must not take them for the next
