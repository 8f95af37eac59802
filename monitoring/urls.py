from django.urls import path

from . import catalogue_views

app_name = "monitoring"

urlpatterns = [
    path("catalogue/", catalogue_views.catalogue_view, name="catalogue"),
    path("catalogue/excel/template/", catalogue_views.catalogue_template_view, name="catalogue-template"),
    path("catalogue/excel/export/", catalogue_views.catalogue_export_view, name="catalogue-export"),
    path("catalogue/excel/import/", catalogue_views.CatalogueImportView.as_view(), name="catalogue-import"),
]
