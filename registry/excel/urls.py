"""The Excel round-trip's page URLs."""
from django.urls import path

from . import organisations

urlpatterns = [
    path("organisations/excel/template/", organisations.OrganisationTemplateView.as_view(),
         name="organisation-excel-template"),
    path("organisations/excel/export/", organisations.OrganisationExportView.as_view(),
         name="organisation-excel-export"),
    path("organisations/excel/import/", organisations.OrganisationImportView.as_view(),
         name="organisation-excel-import"),
]
