from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api, catalogue_views

router = DefaultRouter()
router.include_root_view = False
router.register("monitoring/values", api.ValueViewSet, basename="monitoring-value")
router.register("monitoring/snapshots", api.SnapshotViewSet, basename="monitoring-snapshot")

urlpatterns = [
    path("monitoring/catalogue/import/", catalogue_views.CatalogueImportAPIView.as_view(), name="monitoring-catalogue-import"),
    path("monitoring/values/import/", api.ValueImportAPIView.as_view(), name="monitoring-values-import"),
    path("monitoring/compute/", api.ComputeView.as_view(), name="monitoring-compute"),
    path("monitoring/publish/", api.PublishView.as_view(), name="monitoring-publish"),
    *router.urls,
]
