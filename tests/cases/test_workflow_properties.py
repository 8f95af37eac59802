"""Random action sequences by random roles, checked against a small model of the rules written here
independently of cases.workflow, and against the ledger's invariants."""
import datetime as dt
from collections import Counter

from django.db.models import OuterRef, Subquery
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.ledger import tampered_cases
from cases.models import Case, CaseEvent, CaseState
from cases.services import attachment_upload
from cases.workflow import ACTIONS, ActionNotAllowed

from .factories import act, new_case, png

S = CaseState
OPEN = {S.DISCOVERED, S.ASSIGNED, S.RECTIFYING, S.FEEDBACK}
ROLE_LEVEL = {"clerk": 1, "city_clerk": 2, "province_clerk": 3}
RESPONSIBLE = {"lead_staff", "co_staff"}
ROLES = [*ROLE_LEVEL, *RESPONSIBLE, "manager"]


def model_step(m, action, role):
    """The next model state if `role` may take `action`, else None."""
    owner_clerk = ROLE_LEVEL.get(role) == m["level"]
    clerk_above = ROLE_LEVEL.get(role, 0) >= m["level"]
    state, working = m["state"], m["state"] in (S.ASSIGNED, S.RECTIFYING)
    rules = {
        "assign": (state == S.DISCOVERED and owner_clerk, {"state": S.ASSIGNED}),
        "accept": (state == S.ASSIGNED and role in RESPONSIBLE, {"state": S.RECTIFYING}),
        "progress": (state == S.RECTIFYING and role in RESPONSIBLE, {}),
        "feedback": (state == S.RECTIFYING and role == "lead_staff", {"state": S.FEEDBACK}),
        "confirm": (False, {}),
        "close": (state == S.FEEDBACK and owner_clerk, {"state": S.CLOSED, "pending": False}),
        "reject": (state == S.FEEDBACK and owner_clerk, {"state": S.RECTIFYING}),
        "urge": (state in OPEN and clerk_above, {}),
        "escalate": (state in OPEN and clerk_above and m["level"] < 3, {"level": m["level"] + 1}),
        "extend": (working and role in RESPONSIBLE and not m["pending"], {"pending": True}),
        "approve_extension": (working and owner_clerk and m["pending"], {"pending": False}),
        "deny_extension": (working and owner_clerk and m["pending"], {"pending": False}),
        "cancel": (state in OPEN and owner_clerk, {"state": S.CANCELLED, "pending": False}),
        "reopen": (state == S.CLOSED and clerk_above, {"state": S.RECTIFYING}),
    }
    allowed, changes = rules[action]
    return {**m, **changes} if allowed else None


def _inputs(action, case, people, user):
    inputs = {"comment": "说明"}
    if action == "assign":
        inputs.update(lead_unit=people.lead_unit, co_units=[people.co_unit], deadline_workdays=20)
    if action == "extend":
        inputs["deadline"] = (case.deadline or dt.date.today()) + dt.timedelta(days=10)
    if action == "feedback" and user.can_write:
        inputs["attachments"] = [attachment_upload(case=case, by=user, file=png()).pk]
    return inputs


steps = st.lists(st.tuples(st.sampled_from(sorted(ACTIONS)), st.sampled_from(ROLES)), max_size=25)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=steps)
def test_random_sequences_follow_the_rules_and_keep_the_ledger(people, sequence):
    case = new_case(people)
    model = {"state": S.DISCOVERED, "level": 1, "pending": False}
    for action, role in sequence:
        expected = model_step(model, action, role)
        user = getattr(people, role)
        try:
            act(case, action, user, **_inputs(action, case, people, user))
        except ActionNotAllowed:
            assert expected is None, f"{role} was refused {action} from {model}"
            continue
        assert expected is not None, f"{role} was allowed {action} from {model}"
        model = expected
        assert (case.state, case.level, case.extension_deadline is not None) == (
            model["state"], model["level"], model["pending"]
        )

    events = list(case.events.all())
    assert events[-1].to_state == case.state
    assert all(later.from_state == earlier.to_state for earlier, later in zip(events, events[1:]))
    actions = [e.action for e in events]
    if case.state == S.CLOSED:
        assert "feedback" in actions and actions[-1] == "close"
    assert tampered_cases() == []

    last_event = CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-seq").values("to_state")[:1]
    by_events = Counter(Case.objects.annotate(last=Subquery(last_event)).values_list("last", flat=True))
    assert by_events == Counter(Case.objects.values_list("state", flat=True))
