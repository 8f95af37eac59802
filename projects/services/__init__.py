"""Every write on projects and their monthly reports, with all the rules. One function per use case,
one module per group of them; the names callers use are all here:
    common        who may write what, the fields of the forms
    registration  projects registered and edited
    entries       a report's figures as typed, their checks, the revisions
    drafts        county staff saving a month's figures
    approval      submit, confirm, approve, return, correct
    periods       month locks, lock exceptions, reminders
    extras        a report's problem turned into a case, attachments
"""
from .approval import report_approve, report_confirm, report_correct, report_return, report_submit  # noqa: F401
from .common import PROJECT_FIELDS, REPORT_FIELDS  # noqa: F401
from .drafts import report_save_draft  # noqa: F401
from .entries import ReportEntriesInvalid, ReportEntry  # noqa: F401
from .extras import report_attachment_add, report_problem_to_case  # noqa: F401
from .periods import lock_exception_grant, month_lock, reminders_send  # noqa: F401
from .registration import project_create, project_update  # noqa: F401
