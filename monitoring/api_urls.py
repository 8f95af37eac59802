from django.urls import path

from . import catalogue_views

urlpatterns = [
    path("monitoring/catalogue/import/", catalogue_views.CatalogueImportAPIView.as_view(), name="monitoring-catalogue-import"),
]
