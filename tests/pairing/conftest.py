from types import SimpleNamespace

import pytest

from registry.models import OrganisationKind
from tests.factories import make_user

from .factories import PANAN, SUICHANG, make_pairing, unit


@pytest.fixture
def world(divisions):
    """遂昌's and 磐安's pairings, their clerks and partner users."""
    province_clerk = make_user("clerk", "330000")
    suichang = make_pairing(SUICHANG, province_clerk=province_clerk)
    panan = make_pairing(PANAN, strong="330783", suffix="（磐安组）", province_clerk=province_clerk)
    county_lead = unit(SUICHANG, OrganisationKind.COUNTY_GOVERNMENT, "遂昌县人民政府")
    return SimpleNamespace(
        suichang=suichang, panan=panan, province_clerk=province_clerk, county_lead=county_lead,
        suichang_clerk=make_user("clerk", SUICHANG), panan_clerk=make_user("clerk", PANAN),
        lead_staff=make_user("county_staff", SUICHANG, organisation=county_lead),
        dept_staff=make_user("county_staff", "330000", organisation=suichang.dept),
        school_staff=make_user("county_staff", "330000", organisation=suichang.school),
        soe_staff=make_user("county_staff", "330000", organisation=suichang.soe),
        strong_staff=make_user("county_staff", "330782", organisation=suichang.strong),
    )
