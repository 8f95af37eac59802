import pytest
from django.db import connection

from registry.divisions import load_divisions
from registry.models import Division

from .factories import make_user


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real divisions once per test database; tests then run in rolled-back transactions."""
    with django_db_blocker.unblock():
        if not Division.objects.exists():
            load_divisions()


@pytest.fixture
def divisions(db):
    """The real divisions. Transactional tests flush tables, so reload when they are gone."""
    if not Division.objects.exists():
        load_divisions()
    return Division.objects


@pytest.fixture
def province_clerk(divisions):
    return make_user("clerk", "330000")


@pytest.fixture
def province_manager(divisions):
    return make_user("manager", "330000")


@pytest.fixture
def yiwu_staff(divisions):
    return make_user("county_staff", "330782")


@pytest.fixture
def yiwu_clerk(divisions):
    return make_user("clerk", "330782")


@pytest.fixture
def dongyang_staff(divisions):
    return make_user("county_staff", "330783")


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


requires_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)")
