import pytest

from monitoring.catalogue import seed_demo_catalogue


@pytest.fixture
def catalogue(divisions):
    return seed_demo_catalogue()
