import pytest

from tests.factories import make_user


@pytest.fixture
def jinhua_clerk(divisions):
    return make_user("clerk", "330700")


@pytest.fixture
def dongyang_clerk(divisions):
    return make_user("clerk", "330783")


@pytest.fixture
def other_yiwu_staff(divisions):
    return make_user("county_staff", "330782")
