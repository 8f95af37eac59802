import pytest

from .factories import build_history, build_projects, make_people


@pytest.fixture
def people(divisions):
    return make_people()


@pytest.fixture
def history(people):
    cases = build_history(people)
    build_projects(people)
    return cases
