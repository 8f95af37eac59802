"""The case pages' URLs."""
from django.urls import path

from . import excel, instruction_views, ledger_views, views, work_calendar

urlpatterns = [
    path("cases/", views.CaseListView.as_view(), name="case-list"),
    path("cases/new/", views.case_create_view, name="case-create"),
    path("cases/export.xlsx", views.case_export, name="case-export"),
    path("cases/import/", excel.CaseImportView.as_view(), name="case-import"),
    path("cases/import/template.xlsx", excel.CaseTemplateView.as_view(), name="case-excel-template"),
    path("calendar/import/", work_calendar.HolidayImportView.as_view(), name="calendar-import"),
    path("calendar/import/template.xlsx", work_calendar.HolidayTemplateView.as_view(), name="calendar-excel-template"),
    path("cases/instruct/", instruction_views.case_list_instruct, name="case-list-instruct"),
    path("cases/review/", views.ReviewQueueView.as_view(), name="case-review"),
    path("cases/todo/", views.TodoView.as_view(), name="case-todo"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/act/", views.case_act, name="case-act"),
    path("cases/<int:pk>/instruct/", instruction_views.case_instruct, name="case-instruct"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case-edit"),
    path("cases/<int:pk>/print/<slug:kind>/", views.case_document_print, name="case-document"),
    path("cases/<int:pk>/<slug:kind>.docx", views.case_document_docx, name="case-document-docx"),
    path("ledger/audit/", ledger_views.ledger_audit, name="ledger-audit"),
]
