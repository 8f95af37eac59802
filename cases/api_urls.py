"""The case API's URLs under /api/v1/."""
from django.urls import path
from rest_framework.routers import DefaultRouter

from .api import AttachmentDownloadView, CaseViewSet
from .excel import CaseImportAPIView
from .work_calendar import HolidayImportAPIView

router = DefaultRouter()
router.include_root_view = False
router.register("cases", CaseViewSet, basename="case")

urlpatterns = [
    # Before the router: its detail route would otherwise take "import" for a case id.
    path("cases/import/", CaseImportAPIView.as_view(), name="api-case-import"),
    path("calendar/import/", HolidayImportAPIView.as_view(), name="api-calendar-import"),
    path("case-attachments/<int:pk>/download/", AttachmentDownloadView.as_view(), name="api-case-attachment-download"),
    *router.urls,
]
