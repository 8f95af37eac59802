"""The projects' pages, one module per use case; urls.py imports them from here."""
from .month_lock import MonthLockView
from .month_review import MonthReviewView
from .monthly_report import MonthlyReportView
from .project import ProjectDetailView, ProjectFormView
from .project_list import ProjectListView
from .report_actions import ReportAttachmentUploadView, ReportToCaseView, report_attachment_download

__all__ = [
    "MonthLockView", "MonthReviewView", "MonthlyReportView", "ProjectDetailView", "ProjectFormView", "ProjectListView",
    "ReportAttachmentUploadView", "ReportToCaseView", "report_attachment_download",
]
