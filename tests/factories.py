"""Factories for the foundation: organisations and users placed on the real divisions."""
import itertools

import factory

from registry.models import Division, Organisation, OrganisationKind, Role, User

TEST_PASSWORD = "Test@2026pw"

_KIND_BY_LEVEL = {
    ("clerk", 1): OrganisationKind.PROVINCE_TASK_FORCE,
    ("clerk", 2): OrganisationKind.CITY_TASK_FORCE,
    ("clerk", 3): OrganisationKind.COUNTY_TASK_FORCE,
    ("manager", 1): OrganisationKind.PROVINCE_TASK_FORCE,
    ("manager", 2): OrganisationKind.CITY_TASK_FORCE,
    ("manager", 3): OrganisationKind.COUNTY_TASK_FORCE,
}
_seq = itertools.count(1)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = OrganisationKind.COUNTY_GOVERNMENT
    division = factory.LazyFunction(lambda: Division.objects.get(code="330782"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.COUNTY_STAFF
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def org_for(division_code: str, kind=None, name=None) -> Organisation:
    division = Division.objects.get(code=division_code)
    kind = kind or OrganisationKind.COUNTY_GOVERNMENT
    org, _ = Organisation.objects.get_or_create(
        division=division, name=name or f"{division.name}{OrganisationKind(kind).label}", defaults={"kind": kind}
    )
    return org


def make_user(role: str, division_code: str, *, kind=None, username=None, organisation=None) -> User:
    """A user of `role` whose jurisdiction is the division with `division_code`."""
    division = Division.objects.get(code=division_code)
    if organisation is None:
        default_kind = _KIND_BY_LEVEL.get((role, division.level), OrganisationKind.COUNTY_GOVERNMENT)
        organisation = org_for(division_code, kind or default_kind)
    return UserFactory(
        username=username or f"{role}_{division_code}_{next(_seq)}", role=role, organisation=organisation
    )
