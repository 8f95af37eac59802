"""Taking a workflow action on a case: the row locked and judged, the version checked, the workflow
table consulted, the case saved and its event chained, all in one transaction."""
from django.db import transaction

from registry.generations import bump_now_and_on_commit

from ..models import Attachment, Case
from ..workflow import case_context, check_action
from .common import _lock_for, _record_event, check_version, unit_todo_generation
from .handlers import HANDLERS
from .inputs import _clean_inputs


def _owed(case: Case) -> tuple:
    """What a unit's to-do counts read of a case: its state, deadline and responsible units."""
    return case.state, case.deadline, case.lead_unit_id, frozenset(unit.pk for unit in case.co_units.all())


@transaction.atomic
def perform_action(*, case: Case, action: str, by, version: int, **inputs) -> Case:
    """Take `action` on `case` as `by`, if the case is still at `version`; answers the updated case.

    Inputs: comment, deadline (date) or deadline_workdays (int), lead_unit, co_units, attachments (ids).
    """
    locked = _lock_for(by, case.pk)
    check_version(locked, version)
    ctx = case_context(locked)
    spec = check_action(locked, by, action, ctx)
    clean = _clean_inputs(spec, locked, by, inputs)
    from_state = locked.state
    owed_before = _owed(locked)
    relations_before = {f.name: getattr(locked, f.attname) for f in Case._meta.concrete_fields if f.is_relation}
    changes, after_save = HANDLERS[action](locked, by, clean, ctx)
    if spec.to_state is not None:
        locked.state = spec.to_state
    locked.version += 1
    # A reference the row already held is vouched for by the database's foreign key; checking each
    # again cost a query apiece on every action.
    locked.full_clean(exclude=[name for name, value in relations_before.items()
                               if getattr(locked, Case._meta.get_field(name).attname) == value])
    locked.save()
    owed_after = _owed(locked)
    if owed_after != owed_before:
        # The to-do counts of every unit the case was or is owed by (selectors.todo_counts).
        units = {owed_before[2], owed_after[2], *owed_before[3], *owed_after[3]} - {None}
        bump_now_and_on_commit(*(unit_todo_generation(unit) for unit in units))
    payload = changes.pop("payload", {})
    if clean["attachments"]:
        payload["attachments"] = [{"id": a.pk, "sha256": a.sha256} for a in clean["attachments"]]
    event = _record_event(locked, action=action, from_state=from_state, by=by, comment=clean["comment"], payload=payload, **changes)
    if clean["attachments"]:
        Attachment.objects.filter(pk__in=[a.pk for a in clean["attachments"]]).update(event=event)
    if after_save:
        after_save()
    return locked
