"""Changing a case's joint close-out parties (联合销号) while it is open: the owning clerk's edit, with
the case row locked, the version checked and the change written as an event in the same transaction.

A separate module, not cases.services: the parties a pairing task starts with come from the pairing
(pairing.services), and only this edit is the workflow's own. A party that has already confirmed keeps
its confirmation; a removed party's row goes, and the event keeps who it was and whether it had confirmed.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from registry.scoping import OUT_OF_REACH, visible_or_404

from . import clock
from .ledger import chain_event
from .models import Case, JointConfirmation
from .workflow import check_edit


def _next_event(case: Case, *, by, action: str, comment: str, payload: dict):
    last = case.events.order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, "")
    event = chain_event(
        case_id=case.pk, seq=seq, action=action, from_state=case.state, to_state=case.state,
        actor_id=by.pk, actor_unit_id=by.organisation_id, created_at=clock.now(), comment=comment,
        payload=payload, prev_hash=prev_hash, case_version=case.version,
    )
    event.save(force_insert=True)
    return event


@transaction.atomic
def joint_parties_set(*, case: Case, by, parties, version: int, comment: str = "") -> Case:
    """Make `parties` the case's joint close-out parties (owning clerk, open case, at `version`)."""
    from .services import StaleVersion  # the workflow's conflict error, one class for every case write

    try:
        locked = Case.objects.select_for_update(of=("self",)).select_related("owner__division", "county").get(pk=case.pk)
    except Case.DoesNotExist:
        raise Http404(OUT_OF_REACH) from None
    visible_or_404(by, locked)
    if locked.version != version:
        raise StaleVersion(f"该事项已被他人修改（您提交的版本 {version}，当前版本 {locked.version}），请刷新页面后重试。")
    check_edit(locked, by)
    wanted = {p.pk: p for p in parties}
    inactive = [p.name for p in wanted.values() if not p.is_active]
    if inactive:
        raise ValidationError({"joint_parties": f"以下单位已停用，不能作为联合销号单位：{'、'.join(inactive)}。"})
    current = {jc.party_id: jc for jc in locked.joint_parties.select_related("party")}
    added = [wanted[pk] for pk in wanted if pk not in current]
    removed = [current[pk] for pk in current if pk not in wanted]
    if not added and not removed:
        return locked
    JointConfirmation.objects.filter(pk__in=[jc.pk for jc in removed]).delete()
    JointConfirmation.objects.bulk_create([JointConfirmation(case=locked, party=p) for p in added])
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    payload = {
        "added": [p.pk for p in added],
        "removed": [{"party": jc.party_id, "name": jc.party.name, "confirmed": jc.confirmed_at is not None} for jc in removed],
        "joint_parties": sorted(wanted),
    }
    _next_event(locked, by=by, action="joint_parties", comment=comment[:500], payload=payload)
    return locked
