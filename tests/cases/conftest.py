import pytest

from .factories import make_people


@pytest.fixture
def people(divisions):
    return make_people()
