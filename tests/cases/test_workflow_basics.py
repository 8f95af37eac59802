from cases.ledger import tampered_cases
from cases.models import CaseState, Notification

from .factories import act, case_at, evidence


def test_full_loop_records_every_step_and_chain_verifies(people):
    case = case_at(CaseState.FEEDBACK, people)
    act(case, "reject", people.clerk, comment="照片不清晰")
    act(case, "feedback", people.lead_staff, comment="补充材料", attachments=[evidence(case, people.lead_staff)])
    case = act(case, "close", people.clerk, comment="同意销号")
    assert case.state == CaseState.CLOSED
    actions = list(case.events.values_list("action", flat=True))
    assert actions == ["create", "assign", "accept", "feedback", "reject", "feedback", "close"]
    assert tampered_cases() == []
    assert Notification.objects.filter(recipient=people.lead_staff, kind="rejected").exists()
