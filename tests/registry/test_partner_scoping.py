"""Least privilege for the "1+3" partners (issue 15): a provincial department or state-owned enterprise
sees what it is a party to and the counties its pairing records name, nothing else — and of those
counties' cases only the pairing's work (issue 21); the province task
force still sees everything. One mechanism (registry.scoping.areas) for lists, details, APIs and exports."""
import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import CaseState
from registry.models import Division, OrganisationKind, Role
from registry.scoping import can_see, user_can_see_division
from tests.cases.factories import case_at, make_people, new_case
from tests.factories import make_user, org_for
from tests.projects.factories import ProjectFactory

from .factories import (
    CHUN_AN,
    DONGYANG,
    PairingFactory,
    WorkshopFactory,
    WorkshopReportFactory,
    division,
    provincial_department,
    soe,
    villages,
)


@pytest.fixture
def world(divisions):
    """Chun'an (a mountain county) paired with a department group, Yiwu and an SOE; Dongyang not paired
    with any of them; a case in each, and a Dongyang case where the department is a joint party."""
    dept, member = provincial_department(), provincial_department("省教育厅（测试）")
    energy, other_soe = soe(), soe("浙江省交通投资集团（测试）")
    pairing = PairingFactory(lead_unit=dept, soe=energy)
    pairing.member_units.set([member])
    elsewhere = Division.objects.filter(level=3, is_mountain_island=True).exclude(code=CHUN_AN).order_by("code").first()
    other_pairing = PairingFactory(county=elsewhere, lead_unit=provincial_department("省发展改革委（测试）"), soe=other_soe)
    chun_an, dongyang = make_people(county_code=CHUN_AN, city_code="330100"), make_people(county_code=DONGYANG)
    return SimpleNamespace(
        pairing=pairing, other_pairing=other_pairing,
        # The pairing's work in Chun'an (a case concerning the pairing) and the county's own business (issue 21).
        chun_an_case=case_at(CaseState.RECTIFYING, chun_an, concerns=pairing),
        chun_an_own_case=case_at(CaseState.RECTIFYING, chun_an),
        dongyang_case=case_at(CaseState.RECTIFYING, dongyang),
        joint_case=case_at(CaseState.FEEDBACK, dongyang, joint_parties=[dept]),
        chun_an_project=ProjectFactory(county=division(CHUN_AN)),
        dongyang_project=ProjectFactory(county=division(DONGYANG)),
        chun_an_workshop=WorkshopFactory(village=villages(CHUN_AN, 1)[0]),
        dongyang_workshop=WorkshopFactory(village=villages(DONGYANG, 1)[0]),
        dept_staff=make_user("county_staff", "330000", organisation=dept),
        dept_manager=make_user("manager", "330000", organisation=dept),
        dept_clerk=make_user("clerk", "330000", organisation=dept),
        member_staff=make_user("county_staff", "330000", organisation=member),
        soe_staff=make_user("county_staff", "330000", organisation=energy),
        unpaired=make_user("county_staff", "330000", organisation=org_for("330000", OrganisationKind.PROVINCIAL_DEPARTMENT, "省审计厅（测试）")),
        province_clerk=chun_an.province_clerk,
        chun_an=chun_an, dongyang=dongyang,
    )


def _api_ids(api_client, user, url):
    api_client.force_authenticate(user)
    response = api_client.get(url, {"page_size": 200})
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_partners_are_neither_everything_nor_task_force(world):
    for user in (world.dept_staff, world.dept_clerk, world.soe_staff, world.unpaired):
        assert user.is_partner and not user.sees_everything and not user.is_clerk
    assert world.province_clerk.sees_everything and not world.province_clerk.is_partner
    assert user_can_see_division(world.dept_staff, division(CHUN_AN))
    assert not user_can_see_division(world.dept_staff, division(DONGYANG))
    assert not user_can_see_division(world.dept_staff, Division.objects.get(code="330000"))


@pytest.mark.parametrize("who", ["dept_staff", "member_staff", "soe_staff"])
def test_a_partner_sees_its_paired_county_and_what_it_is_party_to_over_the_api(world, api_client, who):
    user = getattr(world, who)
    expected_cases = {world.chun_an_case.pk} | ({world.joint_case.pk} if who == "dept_staff" else set())
    assert _api_ids(api_client, user, "/api/v1/cases/") == expected_cases
    assert api_client.get(f"/api/v1/cases/{world.dongyang_case.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/cases/{world.chun_an_own_case.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/cases/{world.chun_an_case.pk}/").status_code == 200
    assert (api_client.get(f"/api/v1/cases/{world.joint_case.pk}/").status_code == 200) == (who == "dept_staff")
    assert _api_ids(api_client, user, "/api/v1/projects/") == {world.chun_an_project.pk}
    assert api_client.get(f"/api/v1/projects/{world.dongyang_project.pk}/").status_code == 404
    assert _api_ids(api_client, user, "/api/v1/workshops/") == {world.chun_an_workshop.pk}
    assert _api_ids(api_client, user, "/api/v1/pairings/") == {world.pairing.pk}
    assert api_client.get(f"/api/v1/pairings/{world.pairing.pk}/").status_code == 200
    assert api_client.get(f"/api/v1/pairings/{world.other_pairing.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/divisions/{DONGYANG}/").status_code == 404


