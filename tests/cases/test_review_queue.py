"""The review queue (待审核反馈) shows each feedback's text and photos inline, in constant queries; a case
opened from it links the next one, and 销号/退回 there open the next case instead of going back."""
import datetime as dt
import re

import pytest
from django.utils import timezone

from cases.models import Case, CaseState

from .factories import case_at


def _queue(people, n):
    cases = [case_at(CaseState.FEEDBACK, people, title=f"待审核事项{i}") for i in range(n)]
    today = timezone.localdate()
    for i, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(deadline=today + dt.timedelta(days=10 + i))
    return cases


@pytest.mark.django_db
def test_the_queue_previews_text_and_photos_in_constant_queries(people, client, django_assert_max_num_queries):
    cases = _queue(people, 3)
    client.force_login(people.clerk)
    client.get("/cases/review/")
    with django_assert_max_num_queries(12):
        html = client.get("/cases/review/").content.decode()
    assert [int(i) for i in re.findall(r'data-review="(\d+)"', html)] == [c.pk for c in cases]
    feedback = cases[0].events.filter(action="feedback").last()
    assert feedback.comment and feedback.comment in html
    photo = feedback.attachments.get()
    assert f'<img src="/api/v1/case-attachments/{photo.pk}/download/"' in html
    assert f'href="/cases/{cases[0].pk}/?review=1&amp;action=close#action-close"' in html


@pytest.mark.django_db
def test_closing_from_the_queue_opens_the_next_case(people, client):
    first, second = _queue(people, 2)
    client.force_login(people.clerk)
    page = client.get(f"/cases/{first.pk}/", {"review": "1"}).content.decode()
    assert f'id="next-review" href="/cases/{second.pk}/?review=1"' in page
    assert '<input type="hidden" name="review" value="1">' in page
    first.refresh_from_db()
    answer = client.post(f"/cases/{first.pk}/act/", {"action": "close", "version": first.version, "comment": "整改到位", "review": "1"})
    assert answer.status_code == 302 and answer["Location"] == f"/cases/{second.pk}/?review=1"
    second.refresh_from_db()
    answer = client.post(f"/cases/{second.pk}/act/", {"action": "reject", "version": second.version, "comment": "照片不清晰",
                                                        "confirm": "1", "review": "1"}, follow=True)
    assert answer.redirect_chain[-1][0] == "/cases/review/" and "待审核反馈已全部处理" in answer.content.decode()
    # Without review mode the page stays where it was.
    assert 'id="review-bar"' not in client.get(f"/cases/{first.pk}/").content.decode()
