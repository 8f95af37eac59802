from django.urls import path
from rest_framework.routers import DefaultRouter

from registry.deliverable_excel import api_urlpatterns as excel_api_urlpatterns

from . import deliverables
from .views import CurrentUserView, DivisionViewSet, OrganisationViewSet, PingView

router = DefaultRouter()
router.register("divisions", DivisionViewSet, basename="division")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("axes", deliverables.AxisViewSet, basename="axis")
router.register("central-towns", deliverables.CentralTownViewSet, basename="central-town")
router.register("weak-townships", deliverables.WeakTownshipViewSet, basename="weak-township")
router.register("weak-villages", deliverables.WeakVillageViewSet, basename="weak-village")
router.register("clusters", deliverables.ClusterViewSet, basename="cluster")
router.register("workshops", deliverables.WorkshopViewSet, basename="workshop")
router.register("workshop-reports", deliverables.WorkshopReportViewSet, basename="workshop-report")
router.register("pairings", deliverables.PairingViewSet, basename="pairing")

urlpatterns = [
    path("me/", CurrentUserView.as_view(), name="api-me"),
    path("ping/", PingView.as_view(), name="api-ping"),
    *excel_api_urlpatterns(),
    *router.urls,
]
