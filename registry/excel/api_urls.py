"""The Excel round-trip's API URLs."""
from django.urls import path

from .organisations import OrganisationImportAPIView

urlpatterns = [
    path("organisations/excel/import/", OrganisationImportAPIView.as_view(), name="api-organisation-excel-import"),
]
