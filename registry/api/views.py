"""The ground's API: divisions, organisations, the current user, and the benchmark's floor (ping)."""
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.generics import RetrieveAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.filters import DivisionFilter, OrganisationFilter
from registry.models import Division, Organisation, WriteFloorEntry, WriteFloorSlot

from .scoped import ScopedReadOnlyViewSet
from .serializers import CurrentUserSerializer, DivisionSerializer, OrganisationSerializer


@extend_schema(tags=["基础信息"])
class DivisionViewSet(ScopedReadOnlyViewSet):
    """Administrative divisions in the user's jurisdiction (行政区划)."""

    queryset = Division.objects.select_related("parent")
    serializer_class = DivisionSerializer
    filterset_class = DivisionFilter
    lookup_field = "code"
    ordering_fields = ["code", "name", "level"]
    ordering = ["code"]


@extend_schema(tags=["基础信息"])
class OrganisationViewSet(ScopedReadOnlyViewSet):
    """Organisations in the user's jurisdiction (单位)."""

    queryset = Organisation.objects.select_related("division")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "kind"]
    ordering = ["division__code", "kind", "name"]


@extend_schema(tags=["基础信息"])
class CurrentUserView(RetrieveAPIView):
    """The signed-in user, their role and jurisdiction."""

    serializer_class = CurrentUserSerializer

    def get_object(self):
        return self.request.user


@extend_schema(tags=["基础信息"], responses={200: {"type": "object", "properties": {"ok": {"type": "boolean"}}}})
class PingView(APIView):
    """Authenticated liveness check; also the benchmark's floor (the least an authenticated call costs)."""

    def get(self, request):
        return Response({"ok": True})


WRITE_FLOOR_SLOTS = 64


@extend_schema(tags=["基础信息"], request=None,
               responses={200: {"type": "object", "properties": {"ok": {"type": "boolean"}, "count": {"type": "integer"}}}})
class WriteFloorView(APIView):
    """The benchmark's write floor: in one transaction, lock and update one row (the slot ?slot=N,
    0–63) and insert one row, as a case action locks its case and appends its event, without rules."""

    def post(self, request):
        try:
            slot = int(request.query_params.get("slot", "0"))
        except ValueError:
            slot = -1
        if not 0 <= slot < WRITE_FLOOR_SLOTS:
            raise ValidationError({"slot": f"槽位须为 0 至 {WRITE_FLOOR_SLOTS - 1} 的整数。"})
        with transaction.atomic():
            row, _ = WriteFloorSlot.objects.select_for_update().get_or_create(slot=slot)
            row.count += 1
            row.save(update_fields=["count", "updated_at"])
            WriteFloorEntry.objects.create(slot=row, user=request.user, count=row.count)
        return Response({"ok": True, "count": row.count})
