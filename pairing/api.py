"""The pairing loop over the API: a partner's or clerk's pairing tasks (scoped; out of reach is a 404) and
a pairing's figures for a quarter. Writes go through the case API (actions, joint confirmation)."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.api.scoped import ScopedReadOnlyViewSet

from . import selectors
from .models import PairingTask
from .results import figures_for

TAG = "结对帮扶"


class PairingTaskSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="pairing.county.name", read_only=True)
    year = serializers.IntegerField(source="pairing.year", read_only=True)
    title = serializers.CharField(source="case.title", read_only=True)
    state = serializers.CharField(source="case.state", read_only=True)
    deadline = serializers.DateField(source="case.deadline", read_only=True)
    groups = serializers.SerializerMethodField()
    joint_parties = serializers.SerializerMethodField()

    class Meta:
        model = PairingTask
        fields = ["id", "case", "pairing", "county", "year", "number", "title", "state", "deadline", "is_takeover",
                  "groups", "joint_parties"]

    def get_groups(self, task) -> list[str]:
        return [g.kind for g in task.groups.all()]

    def get_joint_parties(self, task) -> list[dict]:
        return [{"party": jc.party_id, "name": jc.party.name, "confirmed": jc.confirmed_at is not None}
                for jc in task.case.joint_parties.all()]


@extend_schema_view(list=extend_schema(tags=[TAG], summary="结对帮扶任务（本人可见）"),
                    retrieve=extend_schema(tags=[TAG], summary="结对帮扶任务详情"))
class PairingTaskViewSet(ScopedReadOnlyViewSet):
    serializer_class = PairingTaskSerializer
    queryset = PairingTask.objects.select_related("case", "pairing__county").prefetch_related(
        "groups", "case__joint_parties__party").order_by("pairing__county__code", "number")


class QuarterSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4)


class PairingQuarterView(APIView):
    @extend_schema(tags=[TAG], summary="结对帮扶季度成效", parameters=[QuarterSerializer],
                   responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk):
        pairing = selectors.pairing_detail(request.user, pk)
        period = QuarterSerializer(data=request.query_params)
        period.is_valid(raise_exception=True)
        x = figures_for([pairing.pk], period.validated_data["year"], period.validated_data["quarter"])[pairing.pk]
        body = {k: (str(v) if hasattr(v, "quantize") else v) for k, v in vars(x).items()}
        return Response({"pairing": pairing.pk, "county": pairing.county.name, **period.validated_data, **body})
