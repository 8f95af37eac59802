from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import ProjectMonthViewSet, ProjectReportViewSet, ProjectViewSet

router = DefaultRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("project-months", ProjectMonthViewSet, basename="project-month")

urlpatterns = [
    path("projects/<int:project_pk>/reports/", ProjectReportViewSet.as_view({"get": "list", "post": "create"}), name="project-report-list"),
    path("projects/<int:project_pk>/reports/<str:month>/", ProjectReportViewSet.as_view({"put": "update"}), name="project-report-detail"),
    *router.urls,
]
