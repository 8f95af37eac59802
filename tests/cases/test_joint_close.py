import pytest

from cases.models import CaseState, Notification
from cases.workflow import ActionNotAllowed, available_actions
from registry.models import OrganisationKind
from tests.factories import make_user, org_for

from .factories import act, case_at


@pytest.fixture
def parties(people):
    """A "1+3" pairing: a provincial department group, an SOE and the city government."""
    orgs = [
        org_for("330000", OrganisationKind.PROVINCIAL_DEPARTMENT, name="省农业农村厅（测试）"),
        org_for("330000", OrganisationKind.STATE_OWNED_ENTERPRISE, name="浙江省能源集团（测试）"),
        org_for("330700", OrganisationKind.CITY_GOVERNMENT, name="金华市人民政府（测试）"),
    ]
    users = [make_user("county_staff", org.division.code, organisation=org) for org in orgs]
    return orgs, users


def test_joint_case_closes_only_when_every_party_confirmed(people, parties):
    orgs, users = parties
    case = case_at(CaseState.FEEDBACK, people, joint_parties=orgs)
    with pytest.raises(ActionNotAllowed) as refused:
        act(case, "close", people.clerk, comment="同意")
    assert "省农业农村厅（测试）" in refused.value.messages[0]
    act(case, "confirm", users[0])
    act(case, "confirm", users[1])
    with pytest.raises(ActionNotAllowed) as still:
        act(case, "close", people.clerk, comment="同意")
    assert "金华市人民政府（测试）" in still.value.messages[0]
    assert "省农业农村厅（测试）" not in still.value.messages[0]
    # A party that already confirmed has nothing left to do.
    assert [a.name for a in available_actions(case, users[0])] == []
    act(case, "confirm", users[2], comment="同意销号")
    assert Notification.objects.filter(recipient=people.clerk, message__contains="已全部确认").exists()
    act(case, "close", people.clerk, comment="联合销号")
    assert case.state == CaseState.CLOSED
    assert [e.action for e in case.events.all()][-4:] == ["confirm", "confirm", "confirm", "close"]


def test_rejection_clears_joint_confirmations(people, parties):
    orgs, users = parties
    case = case_at(CaseState.FEEDBACK, people, joint_parties=orgs)
    act(case, "confirm", users[0])
    act(case, "reject", people.clerk, comment="材料不全")
    assert case.joint_parties.filter(confirmed_at__isnull=False).count() == 0
    assert "confirm" not in [a.name for a in available_actions(case, users[0])]


def test_non_party_cannot_confirm(people, parties):
    orgs, _ = parties
    case = case_at(CaseState.FEEDBACK, people, joint_parties=orgs)
    with pytest.raises(ActionNotAllowed):
        act(case, "confirm", people.lead_staff)


def test_strong_county_in_another_city_sees_and_confirms_its_pairing_task(people, client, api_client):
    """"1+3": a strong county (here 西湖区, Hangzhou) confirms a task in a county of Jinhua."""
    strong = org_for("330106", OrganisationKind.COUNTY_GOVERNMENT, name="西湖区人民政府（测试）")
    strong_staff = make_user("county_staff", "330106", organisation=strong)
    bystander = make_user("county_staff", "330106")  # same county, not a party
    case = case_at(CaseState.FEEDBACK, people, joint_parties=[strong])
    client.force_login(strong_staff)
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    api_client.force_authenticate(strong_staff)
    assert api_client.get(f"/api/v1/cases/{case.pk}/events/").status_code == 200
    assert [c["id"] for c in api_client.get("/api/v1/cases/").json()["results"]] == [case.pk]
    assert [a.name for a in available_actions(case, strong_staff)] == ["confirm"]
    act(case, "confirm", strong_staff, comment="帮扶任务已完成")
    act(case, "close", people.clerk, comment="联合销号")
    assert case.state == CaseState.CLOSED
    # Being in the same county as a party is not being the party.
    client.force_login(bystander)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    api_client.force_authenticate(bystander)
    assert api_client.get("/api/v1/cases/").json()["results"] == []
