import datetime as dt

import pytest
from django.test.utils import override_settings

from cases.models import Case, CaseLevel, CaseState, Notification
from cases.services import deadline_check
from cases.tasks import check_case_deadlines

from .factories import case_at

D = dt.date
TODAY = D(2025, 10, 9)  # Thursday, first working day after the 2025 National Day holiday


def _with_deadline(people, deadline):
    case = case_at(CaseState.RECTIFYING, people)
    Case.objects.filter(pk=case.pk).update(deadline=deadline)
    return case


@pytest.fixture
def cases(people):
    return {
        # Working days after TODAY: Oct 10 (Fri), Oct 11 (make-up Sat), Oct 13 (Mon) = 3rd.
        "yellow": _with_deadline(people, D(2025, 10, 13)),
        "later": _with_deadline(people, D(2025, 10, 14)),
        "red": _with_deadline(people, D(2025, 10, 8)),
        # Overdue working days by TODAY: Sep 30, Oct 9.
        "escalate": _with_deadline(people, D(2025, 9, 29)),
    }


@override_settings(CASE_AUTO_ESCALATE_AFTER_WORKDAYS=2)
def test_deadline_job_cards_and_escalates_once_a_day(people, cases):
    assert deadline_check(today=TODAY) == {"yellow": 1, "red": 2, "escalated": 1}
    for case in cases.values():
        case.refresh_from_db()
    assert cases["yellow"].yellow_card and not cases["yellow"].red_card
    assert not cases["later"].yellow_card and not cases["later"].red_card
    assert cases["red"].red_card and cases["red"].level == CaseLevel.COUNTY
    escalated = cases["escalate"]
    assert escalated.red_card and escalated.level == CaseLevel.CITY
    assert escalated.owner == people.city_clerk.organisation
    event = escalated.events.order_by("-seq").first()
    assert (event.action, event.actor_id, event.old_level, event.new_level) == ("auto_escalate", None, 1, 2)
    assert "逾期 2 个工作日" in event.comment
    assert Notification.objects.filter(recipient=people.lead_staff, kind="deadline").count() == 3
    assert Notification.objects.filter(recipient=people.city_clerk, kind="escalated").count() == 1

    events, notes = escalated.events.count(), Notification.objects.count()
    assert deadline_check(today=TODAY) == {"yellow": 0, "red": 0, "escalated": 0}
    assert (escalated.events.count(), Notification.objects.count()) == (events, notes)


@override_settings(CASE_AUTO_ESCALATE_AFTER_WORKDAYS=2)
def test_next_escalation_waits_for_another_period(people, cases):
    deadline_check(today=TODAY)
    # Oct 10: the case due Oct 8 is now two working days overdue; the one escalated yesterday waits.
    assert deadline_check(today=D(2025, 10, 10))["escalated"] == 1
    cases["escalate"].refresh_from_db()
    assert cases["escalate"].level == CaseLevel.CITY
    # Oct 11 is a make-up working day: two working days since the first escalation.
    assert deadline_check(today=D(2025, 10, 11))["escalated"] == 1
    cases["escalate"].refresh_from_db()
    cases["red"].refresh_from_db()
    assert (cases["escalate"].level, cases["red"].level) == (CaseLevel.PROVINCE, CaseLevel.CITY)


def test_closed_and_feedback_cases_get_no_cards(people):
    case = case_at(CaseState.FEEDBACK, people)
    Case.objects.filter(pk=case.pk).update(deadline=D(2025, 9, 1))
    assert deadline_check(today=TODAY) == {"yellow": 0, "red": 0, "escalated": 0}


def test_beat_task_runs_the_job(people, cases):
    assert check_case_deadlines.delay().get()["red"] >= 2
