"""The inbox: each message shows the state its case is in now; messages are archived (kept, under
已归档) and restored; archiving an unread message clears it from the badge; one query count per page."""
import re

import pytest

from cases.models import CaseState, Notification

from ..cases.factories import act, case_at, make_people


@pytest.fixture
def people(divisions):
    return make_people()


def _items(html):
    return [int(i) for i in re.findall(r'data-notification="(\d+)"', html)]


@pytest.mark.django_db
def test_a_message_shows_its_cases_state_now_not_when_sent(client, people):
    case = case_at(CaseState.ASSIGNED, people)  # the lead unit is told of the assignment
    sent = Notification.objects.filter(recipient=people.lead_staff, case=case).first()
    assert sent is not None
    act(case, "accept", people.lead_staff)
    client.force_login(people.lead_staff)
    html = client.get("/notifications/").content.decode()
    item = html[html.index(f'data-notification="{sent.pk}"'):]
    state = re.search(r"data-current-state>现在：<span[^>]*>([^<]+)</span>", item)[1]
    assert state == "整改中" and "办理期限" in item[:2000]


@pytest.mark.django_db
def test_archived_messages_leave_the_default_list_and_can_be_restored(client, people):
    case_at(CaseState.ASSIGNED, people)
    client.force_login(people.lead_staff)
    mine = list(Notification.objects.filter(recipient=people.lead_staff).values_list("pk", flat=True))
    assert mine and 'id="inbox-unread"' in client.get("/").content.decode()
    answer = client.post("/notifications/archive/", {"ids": mine[0], "next": "/notifications/?page=1"})
    assert answer.status_code == 302 and answer["Location"] == "/notifications/?page=1"
    assert mine[0] not in _items(client.get("/notifications/").content.decode())
    archived = client.get("/notifications/", {"box": "archived"}).content.decode()
    assert _items(archived) == [mine[0]] and "data-restore" in archived
    note = Notification.objects.get(pk=mine[0])
    assert note.archived_at and note.read_at  # kept, and no longer counted unread
    # Someone else's message cannot be archived through the form; an off-site next is ignored.
    other = case_at(CaseState.ASSIGNED, people)
    theirs = Notification.objects.filter(case=other).exclude(recipient=people.lead_staff).first()
    answer = client.post("/notifications/archive/", {"ids": theirs.pk, "next": "https://evil.example/"})
    assert answer["Location"] == "/notifications/"
    theirs.refresh_from_db()
    assert theirs.archived_at is None
    client.post("/notifications/archive/", {"ids": mine[0], "restore": "1"})
    assert mine[0] in _items(client.get("/notifications/").content.decode())


@pytest.mark.django_db
def test_inbox_queries_do_not_grow_with_messages(client, people, django_assert_max_num_queries):
    for _ in range(6):
        case_at(CaseState.ASSIGNED, people)
    client.force_login(people.lead_staff)
    client.get("/notifications/")
    with django_assert_max_num_queries(10):
        html = client.get("/notifications/").content.decode()
    assert len(_items(html)) >= 6
