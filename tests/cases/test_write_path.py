"""The write path kept cheap (issue 22) without losing a guarantee: the queries of each case action
through the API are few and do not grow with the data, the answer built from what the service holds
is the one a fresh read gives, notifications fanned out in one statement reach exactly the members,
and a case out of reach stays a 404 whatever the input."""
import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import CaseState, Notification
from registry.notifications.services import unread_notification_count
from registry.models import User

from .factories import act, case_at, evidence, new_case, png

URL = "/api/v1/cases/"
# Queries of one action through the API, within the test's transaction (SAVEPOINT and RELEASE where a
# request has BEGIN and COMMIT; authentication is DRF's force_authenticate here, so not counted): the
# lock, co-units, joint parties, update, chain head, event insert and the answer, plus what the action
# needs besides (its evidence, its notification's single statement, an assignment's units).
BUDGET = {"progress": 9, "upload": 4, "feedback": 12, "reject": 10, "close": 10, "reopen": 10, "assign": 15}


def _post(api_client, user, case, body):
    api_client.force_authenticate(user)
    case.refresh_from_db()
    response = api_client.post(f"{URL}{case.pk}/actions/", {"version": case.version, **body}, format="json")
    assert response.status_code == 200, response.content
    return response


def _count(api_client, user, case, body) -> int:
    api_client.force_authenticate(user)
    case.refresh_from_db()
    with CaptureQueriesContext(connection) as captured:
        response = api_client.post(f"{URL}{case.pk}/actions/", {"version": case.version, **body}, format="json")
    assert response.status_code == 200, response.content
    return len(captured.captured_queries)


def _cycle(api_client, people, case) -> dict:
    """One of each month-end action on `case` (rectifying): their query counts."""
    counts = {"progress": _count(api_client, people.lead_staff, case, {"action": "progress", "comment": "进展"})}
    api_client.force_authenticate(people.lead_staff)
    with CaptureQueriesContext(connection) as captured:
        upload = api_client.post(f"{URL}{case.pk}/attachments/", {"file": png()})
    assert upload.status_code == 201
    counts["upload"] = len(captured.captured_queries)
    counts["feedback"] = _count(api_client, people.lead_staff, case, {
        "action": "feedback", "comment": "已整改", "attachments": [upload.json()["id"]]})
    counts["reject"] = _count(api_client, people.clerk, case, {"action": "reject", "comment": "材料不全"})
    act(case, "feedback", people.lead_staff, comment="补充", attachments=[evidence(case, people.lead_staff)])
    counts["close"] = _count(api_client, people.clerk, case, {"action": "close", "comment": "已销号"})
    counts["reopen"] = _count(api_client, people.clerk, case, {"action": "reopen", "comment": "问题反弹"})
    counts["assign"] = _count(api_client, people.clerk, new_case(people), {
        "action": "assign", "lead_unit": people.lead_unit.pk, "co_units": [people.co_unit.pk], "deadline_workdays": 10})
    return counts


def test_case_actions_take_few_queries_and_as_many_with_more_data(people, api_client):
    small = _cycle(api_client, people, case_at(CaseState.RECTIFYING, people))
    for i in range(12):  # more cases, events, units and people around the same county
        other = case_at(CaseState.FEEDBACK, people, title=f"另一事项{i}", joint_parties=[people.co_unit])
        act(other, "urge", people.clerk, comment="请加快")
    User.objects.bulk_create([User(username=f"more{i}", organisation=people.lead_unit) for i in range(20)])
    larger = _cycle(api_client, people, case_at(CaseState.RECTIFYING, people, title="再一事项"))
    assert larger == small
    assert all(n <= BUDGET[name] for name, n in small.items()), str(small)


