from django.urls import path
from rest_framework.routers import DefaultRouter

from .api import PairingQuarterView, PairingTaskViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("pairing-tasks", PairingTaskViewSet, basename="pairing-task")

urlpatterns = [
    path("pairings/<int:pk>/quarter/", PairingQuarterView.as_view(), name="api-pairing-quarter"),
    *router.urls,
]
