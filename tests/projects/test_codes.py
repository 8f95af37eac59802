import datetime
from decimal import Decimal

import pytest

from projects.models import Project
from projects.services import project_create
from registry.models import Division
from tests.conftest import requires_postgres
from tests.support.threads import run_in_threads

from .factories import category


def _create(user, name):
    return project_create(
        user=user, county=Division.objects.get(code="330782"), name=name, category=category("中心镇"),
        owner_unit="佛堂镇人民政府", total_investment=Decimal("1000"), kind="new",
    )


@pytest.mark.django_db
def test_codes_are_county_year_and_a_sequence_per_county(yiwu_clerk, province_clerk):
    year = datetime.date.today().year
    first, second = _create(yiwu_clerk, "一"), _create(province_clerk, "二")
    dongyang = project_create(
        user=province_clerk, county=Division.objects.get(code="330783"), name="三", category=first.category,
        owner_unit="东阳市人民政府", total_investment=Decimal("1"), kind="new",
    )
    assert [first.code, second.code, dongyang.code] == [f"330782{year}0001", f"330782{year}0002", f"330783{year}0001"]


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_creations_get_distinct_codes(yiwu_clerk):
    codes, errors = run_in_threads(lambda i: _create(yiwu_clerk, f"并发项目{i}").code, 8)
    assert errors == [] and len(set(codes)) == 8, (errors, codes)
    assert Project.objects.count() == 8
