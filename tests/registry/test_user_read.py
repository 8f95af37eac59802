"""The user every request reads (registry.auth.user_with_unit): the ORM's instances, in one query."""
import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from registry.auth import LockoutModelBackend, user_with_unit


def field_values(obj):
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_the_user_unit_and_division_are_the_orms_field_for_field(yiwu_staff, django_assert_num_queries):
    expected = get_user_model().objects.select_related("organisation__division").get(pk=yiwu_staff.pk)
    with django_assert_num_queries(1):
        user = LockoutModelBackend().get_user(yiwu_staff.pk)
        # The unit and its division come with the user: jurisdiction checks read them for free.
        place = user.organisation.division
    assert field_values(user) == field_values(expected)
    assert field_values(user.organisation) == field_values(expected.organisation)
    assert field_values(place) == field_values(expected.organisation.division)
    assert user.last_login is None or user.last_login.tzinfo is not None
    assert user._state.adding is False and user._state.db == connection.alias
    assert user.sees_everything is False and user.division.code == "330782"


def test_a_user_without_a_unit_reads_as_one(divisions):
    admin = get_user_model().objects.create_superuser("root_admin", password="Adm1n@pass!")
    user = user_with_unit(admin.pk)
    assert user.organisation is None and user.division is None and user.sees_everything
    assert field_values(user) == field_values(get_user_model().objects.get(pk=admin.pk))


@pytest.mark.parametrize("user_id", [0, 10**12, "abc", None])
def test_no_such_user_is_none(divisions, user_id):
    assert user_with_unit(user_id) is None
    assert LockoutModelBackend().get_user(user_id) is None


def test_a_deactivated_user_is_no_longer_served(client, yiwu_staff):
    client.force_login(yiwu_staff)
    assert client.get("/cases/todo/").status_code == 200
    get_user_model().objects.filter(pk=yiwu_staff.pk).update(is_active=False)
    assert LockoutModelBackend().get_user(yiwu_staff.pk) is None
    assert client.get("/cases/todo/").status_code == 302
