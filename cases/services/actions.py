"""Taking a workflow action on a case: the row locked and judged, the version checked, the workflow
table consulted, the case saved and its event chained, all in one transaction."""
from django.db import transaction

from registry.generations import bump_now_and_on_commit

from ..models import Attachment, Case
from ..workflow import case_context, check_action
from .common import _lock_for, _record_event, check_version, unit_todo_generation
from .handlers import HANDLERS
from .inputs import _clean_inputs


CONCRETE = [f for f in Case._meta.concrete_fields if not f.primary_key]


def _row(case: Case) -> dict:
    return {f.attname: getattr(case, f.attname) for f in CONCRETE}


def _read(case: Case, field) -> bool:
    """Whether a reference now on the case is to a row read from the database (a unit the input
    named, found active): its existence needs no second query."""
    related = case._state.fields_cache.get(field.name) if field.is_relation else None
    return related is not None and not related._state.adding and related.pk == getattr(case, field.attname)


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
    before = _row(locked)
    changes, after_save = HANDLERS[action](locked, by, clean, ctx)
    if spec.to_state is not None:
        locked.state = spec.to_state
    locked.version += 1
    # Only what the action changed is validated and written: the rest is the row as the database
    # holds it (a reference it held is vouched for by its foreign key; checking each again cost a
    # query apiece, and validating and writing all 30 columns was a tenth of an action's CPU).
    changed = [name for name, value in _row(locked).items() if before[name] != value]
    locked.full_clean(exclude=[f.name for f in CONCRETE if f.attname not in changed or _read(locked, f)],
                      validate_unique=False, validate_constraints=False)
    locked.save(update_fields=[*changed, "updated_at"])
    payload = changes.pop("payload", {})
    if clean["attachments"]:
        payload["attachments"] = [{"id": a.pk, "sha256": a.sha256} for a in clean["attachments"]]
    event = _record_event(locked, action=action, from_state=from_state, by=by, comment=clean["comment"], payload=payload, **changes)
    if clean["attachments"]:
        Attachment.objects.filter(pk__in=[a.pk for a in clean["attachments"]]).update(event=event)
    if after_save:
        after_save()
    # After the handler's own writes: an assignment sets its co-units there, and their to-do counts move too.
    owed_after = _owed(locked)
    if owed_after != owed_before:
        # The to-do counts of every unit the case was or is owed by (selectors.todo_counts).
        units = {owed_before[2], owed_after[2], *owed_before[3], *owed_after[3]} - {None}
        bump_now_and_on_commit(*(unit_todo_generation(unit) for unit in units))
    return locked
