from rest_framework.routers import DefaultRouter

from . import api
from .excel import api_urlpatterns as excel_api_urlpatterns

router = DefaultRouter()
router.include_root_view = False
router.register("axes", api.AxisViewSet, basename="axis")
router.register("central-towns", api.CentralTownViewSet, basename="central-town")
router.register("weak-townships", api.WeakTownshipViewSet, basename="weak-township")
router.register("weak-villages", api.WeakVillageViewSet, basename="weak-village")
router.register("clusters", api.ClusterViewSet, basename="cluster")
router.register("workshops", api.WorkshopViewSet, basename="workshop")
router.register("workshop-reports", api.WorkshopReportViewSet, basename="workshop-report")
router.register("pairings", api.PairingViewSet, basename="pairing")

urlpatterns = [
    *excel_api_urlpatterns(),
    *router.urls,
]
