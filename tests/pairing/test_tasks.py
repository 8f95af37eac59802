"""The annual task list: a task is a case naming the pairing and its groups; its joint parties start as
the groups' leads and the owning clerk edits them while it is open (events); the county clerk's form
offers them; partners see their counties' pairing tasks and nothing else of those counties."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.joint_parties import joint_parties_set
from cases.models import CaseSource, CaseState
from cases.workflow import ActionNotAllowed
from pairing import services
from pairing.models import PairingTask

from .factories import close_task, deadline


def _task(world, number="2026-001", groups=("provincial", "strong_county"), **kw):
    s = world.suichang
    return services.task_create(by=world.suichang_clerk, pairing=s.pairing, number=number, title="共建山区共富产业园",
                                groups=[s.groups[k] for k in groups], **kw)


def test_a_task_is_a_case_of_the_pairing_with_parties_from_the_group_leads(world):
    task = _task(world)
    case = task.case
    assert case.concerns == world.suichang.pairing and case.source == CaseSource.PAIRING_PLAN
    assert case.county == world.suichang.pairing.county
    assert {jc.party for jc in case.joint_parties.all()} == {world.suichang.dept, world.suichang.strong}
    assert set(task.groups.values_list("kind", flat=True)) == {"provincial", "strong_county"}
    every = _task(world, number="2026-002", groups=())
    assert every.case.joint_parties.count() == 3


def test_task_numbers_are_unique_within_the_pairing(world):
    _task(world)
    with pytest.raises(ValidationError, match="2026-001"):
        _task(world)


def test_a_group_of_another_pairing_is_refused(world):
    with pytest.raises(ValidationError, match="责任组团"):
        services.task_create(by=world.suichang_clerk, pairing=world.suichang.pairing, number="X", title="t",
                             groups=[world.panan.groups["soe"]])


def test_the_owning_clerk_edits_parties_while_open_and_each_change_is_an_event(world):
    task = _task(world)
    case = task.case
    joint_parties_set(case=case, by=world.suichang_clerk, parties=[world.suichang.dept, world.suichang.soe],
                      version=case.version, comment="国企组团参与")
    case.refresh_from_db()
    assert {jc.party for jc in case.joint_parties.all()} == {world.suichang.dept, world.suichang.soe}
    event = case.events.order_by("-seq").first()
    assert event.action == "joint_parties" and event.comment == "国企组团参与"
    assert event.payload["removed"][0]["party"] == world.suichang.strong.pk and event.payload["added"] == [world.suichang.soe.pk]
    assert event.action_label == "调整联合销号单位"
    from cases.ledger import verify

    assert verify([case.pk]).ok  # the event is chained and keyed like every other, the version follows
    with pytest.raises(ActionNotAllowed):
        joint_parties_set(case=case, by=world.province_clerk, parties=[], version=case.version)


def test_parties_cannot_change_once_the_task_is_closed(world):
    task = _task(world, groups=("provincial",), lead_unit=world.county_lead, deadline=deadline())
    case = task.case
    close_task(world, case, confirmers=[world.dept_staff])
    assert case.state == CaseState.CLOSED
    with pytest.raises(ActionNotAllowed):
        joint_parties_set(case=case, by=world.suichang_clerk, parties=[], version=case.version)


def test_the_county_clerks_form_offers_out_of_county_parties(world, client):
    client.force_login(world.suichang_clerk)
    form = client.get(reverse("case-create")).context["form"]
    offered = set(form.fields["joint_parties"].queryset)
    assert {world.suichang.dept, world.suichang.school, world.suichang.strong, world.suichang.soe} <= offered
    assert world.panan.dept not in offered
    from cases.models import CaseCategory

    response = client.post(reverse("case-create"), {
        "title": "产业园用地报批", "category": CaseCategory.objects.get(name="帮扶任务").pk, "county": world.suichang.pairing.county.pk,
        "source": "pairing_plan", "priority": 1, "joint_parties": [world.suichang.dept.pk, world.suichang.strong.pk],
    })
    assert response.status_code == 302, response.context["form"].errors
    from cases.models import Case

    case = Case.objects.get(title="产业园用地报批")
    assert {jc.party for jc in case.joint_parties.all()} == {world.suichang.dept, world.suichang.strong}


def test_the_pairing_page_registers_a_task_with_prefilled_parties(world, client):
    client.force_login(world.suichang_clerk)
    page = reverse("pairing-detail", args=[world.suichang.pairing.pk])
    assert client.get(page).status_code == 200
    response = client.post(reverse("pairing-task-create", args=[world.suichang.pairing.pk]), {
        "number": "2026-010", "title": "医疗帮扶", "groups": [world.suichang.groups["provincial"].pk], "is_takeover": "on",
    }, follow=True)
    assert "任务已登记" in response.content.decode()
    task = PairingTask.objects.get(number="2026-010")
    assert task.is_takeover and [jc.party for jc in task.case.joint_parties.all()] == [world.suichang.dept]


def test_partner_scoping_follows_group_membership(world, client, api_client):
    """A partner of 遂昌 (a school in its provincial group) gets 404 for a 磐安 case not involving it,
    sees 遂昌's pairing tasks, and not 遂昌's other cases."""
    suichang_task = _task(world)
    panan_task = services.task_create(by=world.panan_clerk, pairing=world.panan.pairing, number="2026-001", title="磐安任务")
    from tests.cases.factories import new_case
    from types import SimpleNamespace

    own = new_case(SimpleNamespace(clerk=world.suichang_clerk, county=world.suichang.pairing.county))
    for user in (world.school_staff, world.dept_staff, world.soe_staff):
        client.force_login(user)
        assert client.get(reverse("case-detail", args=[panan_task.case_id])).status_code == 404
        assert client.get(reverse("case-detail", args=[suichang_task.case_id])).status_code == 200
        assert client.get(reverse("case-detail", args=[own.pk])).status_code == 404
        api_client.force_authenticate(user)
        ids = {row["id"] for row in api_client.get("/api/v1/cases/", {"page_size": 200}).json()["results"]}
        assert ids == {suichang_task.case_id}
        assert client.get(reverse("pairing-detail", args=[world.panan.pairing.pk])).status_code == 404
        home = client.get(reverse("pairing-partner-home"))
        assert [p.pk for p in home.context["pairings"]] == [world.suichang.pairing.pk]
        # The task names the provincial and strong-county groups: the SOE group is not responsible for it.
        responsible = user is not world.soe_staff
        assert [t.pk for t in home.context["tasks"]] == ([suichang_task.pk] if responsible else [])
