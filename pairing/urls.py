from django.urls import path

from . import excel, reports, views

urlpatterns = [
    path("", views.dashboard, name="pairing-dashboard"),
    path("mine/", views.partner_home, name="pairing-partner-home"),
    path("mine/tasks/<int:task_pk>/confirm/", views.partner_confirm, name="pairing-partner-confirm"),
    path("evaluations/", views.evaluations, name="pairing-evaluations"),
    path("<int:pk>/", views.pairing_page, name="pairing-detail"),
    path("<int:pk>/groups/", views.groups_edit, name="pairing-groups-edit"),
    path("<int:pk>/tasks/new/", views.task_create, name="pairing-task-create"),
    path("<int:pk>/tasks/<int:task_pk>/parties/", views.task_parties, name="pairing-task-parties"),
    path("<int:pk>/visits/new/", views.visit_create, name="pairing-visit-create"),
    path("<int:pk>/enclaves/new/", views.enclave_create, name="pairing-enclave-create"),
    path("<int:pk>/revenue/", views.revenue_record, name="pairing-revenue"),
    path("<int:pk>/funds/", views.funds_record, name="pairing-funds"),
    path("<int:pk>/projects/link/", views.project_link, name="pairing-project-link"),
    path("<int:pk>/evaluation/", views.evaluation_action, name="pairing-evaluation"),
    path("<int:pk>/tasks/export/", excel.TaskExportView.as_view(), name="pairing-task-export"),
    path("<int:pk>/tasks/import/", excel.TaskImportView.as_view(), name="pairing-task-import"),
    path("tasks/template/", excel.TaskTemplateView.as_view(), name="pairing-task-template"),
    path("groups/export/", excel.group_export, name="pairing-group-export"),
    path("groups/import/", excel.GroupImportView.as_view(), name="pairing-group-import"),
    path("<int:pk>/report/<int:year>-q<int:quarter>.docx", reports.quarter_docx, name="pairing-report-docx"),
    path("report/<int:year>-q<int:quarter>.xlsx", reports.quarter_xlsx, name="pairing-report-xlsx"),
]