def test_the_answer_of_an_action_is_what_a_fresh_read_shows(people, api_client):
    """Built from what the service holds, the answer equals the case read again, field for field,
    including joint parties confirmed or reset, co-units set by an assignment and the calendar flag."""
    case = new_case(people, joint_parties=[people.lead_unit, people.co_unit])
    steps = [
        (people.clerk, {"action": "assign", "lead_unit": people.lead_unit.pk, "co_units": [people.co_unit.pk],
                        "deadline": (timezone.localdate() + dt.timedelta(days=400)).isoformat()}),
        (people.lead_staff, {"action": "accept"}),
        (people.lead_staff, {"action": "progress", "comment": "进展"}),
    ]
    for user, body in steps:
        answer = _post(api_client, user, case, body).json()
        assert answer == api_client.get(f"{URL}{case.pk}/").json()
    act(case, "feedback", people.lead_staff, comment="已修复", attachments=[evidence(case, people.lead_staff)])
    answer = _post(api_client, people.lead_staff, case, {"action": "confirm"}).json()
    assert [p["confirmed_by"] is not None for p in answer["joint_parties"]] == [True, False]
    assert answer == api_client.get(f"{URL}{case.pk}/").json()
    answer = _post(api_client, people.clerk, case, {"action": "reject", "comment": "不合格"}).json()
    assert [p["confirmed_by"] for p in answer["joint_parties"]] == [None, None]
    assert answer == api_client.get(f"{URL}{case.pk}/").json()


def test_a_case_out_of_reach_is_a_404_even_with_bad_input(people, api_client):
    case = case_at(CaseState.RECTIFYING, people)
    api_client.force_authenticate(people.other_county_staff)
    for body in ({"action": "progress", "version": case.version, "comment": "x"}, {"action": "nonsense"}, {}):
        response = api_client.post(f"{URL}{case.pk}/actions/", body, format="json")
        assert response.status_code == 404, (body, response.content)
        assert "error" in response.json()
    assert api_client.post(f"{URL}abc/actions/", {"action": "progress", "version": 1}, format="json").status_code == 404
    api_client.force_authenticate(people.lead_staff)
    response = api_client.post(f"{URL}{case.pk}/actions/", {"action": "progress"}, format="json")
    assert response.status_code == 400 and "version" in str(response.json())


def test_notifications_in_one_statement_reach_each_active_member_but_the_sender(people):
    case = case_at(CaseState.RECTIFYING, people)
    User.objects.create(username="inactive_member", organisation=people.lead_unit, is_active=False)
    Notification.objects.all().delete()
    assert unread_notification_count(user=people.lead_staff) == 0  # now cached
    act(case, "urge", people.clerk, comment="请加快")
    assert unread_notification_count(user=people.lead_staff) == 1  # each recipient's inbox generation moved
    members = set(User.objects.filter(organisation__in=[people.lead_unit, people.co_unit], is_active=True).values_list("pk", flat=True))
    delivered = list(Notification.objects.values_list("recipient_id", "organisation_id", "case_id", "kind", "message"))
    assert {row[0] for row in delivered} == members and len(delivered) == len(members)
    assert all(row[2] == case.pk and row[3] == "urged" and row[4].startswith("督办") for row in delivered)
    assert {row[1] for row in delivered} == {people.lead_unit.pk, people.co_unit.pk}


def test_the_direct_answer_is_the_detail_serializers_output_in_every_state(people):
    """case_answer writes out what CaseDetailSerializer would: compared on a case in each state, with
    co-units, joint parties (one confirmed) and a task the case concerns."""
    from types import SimpleNamespace

    from django.db import transaction
    from rest_framework.renderers import JSONRenderer

    from cases.selectors import case_details, with_details
    from cases.serializers import CaseDetailSerializer, case_answer
    from cases.services.common import _lock

    joint = [people.lead_unit, people.co_unit]
    cases = [case_at(state, people, joint_parties=joint if state != CaseState.CLOSED else []) for state in CaseState.values]
    feedback = case_at(CaseState.FEEDBACK, people, joint_parties=joint)
    act(feedback, "confirm", people.lead_staff)
    for case in [*cases, feedback]:
        for user in (people.clerk, people.lead_staff, people.manager):
            expected = CaseDetailSerializer(case_details().get(pk=case.pk), context={"request": SimpleNamespace(user=user)}).data
            with transaction.atomic():
                answer = case_answer(with_details(_lock(case.pk)), user)
            assert JSONRenderer().render(answer) == JSONRenderer().render(expected), (case.state, user)
