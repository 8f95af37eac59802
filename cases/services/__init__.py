"""Every change to a case: one transaction each, the case row locked, its event and notifications
written with it. The rules of who may do what live in `cases.workflow`.

One module per use case; the names callers use are all here:
    common     levels, deadline states, the locked read, the version check, the event
    create     logging a case, editing its fields
    evidence   uploading evidence
    inputs     an action's inputs checked
    handlers   what each action does besides its state, and whom it notifies
    actions    perform_action
    deadlines  the daily deadline job (cards, auto-escalation)
"""
# The inbox is the ground's; re-exported for the callers that take it from here.
from registry.notifications.services import inbox_generation, notification_mark_read, notify_units, notify_users  # noqa: F401

from .actions import perform_action  # noqa: F401
from .common import (  # noqa: F401
    DEADLINE_STATES, DUE_SOON_WORKDAYS, LEVEL_BY_DIVISION_LEVEL, TASK_FORCE_BY_LEVEL, StaleVersion, local_today,
    unit_todo_generation,
)
from .create import EDITABLE_FIELDS, REPEAT_WINDOW, case_create, case_update, check_may_log_cases  # noqa: F401
from .deadlines import deadline_check  # noqa: F401
from .evidence import attachment_upload  # noqa: F401
from .handlers import HANDLERS  # noqa: F401
