"""The board's page URLs."""
from django.urls import include, path

from . import views

app_name = "rollups"

urlpatterns = [
    path("board/", views.board_view, name="board"),
    path("structure/", include("rollups.graph.urls")),  # the programme-structure tab and pages (rollups/graph)
    path("rerun/", views.rollup_rerun_view, name="rerun"),
    path("bulletins/", views.bulletin_request_view, name="bulletin-request"),
    path("bulletins/<int:pk>/", views.bulletin_status_view, name="bulletin-status"),
    path("bulletins/<int:pk>/<str:kind>/", views.bulletin_download_view, name="bulletin-download"),
]