def test_an_soe_sees_a_workshop_it_partners_in_another_county(world, api_client):
    world.dongyang_workshop.partner_enterprises.set([world.soe_staff.organisation])
    report = WorkshopReportFactory(workshop=world.dongyang_workshop)
    WorkshopReportFactory(workshop=WorkshopFactory(village=villages(DONGYANG, 1, offset=1)[0]))
    assert _api_ids(api_client, world.soe_staff, "/api/v1/workshops/") == {world.chun_an_workshop.pk, world.dongyang_workshop.pk}
    assert _api_ids(api_client, world.soe_staff, "/api/v1/workshop-reports/") == {report.pk}
    assert _api_ids(api_client, world.dept_staff, "/api/v1/workshops/") == {world.chun_an_workshop.pk}


def test_an_unpaired_department_sees_nothing_but_what_it_is_party_to(world, api_client):
    assert _api_ids(api_client, world.unpaired, "/api/v1/cases/") == set()
    assert _api_ids(api_client, world.unpaired, "/api/v1/projects/") == set()
    assert _api_ids(api_client, world.unpaired, "/api/v1/pairings/") == set()
    joint = new_case(world.dongyang, joint_parties=[world.unpaired.organisation])
    assert _api_ids(api_client, world.unpaired, "/api/v1/cases/") == {joint.pk}


def test_pages_answer_404_outside_a_partners_reach(world, client):
    client.force_login(world.dept_staff)
    assert client.get(reverse("case-detail", args=[world.dongyang_case.pk])).status_code == 404
    assert client.get(reverse("case-detail", args=[world.chun_an_own_case.pk])).status_code == 404
    assert client.get(reverse("case-detail", args=[world.joint_case.pk])).status_code == 200
    assert client.get(reverse("project-detail", args=[world.dongyang_project.pk])).status_code == 404
    assert client.get(reverse("project-detail", args=[world.chun_an_project.pk])).status_code == 200
    listed = {row["id"] for row in client.get(reverse("case-list")).context["cases"]}
    assert listed == {world.chun_an_case.pk, world.joint_case.pk}
    home = client.get("/").content.decode()
    assert "淳安县" in home


def _sheet_rows(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(load_workbook(io.BytesIO(content), read_only=True).worksheets[0].values)
    return rows[1:]


def test_exports_hold_only_what_the_partner_sees(world, client):
    client.force_login(world.soe_staff)
    case_rows = _sheet_rows(client.get(reverse("case-export")))
    assert {row[0] for row in case_rows} == {world.chun_an_case.pk}
    client.force_login(world.dept_staff)
    case_rows = _sheet_rows(client.get(reverse("case-export")))
    assert {row[0] for row in case_rows} == {world.chun_an_case.pk, world.joint_case.pk}
    # The Excel lists of projects and deliverables are task-force tools: a partner's clerk role does
    # not open them (a page the role may not use is a 403, as everywhere).
    client.force_login(world.dept_clerk)
    assert client.get(reverse("project-excel-export")).status_code == 403


def test_a_partner_clerk_has_no_task_force_powers(world):
    from cases.workflow import available_actions
    from projects.services import month_lock

    assert world.dept_clerk.role == Role.CLERK
    assert available_actions(world.chun_an_case, world.dept_clerk) == []
    with pytest.raises(PermissionDenied):
        month_lock(user=world.dept_clerk, month=dt.date(2026, 3, 1))


def test_a_partner_manager_board_is_its_paired_county(world):
    from rollups.selectors import board_filters, jurisdiction

    assert jurisdiction(world.dept_manager).code == CHUN_AN
    assert board_filters(world.dept_manager, division_code="330000").division.code == CHUN_AN
    assert board_filters(world.dept_manager, division_code=DONGYANG).division.code == CHUN_AN
    assert jurisdiction(world.province_clerk).code == "330000"


def test_the_province_task_force_still_sees_everything(world, api_client):
    cases = _api_ids(api_client, world.province_clerk, "/api/v1/cases/")
    assert {world.chun_an_case.pk, world.chun_an_own_case.pk, world.dongyang_case.pk, world.joint_case.pk} <= cases
    assert can_see(world.province_clerk, world.dongyang_project)
