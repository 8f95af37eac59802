"""The cases app's models, by concern: the case and its rows (case.py), the ledger's anchors (ledger.py),
the work calendar (calendar.py). Everything is imported from here, as Django and the migrations expect."""
from registry.models.notifications import NotificationKind  # noqa: F401  (kinds: read from here too)

from .calendar import WorkCalendarDay, WorkCalendarYear
from .case import (
    CASE_PARTIES,
    CASE_PARTIES_VIA_CASE,
    OPEN_STATES,
    Attachment,
    Case,
    CaseCategory,
    CaseEvent,
    CaseLevel,
    CasePriority,
    CaseSource,
    CaseState,
    JointConfirmation,
    Notification,
    _random_evidence_name,  # noqa: F401  (migration 0001 names it as cases.models._random_evidence_name)
)
from .ledger import AnchorKind, LedgerAnchor, LedgerAnchorHead, LedgerCheck

__all__ = [
    "CASE_PARTIES", "CASE_PARTIES_VIA_CASE", "OPEN_STATES", "AnchorKind", "Attachment", "Case", "CaseCategory",
    "CaseEvent", "CaseLevel", "CasePriority", "CaseSource", "CaseState", "JointConfirmation", "LedgerAnchor",
    "LedgerAnchorHead", "LedgerCheck", "Notification", "NotificationKind", "WorkCalendarDay", "WorkCalendarYear",
]
