"""The board's API URLs under /api/v1/."""
from django.urls import path
from rest_framework.routers import DefaultRouter

from .api import BoardView, BulletinDownloadView, BulletinViewSet, RollupRunViewSet, SnapshotViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("rollups/runs", RollupRunViewSet, basename="rollup-run")
router.register("rollups", SnapshotViewSet, basename="rollup")
router.register("bulletins", BulletinViewSet, basename="bulletin")

urlpatterns = [
    path("board/", BoardView.as_view(), name="api-board"),
    path("bulletins/<int:pk>/download/<str:kind>/", BulletinDownloadView.as_view(), name="api-rollup-bulletin-download"),
    *router.urls,
]
