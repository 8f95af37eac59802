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


def test_a_case_out_of_reach_is_a_404_to_the_services_and_stays_as_it_was(people):
    """The services judge the case on the row they lock: someone who may not see it (here another
    county's clerk, who may otherwise close cases) gets the 404 of a missing case, and nothing moves."""
    import pytest
    from django.http import Http404

    from cases.services import case_update, perform_action

    case = case_at(CaseState.FEEDBACK, people)
    before = (case.state, case.version, case.title, case.events.count())
    with pytest.raises(Http404):
        perform_action(case=case, action="close", by=people.other_county_clerk, version=case.version, comment="越权销号")
    with pytest.raises(Http404):
        case_update(case=case, by=people.other_county_clerk, version=case.version, title="越权修改")
    case.refresh_from_db()
    assert (case.state, case.version, case.title, case.events.count()) == before
    assert act(case, "close", people.clerk, comment="同意销号").state == CaseState.CLOSED
