from django.urls import path

from . import catalogue_views, evaluation_views, quarterly_views, values_views, views

app_name = "monitoring"

urlpatterns = [
    path("", views.board_view, name="board"),
    path("compute/", views.compute_view, name="compute"),
    path("publish/", views.publish_view, name="publish"),
    path("catalogue/", catalogue_views.catalogue_view, name="catalogue"),
    path("catalogue/excel/template/", catalogue_views.catalogue_template_view, name="catalogue-template"),
    path("catalogue/excel/export/", catalogue_views.catalogue_export_view, name="catalogue-export"),
    path("catalogue/excel/import/", catalogue_views.CatalogueImportView.as_view(), name="catalogue-import"),
    path("values/", values_views.values_view, name="values"),
    path("values/excel/template/", values_views.values_template_view, name="values-template"),
    path("values/excel/export/", values_views.values_export_view, name="values-export"),
    path("values/excel/import/", values_views.ValueImportView.as_view(), name="values-import"),
    path("quarterly/", quarterly_views.quarterly_view, name="quarterly"),
    path("quarterly/generate/", quarterly_views.quarterly_generate_view, name="quarterly-generate"),
    path("quarterly/<int:pk>/<str:kind>/", quarterly_views.quarterly_download_view, name="quarterly-download"),
    path("evaluation/", evaluation_views.evaluation_view, name="evaluation"),
    path("evaluation/<int:year>/progress/", evaluation_views.evaluation_progress_view, name="evaluation-progress"),
    path("evaluation/<int:year>/prepare/", evaluation_views.evaluation_prepare_view, name="evaluation-prepare"),
    path("evaluation/<int:year>/finalise/", evaluation_views.evaluation_finalise_view, name="evaluation-finalise"),
    path("evaluation/<int:year>/summary.xlsx", evaluation_views.evaluation_workbook_view, name="evaluation-workbook"),
    path("evaluation/<int:year>/<str:code>/", evaluation_views.county_evaluation_view, name="county-evaluation"),
    path("evaluation/<int:year>/<str:code>/docx/", evaluation_views.county_evaluation_docx_view, name="county-evaluation-docx"),
]
