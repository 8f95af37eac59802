"""The project pages' URLs (and their Excel round-trips)."""
from django.urls import path

from . import excel, views

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="project-list"),
    path("projects/excel/template/", excel.ProjectTemplateView.as_view(), name="project-excel-template"),
    path("projects/excel/export/", excel.ProjectExportView.as_view(), name="project-excel-export"),
    path("projects/excel/import/", excel.ProjectImportView.as_view(), name="project-excel-import"),
    path("projects/monthly/excel/template/", excel.MonthTemplateView.as_view(), name="project-month-excel-template"),
    path("projects/monthly/excel/import/", excel.MonthImportView.as_view(), name="project-month-excel-import"),
    path("projects/new/", views.ProjectFormView.as_view(), name="project-create"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("projects/<int:pk>/edit/", views.ProjectFormView.as_view(), name="project-edit"),
    path("projects/reports/<int:pk>/to-case/", views.ReportToCaseView.as_view(), name="project-report-to-case"),
    path("projects/reports/<int:pk>/attachments/", views.ReportAttachmentUploadView.as_view(), name="project-report-attach"),
    path("projects/attachments/<int:pk>/", views.report_attachment_download, name="project-attachment-download"),
    path("projects/monthly/", views.MonthlyReportView.as_view(), name="project-monthly-report"),
    path("projects/review/", views.MonthReviewView.as_view(), name="project-month-review"),
    path("projects/locks/", views.MonthLockView.as_view(), name="project-month-lock"),
]
