"""What every case service shares: the constants of levels and deadlines, the locked read of a case
judged for its writer, the version check and the event that records each change."""
import datetime as dt

from django.db.models import Prefetch
from django.http import Http404

from registry.api.errors import Conflict
from registry.models import DivisionLevel, OrganisationKind
from registry.scoping import OUT_OF_REACH, visible_or_404

from .. import clock
from ..ledger import chain_event
from ..models import Case, CaseEvent, CaseLevel, CaseState, JointConfirmation

LEVEL_BY_DIVISION_LEVEL = {
    DivisionLevel.COUNTY: CaseLevel.COUNTY,
    DivisionLevel.CITY: CaseLevel.CITY,
    DivisionLevel.PROVINCE: CaseLevel.PROVINCE,
}
TASK_FORCE_BY_LEVEL = {
    CaseLevel.COUNTY: OrganisationKind.COUNTY_TASK_FORCE,
    CaseLevel.CITY: OrganisationKind.CITY_TASK_FORCE,
    CaseLevel.PROVINCE: OrganisationKind.PROVINCE_TASK_FORCE,
}
# Cards and auto-escalation apply while the responsible units still owe the work.
DEADLINE_STATES = (CaseState.ASSIGNED, CaseState.RECTIFYING)
DUE_SOON_WORKDAYS = 3
JOINT_PARTIES = JointConfirmation.objects.select_related("party", "confirmed_by")


class StaleVersion(Conflict):
    default_detail = "该事项已被他人修改，请刷新页面后重试。"
    default_code = "stale_version"


def local_today() -> dt.date:
    return clock.today()


def check_version(locked: Case, version: int) -> None:
    if locked.version != version:
        raise StaleVersion(f"该事项已被他人修改（您提交的版本 {version}，当前版本 {locked.version}），请刷新页面后重试。")


def unit_todo_generation(unit_id) -> str:
    return f"unit-todo:{unit_id}"


def _record_event(case: Case, *, action: str, from_state: str, by, comment="", payload=None, **changes) -> CaseEvent:
    last = case.events.order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, "")
    event = chain_event(
        case_id=case.pk,
        seq=seq,
        action=action,
        from_state=from_state,
        to_state=case.state,
        actor_id=by.pk if by else None,
        actor_unit_id=by.organisation_id if by else None,
        created_at=clock.now(),
        comment=comment,
        payload=payload or {},
        prev_hash=prev_hash,
        case_version=case.version,
        **changes,
    )
    # The case rides along, with its county: the board's cache (rollups.cache) reads the county of
    # each event saved, which cost a query per action when it had only the case's id.
    event.case = case
    event.save(force_insert=True)
    return event


def _lock(case_id) -> Case:
    # The responsible and joint units come along: the rules (case_context), the to-do bookkeeping
    # (_owed), the notifications and the answer read them, and a handler that changes them clears the
    # prefetched set itself. The joint parties with their units and confirmers in one query (each
    # relation as its own prefetch cost a query apiece).
    # The county's city and province are read only by an escalation, when it needs them: joined to
    # every lock, their columns cost compiling and planning on each action.
    return (Case.objects.select_for_update(of=("self",)).select_related("owner__division", "county")
            .prefetch_related("co_units", Prefetch("joint_parties", JOINT_PARTIES)).get(pk=case_id))


def _lock_for(by, case_id) -> Case:
    """The case locked for a change by `by`, judged on the locked row: a case they may not see is
    the same 404 as a missing one (reading it a second time to judge it cost a query per write)."""
    try:
        locked = _lock(case_id)
    except Case.DoesNotExist:
        raise Http404(OUT_OF_REACH) from None
    return visible_or_404(by, locked)


def _responsible_units(case: Case) -> list:
    # The co-units the lock read (a handler that changes them clears that set, so they are read again).
    return [case.lead_unit_id, *(unit.pk for unit in case.co_units.all())]
