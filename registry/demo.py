"""Demo organisations and users on the real divisions (idempotent)."""
from django.contrib.auth.hashers import make_password
from django.db import transaction

from .models import Division, DivisionLevel, LoginLock, Organisation, OrganisationKind, Role, User

PROVINCIAL_DEPARTMENTS = [
    "省发展改革委", "省农业农村厅", "省财政厅", "省住房城乡建设厅", "省自然资源厅", "省交通运输厅",
    "省人力社保厅", "省商务厅", "省文化广电旅游厅", "省经信厅", "省民政厅", "省卫生健康委",
    "省海洋经济发展厅",
]
STATE_OWNED_ENTERPRISES = ["浙江省能源集团", "浙江省交通投资集团", "浙江省国有资本运营公司", "浙江省建设投资集团", "浙江省农发集团"]


def _org(name, kind, division):
    org, _ = Organisation.objects.update_or_create(division=division, name=name, defaults={"kind": kind})
    return org


def _user(username, org, role, password_hash, last_name, first_name=""):
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"organisation": org, "role": role, "password": password_hash, "last_name": last_name, "first_name": first_name},
    )
    if not created:
        user.organisation, user.role, user.password = org, role, password_hash
        user.save(update_fields=["organisation", "role", "password"])
    return user


@transaction.atomic
def seed_people(*, password: str, **_) -> dict:
    """Province, city and county task forces, governments, departments, SOEs and the demo logins."""
    # One hash for every demo account: hashing ~200 passwords one by one would take minutes.
    password_hash = make_password(password)
    province = Division.objects.get(level=DivisionLevel.PROVINCE)
    task_force = _org("省缩小“三大差距”工作专班", OrganisationKind.PROVINCE_TASK_FORCE, province)
    _user("clerk", task_force, Role.CLERK, password_hash, "省专班", "工作人员")
    _user("manager", task_force, Role.MANAGER, password_hash, "省专班", "领导")
    for name in PROVINCIAL_DEPARTMENTS:
        _org(name, OrganisationKind.PROVINCIAL_DEPARTMENT, province)
    for name in STATE_OWNED_ENTERPRISES:
        _org(name, OrganisationKind.STATE_OWNED_ENTERPRISE, province)
    for city in Division.objects.filter(level=DivisionLevel.CITY):
        org = _org(f"{city.name}缩小“三大差距”工作专班", OrganisationKind.CITY_TASK_FORCE, city)
        _org(f"{city.name}人民政府", OrganisationKind.CITY_GOVERNMENT, city)
        _user(f"clerk_{city.code}", org, Role.CLERK, password_hash, city.name, "专班")
        _user(f"manager_{city.code}", org, Role.MANAGER, password_hash, city.name, "领导")
    counties = list(Division.objects.filter(level=DivisionLevel.COUNTY))
    for county in counties:
        task_force = _org(f"{county.name}缩小“三大差距”工作专班", OrganisationKind.COUNTY_TASK_FORCE, county)
        government = _org(f"{county.name}人民政府", OrganisationKind.COUNTY_GOVERNMENT, county)
        _user(f"clerk_{county.code}", task_force, Role.CLERK, password_hash, county.name, "专班")
        _user(f"staff_{county.code}", government, Role.COUNTY_STAFF, password_hash, county.name, "工作人员")
    # Re-seeding gives the demo logins a clean slate: no lock left from earlier failed attempts.
    LoginLock.objects.filter(username__in=User.objects.values("username")).delete()
    return {"counties": len(counties), "users": User.objects.filter(is_superuser=False).count()}
