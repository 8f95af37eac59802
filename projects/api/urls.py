"""The project API's URLs under /api/v1/."""
from django.urls import path
from rest_framework.routers import DefaultRouter

from ..excel import MonthImportAPIView, ProjectImportAPIView
from .views import ProjectMonthViewSet, ProjectReportViewSet, ProjectViewSet

router = DefaultRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("project-months", ProjectMonthViewSet, basename="project-month")

urlpatterns = [
    path("projects/excel/import/", ProjectImportAPIView.as_view(), name="api-project-excel-import"),
    path("project-months/<str:month>/excel/import/", MonthImportAPIView.as_view(), name="api-project-month-excel-import"),
    path("projects/<int:project_pk>/reports/", ProjectReportViewSet.as_view({"get": "list", "post": "create"}), name="project-report-list"),
    path("projects/<int:project_pk>/reports/<str:month>/", ProjectReportViewSet.as_view({"put": "update"}), name="project-report-detail"),
    path("projects/<int:project_pk>/reports/<str:month>/case/", ProjectReportViewSet.as_view({"post": "to_case"}), name="project-report-case"),
    path("projects/<int:project_pk>/reports/<str:month>/attachments/", ProjectReportViewSet.as_view({"post": "attach"}), name="project-report-attachments"),
    *router.urls,
]
