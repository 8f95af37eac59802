from cases.models import Case, CaseEvent, CaseState, Notification
from cases.selectors import case_list, todo_counts
from cases.workflow import available_actions

from .factories import case_at, make_people


def test_county_staff_never_see_another_countys_cases(people):
    yiwu = case_at(CaseState.RECTIFYING, people)
    dongyang_people = make_people(county_code="330783")
    dongyang = case_at(CaseState.RECTIFYING, dongyang_people)
    assert list(case_list(user=people.lead_staff)) == [yiwu]
    assert list(case_list(user=dongyang_people.lead_staff)) == [dongyang]
    assert set(CaseEvent.objects.for_user(people.lead_staff).values_list("case_id", flat=True)) == {yiwu.pk}
    assert todo_counts(user=people.lead_staff) == {"to_accept": 0, "rectifying": 1, "due_soon": 0, "overdue": 0}
    assert todo_counts(user=dongyang_people.lead_staff)["rectifying"] == 1
    assert todo_counts(user=people.other_county_clerk)["rectifying"] == 0
    assert set(case_list(user=people.province_clerk)) == {yiwu, dongyang}
    assert set(case_list(user=people.city_clerk)) == {yiwu, dongyang}  # both in 金华市


def test_managers_read_but_take_no_action(people):
    case = case_at(CaseState.FEEDBACK, people)
    assert list(case_list(user=people.manager)) == [case]
    assert available_actions(case, people.manager) == []


def test_notifications_reach_only_the_units_concerned(people):
    case_at(CaseState.ASSIGNED, people)
    recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    assert recipients == {people.lead_staff.pk, people.co_staff.pk}
    assert Case.objects.count() == 1
