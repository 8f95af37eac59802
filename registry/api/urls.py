"""The ground's API URLs under /api/v1/ (divisions, organisations, me, ping)."""
from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import CurrentUserView, DivisionViewSet, OrganisationViewSet, PingView, WriteFloorView

router = DefaultRouter()
router.register("divisions", DivisionViewSet, basename="division")
router.register("organisations", OrganisationViewSet, basename="organisation")

urlpatterns = [
    path("me/", CurrentUserView.as_view(), name="api-me"),
    path("ping/", PingView.as_view(), name="api-ping"),
    path("ping/write/", WriteFloorView.as_view(), name="api-ping-write"),
    *router.urls,
]
