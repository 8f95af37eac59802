"""领导批示 and what managers are told: a manager's instruction on a case, or on a board figure's list,
is an event on each case's ledger, notifies the owning task force and the responsible units and shows
in the timeline; managers hear of red cards, escalations into their level and bulletins, and are never
sent a message asking for what only a clerk or a responsible unit can do."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.instructions import instruction_create, instruction_for_list
from cases.ledger import verify
from cases.models import Case, CaseEvent, Notification
from cases.services import deadline_check, perform_action
from rollups.bulletins.services import bulletin_request
from tests.factories import TEST_PASSWORD, make_user
from tests.rollups.factories import assign, create, feedback, make_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(divisions):
    p = make_people()
    p.yiwu_manager = make_user("manager", "330782")  # in 义乌's task force, with its clerks
    return p


def _recent(people, title, *, deadline=None):
    when = (timezone.localtime() - dt.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    case = create(people, when, title=title)
    return assign(people, case, when, (deadline or timezone.localdate() + dt.timedelta(days=20)).isoformat())


def _inbox(user, kind=None):
    rows = Notification.objects.filter(recipient=user)
    return list(rows.filter(kind=kind) if kind else rows)


def test_a_managers_instruction_is_on_the_ledger_notifies_the_units_and_shows_in_the_timeline(people, client):
    case = _recent(people, "村道破损")
    version = case.version
    event = instruction_create(case=case, by=people.yiwu_manager, text="请三日内拿出整改方案")
    case.refresh_from_db()
    assert (event.action, event.actor, event.comment, event.to_state) == ("instruct", people.yiwu_manager, "请三日内拿出整改方案", case.state)
    assert case.version == version  # nothing changed: a clerk's open form stays valid
    assert verify([case.pk]).ok
    assert _inbox(people.yiwu_clerk, "instruction") and _inbox(people.yiwu_staff, "instruction")  # task force, lead unit
    assert not _inbox(people.yiwu_manager, "instruction")

    assert client.login(username=people.yiwu_manager.username, password=TEST_PASSWORD)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert 'data-event="instruct"' in page and "领导批示" in page and "请三日内拿出整改方案" in page
    assert 'id="case-instruct"' in page
    answer = client.post(reverse("case-instruct", args=[case.pk]), {"text": "再催一次"}, follow=True)
    assert "批示已记入办理记录" in answer.content.decode()
    assert CaseEvent.objects.filter(case=case, action="instruct").count() == 2


def test_only_managers_instruct_and_an_empty_instruction_is_refused_with_nothing_recorded(people, client):
    case = _recent(people, "污水管网")
    with pytest.raises(ValidationError, match="只有领导可以作出批示"):
        instruction_create(case=case, by=people.yiwu_clerk, text="批示")
    with pytest.raises(ValidationError, match="请填写批示内容"):
        instruction_create(case=case, by=people.yiwu_manager, text="  ")
    assert not CaseEvent.objects.filter(action="instruct").exists()
    # A manager outside the case's jurisdiction gets the same 404 as for a missing case.
    other = make_user("manager", "330783")
    assert client.login(username=other.username, password=TEST_PASSWORD)
    assert client.post(reverse("case-instruct", args=[case.pk]), {"text": "批示"}).status_code == 404
    client.logout()
    assert client.login(username=people.yiwu_manager.username, password=TEST_PASSWORD)
    answer = client.post(reverse("case-instruct", args=[case.pk]), {"text": ""}, follow=True)
    assert "批示未提交：请填写批示内容。" in answer.content.decode()
    assert not CaseEvent.objects.filter(action="instruct").exists()


def test_an_instruction_on_a_figures_list_goes_on_each_case_of_that_list(people, client):
    overdue = [_recent(people, f"逾期{n}", deadline=timezone.localdate() - dt.timedelta(days=1)) for n in range(3)]
    _recent(people, "未逾期")
    query = "county=330782&overdue=true"
    assert client.login(username=people.manager.username, password=TEST_PASSWORD)  # 金华市 manager
    page = client.get(f"{reverse('case-list')}?{query}").content.decode()
    assert 'id="list-instruct"' in page
    answer = client.post(reverse("case-list-instruct"), {"query": query, "text": "逾期事项本周内清零"}, follow=True)
    assert "批示已记入清单中 3 件事项" in answer.content.decode()
    events = CaseEvent.objects.filter(action="instruct")
    assert sorted(e.case_id for e in events) == sorted(c.pk for c in overdue)
    assert {e.payload["list"] for e in events} == {f"/cases/?{query}"} and {e.payload["list_size"] for e in events} == {3}
    assert verify([c.pk for c in overdue]).ok
    with pytest.raises(ValidationError, match="清单中没有事项"):
        instruction_for_list(cases=Case.objects.none(), by=people.manager, text="批示")


def test_managers_hear_of_red_cards_escalations_and_bulletins_never_of_what_a_clerk_must_approve(
        people, django_capture_on_commit_callbacks):
    case = _recent(people, "逾期未改", deadline=timezone.localdate() - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        deadline_check()
    assert any("红牌" in n.message for n in _inbox(people.yiwu_manager, "deadline"))
    assert not _inbox(people.manager, "deadline")  # the city's managers: not their level

    case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        perform_action(case=case, action="escalate", by=people.city_clerk, version=case.version, comment="久拖不决")
    assert any("提级至市级" in n.message for n in _inbox(people.manager, "escalated"))

    feedback_case = _recent(people, "已整改")
    feedback(people, feedback_case, (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"))
    assert _inbox(people.yiwu_clerk, "feedback")  # the clerk reviews it
    assert not _inbox(people.yiwu_manager, "feedback")  # the manager is not asked to

    with django_capture_on_commit_callbacks(execute=True):
        bulletin_request(month=timezone.localdate().replace(day=1), division=people.yiwu, by=people.yiwu_clerk)
    [ready] = _inbox(people.yiwu_manager, "bulletin")
    assert "调度通报（第1版）已生成" in ready.message and ready.link.endswith("/docx/")


def test_the_api_takes_an_instruction_and_answers_errors_in_the_error_shape(people, api_client):
    case = _recent(people, "接口批示")
    api_client.force_authenticate(people.yiwu_manager)
    answer = api_client.post(f"/api/v1/cases/{case.pk}/instructions/", {"text": "请抓紧"}, format="json")
    assert answer.status_code == 201 and answer.json()["action"] == "instruct"
    refused = api_client.post(f"/api/v1/cases/{case.pk}/instructions/", {"text": ""}, format="json")
    assert refused.status_code == 400 and "error" in refused.json()
    api_client.force_authenticate(people.yiwu_clerk)
    assert api_client.post(f"/api/v1/cases/{case.pk}/instructions/", {"text": "x"}, format="json").status_code == 400
    assert CaseEvent.objects.filter(case=case, action="instruct").count() == 1
