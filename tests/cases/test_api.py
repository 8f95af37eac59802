import datetime as dt

import pytest
from django.test.utils import override_settings
from django.utils import timezone

from cases.models import Case, CaseCategory, CaseState, Notification

from .factories import JPEG_BYTES, act, case_at, evidence, new_case, png

URL = "/api/v1/cases/"


def login(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def test_clerk_creates_case_in_own_county(people, api_client):
    login(api_client, people.clerk)
    category = CaseCategory.objects.get(name="帮扶任务")
    response = api_client.post(URL, {"title": "结对帮扶任务一", "category": category.pk, "county": "330782"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "discovered"
    assert body["level"] == 1
    assert [a["name"] for a in body["available_actions"]] == ["assign", "urge", "escalate", "cancel"]
    assert Case.objects.get(pk=body["id"]).events.count() == 1


def test_clerk_cannot_create_case_in_another_county(people, api_client):
    login(api_client, people.clerk)
    category = CaseCategory.objects.first()
    response = api_client.post(URL, {"title": "越权", "category": category.pk, "county": "330783"}, format="json")
    assert response.status_code == 400
    assert "管辖范围" in str(response.json())
    assert not Case.objects.exists()


def test_county_staff_cannot_create_case(people, api_client):
    login(api_client, people.lead_staff)
    category = CaseCategory.objects.first()
    response = api_client.post(URL, {"title": "x", "category": category.pk, "county": "330782"}, format="json")
    assert response.status_code == 400
    assert "工作专班" in response.json()["error"]["message"]


def test_assign_through_actions_endpoint_returns_updated_case(people, api_client):
    case = new_case(people)
    login(api_client, people.clerk)
    response = api_client.post(
        f"{URL}{case.pk}/actions/",
        {"action": "assign", "version": case.version, "lead_unit": people.lead_unit.pk, "deadline_workdays": 10},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "assigned"
    assert body["version"] == case.version + 1
    assert body["lead_unit"]["id"] == people.lead_unit.pk
    assert Notification.objects.filter(recipient=people.lead_staff, kind="assigned").exists()


def test_each_action_answers_the_case_as_a_fresh_read_shows_it(people, api_client, django_assert_max_num_queries):
    """The answer is built from the case the service wrote; it must equal the detail read afterwards,
    through a joint case's whole life (units set, confirmations made and cleared)."""
    from tests.factories import make_user, org_for
    from registry.models import OrganisationKind

    party = org_for("330000", OrganisationKind.PROVINCIAL_DEPARTMENT, name="省农业农村厅（测试）")
    party_staff = make_user("county_staff", "330000", organisation=party)
    case = new_case(people, joint_parties=[party])
    deadline = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    steps = [
        (people.clerk, {"action": "assign", "lead_unit": people.lead_unit.pk, "co_units": [people.co_unit.pk],
                        "deadline": deadline}),
        (people.lead_staff, {"action": "accept"}),
        (people.lead_staff, {"action": "progress", "comment": "已完成一半"}),
        (people.lead_staff, {"action": "feedback", "comment": "已修复", "attachments": "evidence"}),
        (party_staff, {"action": "confirm", "comment": "同意"}),
        (people.clerk, {"action": "reject", "comment": "材料不全"}),
        (people.lead_staff, {"action": "feedback", "comment": "已补充", "attachments": "evidence"}),
        (party_staff, {"action": "confirm"}),
        (people.clerk, {"action": "close", "comment": "联合销号"}),
    ]
    for user, step in steps:
        case.refresh_from_db()
        if step.get("attachments") == "evidence":
            step = {**step, "attachments": [evidence(case, user)]}
        login(api_client, user)
        with django_assert_max_num_queries(30):
            answer = api_client.post(f"{URL}{case.pk}/actions/", {**step, "version": case.version}, format="json")
        assert answer.status_code == 200, (step, answer.content)
        assert answer.json() == api_client.get(f"{URL}{case.pk}/").json(), step["action"]
    assert answer.json()["state"] == "closed"
    assert [p["confirmed_by"] is not None for p in answer.json()["joint_parties"]] == [True]


def test_illegal_action_answers_400_naming_state_and_allowed_actions(people, api_client):
    case = case_at(CaseState.ASSIGNED, people)
    login(api_client, people.clerk)
    response = api_client.post(f"{URL}{case.pk}/actions/", {"action": "close", "version": case.version, "comment": "x"}, format="json")
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert "已交办" in message and "销号" in message and "督办" in message
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED


def test_stale_version_answers_409_and_changes_nothing(people, api_client):
    case = case_at(CaseState.ASSIGNED, people)
    login(api_client, people.lead_staff)
    response = api_client.post(f"{URL}{case.pk}/actions/", {"action": "accept", "version": case.version - 1}, format="json")
    assert response.status_code == 409
    assert "刷新" in response.json()["error"]["message"]
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED
    assert list(case.events.values_list("action", flat=True)) == ["create", "assign"]


def test_other_county_gets_404_on_detail_events_and_actions(people, api_client):
    case = case_at(CaseState.ASSIGNED, people)
    login(api_client, people.other_county_staff)
    assert api_client.get(f"{URL}{case.pk}/").status_code == 404
    assert api_client.get(f"{URL}{case.pk}/events/").status_code == 404
    response = api_client.post(f"{URL}{case.pk}/actions/", {"action": "accept", "version": case.version}, format="json")
    assert response.status_code == 404


def test_list_is_scoped_and_filters(people, api_client):
    mine = case_at(CaseState.ASSIGNED, people)
    discovered = case_at(CaseState.DISCOVERED, people)
    login(api_client, people.other_county_clerk)
    assert api_client.get(URL).json()["results"] == []
    login(api_client, people.lead_staff)
    assert {c["id"] for c in api_client.get(URL).json()["results"]} == {mine.pk, discovered.pk}
    results = api_client.get(URL, {"state": "assigned"}).json()["results"]
    assert [c["id"] for c in results] == [mine.pk]
    results = api_client.get(URL, {"responsible_unit": people.co_unit.pk}).json()["results"]
    assert [c["id"] for c in results] == [mine.pk]
    assert api_client.get(URL, {"county": "330783"}).json()["results"] == []


def test_list_overdue_and_due_soon_filters(people, api_client):
    overdue = case_at(CaseState.RECTIFYING, people)
    soon = case_at(CaseState.RECTIFYING, people)
    later = case_at(CaseState.RECTIFYING, people)
    today = timezone.localdate()
    Case.objects.filter(pk=overdue.pk).update(deadline=today - dt.timedelta(days=1))
    Case.objects.filter(pk=soon.pk).update(deadline=today)
    login(api_client, people.clerk)
    assert [c["id"] for c in api_client.get(URL, {"overdue": "true"}).json()["results"]] == [overdue.pk]
    assert [c["id"] for c in api_client.get(URL, {"due_soon": "true"}).json()["results"]] == [soon.pk]
    assert later.pk in [c["id"] for c in api_client.get(URL, {"overdue": "false"}).json()["results"]]


def test_list_uses_keyset_pagination_and_constant_queries(people, api_client, django_assert_max_num_queries):
    for _ in range(5):
        case_at(CaseState.ASSIGNED, people)
    login(api_client, people.clerk)
    with django_assert_max_num_queries(8):
        first = api_client.get(URL, {"page_size": 2}).json()
    assert len(first["results"]) == 2 and "cursor=" in first["next"]
    second = api_client.get(first["next"]).json()
    assert first["results"][-1]["id"] > second["results"][0]["id"]


def test_events_timeline_lists_steps_with_attachments(people, api_client):
    case = case_at(CaseState.FEEDBACK, people)
    login(api_client, people.lead_staff)
    events = api_client.get(f"{URL}{case.pk}/events/").json()
    assert [e["action"] for e in events] == ["create", "assign", "accept", "feedback"]
    assert events[-1]["attachments"][0]["original_name"] == "现场照片.png"
    assert events[-1]["prev_hash"] == events[-2]["hash"]


def test_evidence_with_forged_type_is_refused(people, api_client):
    case = case_at(CaseState.RECTIFYING, people)
    login(api_client, people.lead_staff)
    forged = png(name="photo.png", content=b"<html><script>alert(1)</script></html>")
    response = api_client.post(f"{URL}{case.pk}/attachments/", {"file": forged}, format="multipart")
    assert response.status_code == 400
    assert "按文件内容判断" in str(response.json())
    assert not case.attachments.exists()


def test_evidence_type_is_judged_from_bytes_not_name(people, api_client):
    case = case_at(CaseState.RECTIFYING, people)
    login(api_client, people.lead_staff)
    response = api_client.post(f"{URL}{case.pk}/attachments/", {"file": png(name="说明.pdf", content=JPEG_BYTES)}, format="multipart")
    assert response.status_code == 201
    assert response.json()["content_type"] == "image/jpeg"


@override_settings(CASE_EVIDENCE_MAX_BYTES=100)
def test_oversize_evidence_is_refused(people, api_client):
    case = case_at(CaseState.RECTIFYING, people)
    login(api_client, people.lead_staff)
    response = api_client.post(f"{URL}{case.pk}/attachments/", {"file": png(content=JPEG_BYTES + b"\x00" * 200)}, format="multipart")
    assert response.status_code == 400
    assert "过大" in str(response.json())


def test_evidence_download_is_an_attachment_and_404_for_another_county(people, api_client):
    case = case_at(CaseState.RECTIFYING, people)
    attachment_id = evidence(case, people.lead_staff)
    url = f"/api/v1/case-attachments/{attachment_id}/download/"
    login(api_client, people.clerk)
    response = api_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    login(api_client, people.other_county_clerk)
    assert api_client.get(url).status_code == 404


def test_notifications_list_and_mark_read(people, api_client):
    case_at(CaseState.ASSIGNED, people)
    login(api_client, people.lead_staff)
    assert api_client.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}
    items = api_client.get("/api/v1/notifications/").json()["results"]
    assert items[0]["kind"] == "assigned"
    assert api_client.post("/api/v1/notifications/mark-read/", {"ids": [items[0]["id"]]}, format="json").json() == {"marked": 1}
    assert api_client.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}


@pytest.mark.parametrize("user_attr", ["manager", "co_staff"])
def test_detail_offers_only_available_actions(people, api_client, user_attr):
    case = case_at(CaseState.RECTIFYING, people)
    login(api_client, getattr(people, user_attr))
    names = [a["name"] for a in api_client.get(f"{URL}{case.pk}/").json()["available_actions"]]
    assert names == ([] if user_attr == "manager" else ["progress", "extend"])


def test_case_can_concern_a_registry_record(people, api_client):
    login(api_client, people.clerk)
    category = CaseCategory.objects.first()
    township = people.county.children.order_by("code").first()
    payload = {"title": "乡镇问题", "category": category.pk, "county": "330782", "concerns_type": "registry.division", "concerns_id": township.pk}
    created = api_client.post(URL, payload, format="json").json()
    assert created["concerns"] == {"type": "registry.division", "id": township.pk}
    listed = api_client.get(URL, {"concerns_type": "registry.division", "concerns_id": township.pk}).json()["results"]
    assert [c["id"] for c in listed] == [created["id"]]


def test_detail_and_events_queries_do_not_grow_with_history(people, api_client, django_assert_max_num_queries):
    case = case_at(CaseState.FEEDBACK, people)
    for _ in range(3):
        act(case, "reject", people.clerk, comment="补充材料")
        act(case, "feedback", people.lead_staff, comment="已补充", attachments=[evidence(case, people.lead_staff)])
    login(api_client, people.clerk)
    with django_assert_max_num_queries(12):
        detail = api_client.get(f"{URL}{case.pk}/").json()
    assert [a["name"] for a in detail["available_actions"]] == ["close", "reject", "urge", "escalate", "cancel"]
    with django_assert_max_num_queries(8):
        events = api_client.get(f"{URL}{case.pk}/events/").json()
    assert len(events) == 10


def test_edit_with_current_version_is_recorded_and_stale_edit_answers_409(people, api_client):
    case = case_at(CaseState.ASSIGNED, people)
    login(api_client, people.clerk)
    url = f"{URL}{case.pk}/"
    response = api_client.patch(url, {"version": case.version, "title": "村道破损（第二段）", "priority": 3}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "村道破损（第二段）"
    event = case.events.order_by("-seq").first()
    assert event.action == "edit"
    assert event.payload["changes"] == {"title": ["村道破损未修复", "村道破损（第二段）"], "priority": [1, 3]}
    stale = api_client.patch(url, {"version": case.version, "title": "再改"}, format="json")
    assert stale.status_code == 409
    case.refresh_from_db()
    assert case.title == "村道破损（第二段）"


def test_responsible_units_cannot_edit_the_case(people, api_client):
    case = case_at(CaseState.ASSIGNED, people)
    login(api_client, people.lead_staff)
    response = api_client.patch(f"{URL}{case.pk}/", {"version": case.version, "title": "改标题"}, format="json")
    assert response.status_code == 400
    assert "只能由责任专班工作人员" in response.json()["error"]["message"]


def test_case_pages_are_written_exactly_as_the_list_serializer_fields_say(people):
    from cases.selectors import LIST_COLUMNS
    from cases.serializers import CaseListSerializer

    for state in (CaseState.DISCOVERED, CaseState.RECTIFYING, CaseState.CLOSED):
        case_at(state, people)
    cases = list(Case.objects.select_related("category", "county", "lead_unit", "owner").order_by("id"))
    one_by_one = [CaseListSerializer(case).data for case in cases]  # DRF's generic field machinery
    rows = Case.objects.values(*LIST_COLUMNS).order_by("id")  # what the list API pages
    assert CaseListSerializer(rows, many=True).data == one_by_one
    assert any(item["lead_unit"] is None for item in one_by_one) and any(item["lead_unit"] for item in one_by_one)


def test_the_unread_badge_is_cached_until_the_inbox_changes(people, api_client, django_assert_num_queries):
    from registry.notifications.services import unread_notification_count

    case = case_at(CaseState.DISCOVERED, people)
    staff = people.lead_staff
    assert unread_notification_count(user=staff) == 0
    with django_assert_num_queries(0):
        assert unread_notification_count(user=staff) == 0
    act(case, "assign", people.clerk, lead_unit=people.lead_unit, deadline_workdays=10)  # notifies the unit
    assert unread_notification_count(user=staff) == 1
    login(api_client, staff)
    assert api_client.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}
    assert api_client.post("/api/v1/notifications/mark-read/", {"ids": None}, format="json").status_code == 200
    assert unread_notification_count(user=staff) == 0


def test_the_county_filter_follows_a_division_change(people, api_client):
    """The division a county filter names is cached with the board's reference data; saving a
    division moves that data's generation, so the filter never answers from a stale code."""
    from registry.models import Division

    case = case_at(CaseState.ASSIGNED, people)
    login(api_client, people.clerk)
    county = Division.objects.get(pk=case.county_id)
    assert [c["id"] for c in api_client.get(URL, {"county": county.code}).json()["results"]] == [case.pk]
    old_code, county.code = county.code, "339901"
    county.save()
    assert api_client.get(URL, {"county": old_code}).json()["results"] == []
    assert [c["id"] for c in api_client.get(URL, {"county": "339901"}).json()["results"]] == [case.pk]
    assert api_client.get(URL, {"county": "000000"}).json()["results"] == []


def test_filter_sets_share_their_form_class_but_not_their_filters_or_fields(db):
    from django.http import QueryDict

    from cases.filters import CaseFilter

    first, second = CaseFilter(QueryDict("state=closed")), CaseFilter(QueryDict("state=bogus&category=1"))
    assert first.form.__class__ is second.form.__class__
    for name, filter_ in first.filters.items():
        assert filter_ is not second.filters[name] and filter_ is not CaseFilter.base_filters[name]
        assert filter_.parent is first and second.filters[name].parent is second
        assert filter_.extra is not CaseFilter.base_filters[name].extra
    assert first.form.fields["category"] is not second.form.fields["category"]
    assert first.form.fields["category"].queryset is not second.form.fields["category"].queryset
    assert first.is_valid() and not second.is_valid() and "state" in second.errors


def test_list_labels_come_from_reference_data_even_for_a_category_it_has_not_cached(people, api_client):
    """The list reads its rows without joining categories and counties (their names come from the
    cached reference data); a category added behind the cache's back (no signal) is read as it is."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = case_at(CaseState.ASSIGNED, people)
    login(api_client, people.clerk)
    with CaptureQueriesContext(connection) as ctx:
        first = api_client.get(URL, {"county": case.county.code}).json()["results"]
    assert first[0]["category"] == case.category.name and first[0]["county_name"] == case.county.name
    listing = [q["sql"] for q in ctx.captured_queries if 'FROM "cases_case"' in q["sql"]]
    assert listing and not any("cases_casecategory" in sql or "registry_division" in sql for sql in listing)
    [new] = CaseCategory.objects.bulk_create([CaseCategory(name="批量新增类别")])
    Case.objects.filter(pk=case.pk).update(category=new)
    assert api_client.get(URL, {"county": case.county.code}).json()["results"][0]["category"] == "批量新增类别"
