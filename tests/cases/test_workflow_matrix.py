"""Every action from every state by every role, against an expectation written out here by hand
(not read from cases.workflow, so a change to the table that breaks the issue's rules fails here)."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from cases.models import CaseState
from cases.services import attachment_upload
from cases.workflow import ACTIONS, ActionNotAllowed

from .factories import act, case_at, png

S = CaseState
OPEN = {S.DISCOVERED, S.ASSIGNED, S.RECTIFYING, S.FEEDBACK}
CLERKS_UP = {"clerk", "city_clerk", "province_clerk"}
RESPONSIBLE = {"lead_staff", "co_staff"}

# action: (states it may be taken from, roles that may take it there)
EXPECTED = {
    "assign": ({S.DISCOVERED}, {"clerk"}),
    "accept": ({S.ASSIGNED}, RESPONSIBLE),
    "progress": ({S.RECTIFYING}, RESPONSIBLE),
    "feedback": ({S.RECTIFYING}, {"lead_staff"}),
    "confirm": (set(), set()),  # only with joint parties: see test_joint_close.py
    "close": ({S.FEEDBACK}, {"clerk"}),
    "reject": ({S.FEEDBACK}, {"clerk"}),
    "urge": (OPEN, CLERKS_UP),
    "escalate": (OPEN, CLERKS_UP),
    "extend": ({S.ASSIGNED, S.RECTIFYING}, RESPONSIBLE),
    "approve_extension": ({S.ASSIGNED, S.RECTIFYING}, {"clerk"}),
    "deny_extension": ({S.ASSIGNED, S.RECTIFYING}, {"clerk"}),
    "cancel": (OPEN, {"clerk"}),
    "reopen": ({S.CLOSED}, CLERKS_UP),
}
# What the state becomes when the action succeeds (absent: unchanged).
NEXT = {
    "assign": S.ASSIGNED, "accept": S.RECTIFYING, "feedback": S.FEEDBACK, "close": S.CLOSED,
    "reject": S.RECTIFYING, "cancel": S.CANCELLED, "reopen": S.RECTIFYING,
}
ROLES = ["clerk", "city_clerk", "province_clerk", "lead_staff", "co_staff", "manager"]


def test_expectation_covers_every_action_in_the_table():
    assert set(EXPECTED) == set(ACTIONS)


def _inputs(action, case, people, user):
    later = timezone.localdate() + dt.timedelta(days=90)
    inputs = {"comment": "处理说明", "deadline": later}
    if action == "assign":
        inputs["lead_unit"] = people.lead_unit
    if action == "feedback" and user.can_write:
        inputs["attachments"] = [attachment_upload(case=case, by=user, file=png()).pk]
    return inputs


class _Undo(Exception):
    pass


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("action", list(EXPECTED))
def test_action_allowed_or_refused_as_the_table_says(people, action, state):
    case = case_at(state, people)
    if action in ("approve_extension", "deny_extension") and state in (S.ASSIGNED, S.RECTIFYING):
        act(case, "extend", people.lead_staff, comment="需要更多时间", deadline=timezone.localdate() + dt.timedelta(days=60))
    states, roles = EXPECTED[action]
    events_before = case.events.count()
    outcomes = {}
    for role in ROLES:
        user = getattr(people, role)
        # Each role tries on the same starting case: its attempt is rolled back afterwards.
        try:
            with transaction.atomic():
                try:
                    act(case, action, user, **_inputs(action, case, people, user))
                    outcomes[role] = ("allowed", case.state, case.events.count() - events_before)
                except ActionNotAllowed as refused:
                    assert f"“{state.label}”" in refused.messages[0], refused.messages
                    case.refresh_from_db()
                    outcomes[role] = ("refused", case.state, case.events.count() - events_before)
                raise _Undo
        except _Undo:
            case.refresh_from_db()
    expected = {
        role: ("allowed", NEXT.get(action, state), 1) if state in states and role in roles else ("refused", state, 0)
        for role in ROLES
    }
    assert outcomes == expected


@pytest.mark.parametrize("action", ["accept", "urge", "close"])
def test_user_of_another_county_gets_not_found(people, action):
    case = case_at(S.ASSIGNED, people)
    with pytest.raises(Http404):
        act(case, action, people.other_county_clerk, comment="x")


def test_required_inputs_are_named_in_chinese(people):
    case = case_at(S.RECTIFYING, people)
    with pytest.raises(ValidationError) as missing:
        act(case, "feedback", people.lead_staff)
    assert missing.value.message_dict == {"comment": ["请填写整改情况。"], "attachments": ["请至少上传一份佐证材料。"]}
    assert case.events.count() == 3


def test_escalation_hands_the_case_to_the_higher_task_force(people):
    case = case_at(S.RECTIFYING, people)
    act(case, "escalate", people.clerk, comment="县级难以协调")
    assert case.get_level_display() == "市级"
    assert case.owner == people.city_clerk.organisation
    # The county clerk is no longer the assigning side; the city clerk is.
    with pytest.raises(ActionNotAllowed):
        act(case, "cancel", people.clerk, comment="x")
    act(case, "escalate", people.city_clerk, comment="市级难以协调")
    assert case.owner == people.province_clerk.organisation
    with pytest.raises(ActionNotAllowed) as refused:
        act(case, "escalate", people.province_clerk, comment="x")
    assert "已是省级" in refused.value.messages[0]


def test_approved_extension_moves_the_deadline(people):
    case = case_at(S.RECTIFYING, people)
    old = case.deadline
    new = old + dt.timedelta(days=20)
    act(case, "extend", people.co_staff, comment="雨季施工困难", deadline=new)
    assert case.deadline == old and case.extension_deadline == new
    act(case, "approve_extension", people.clerk)
    assert case.deadline == new and case.extension_deadline is None
    event = case.events.order_by("-seq").first()
    assert (event.old_deadline, event.new_deadline) == (old, new)


def test_county_clerk_cannot_assign_to_a_unit_outside_the_county(people):
    case = case_at(S.DISCOVERED, people)
    outside = people.other_county_staff.organisation
    with pytest.raises(ValidationError) as refused:
        act(case, "assign", people.clerk, lead_unit=outside, deadline_workdays=5)
    assert refused.value.message_dict["lead_unit"] == [f"责任单位须在您的管辖范围内：{outside.name}。"]
    assert case.state == S.DISCOVERED
