from django.urls import path

from . import views

urlpatterns = [
    path("", views.structure_board_view, name="graph-board"),
    path("axes/<int:pk>/", views.axis_view, name="graph-axis"),
    path("towns/", views.town_dashboard_view, name="graph-towns"),
    path("towns/<int:pk>/", views.town_view, name="graph-town"),
    path("clusters/<int:pk>/", views.cluster_view, name="graph-cluster"),
]
