"""API of the deliverable records: list/detail/create/update, scoped, writes through the services."""
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated

from registry.deliverables import selectors, services
from registry.api.fields import ChoiceLabel
from registry.api.pagination import DeferredJoinPagination
from registry.deliverables.filters import (
    AxisFilter,
    CentralTownFilter,
    ClusterFilter,
    PairingFilter,
    WeakTownshipFilter,
    WeakVillageFilter,
    WorkshopFilter,
    WorkshopReportFilter,
)
from registry.models import (
    AxisNode,
    CentralTown,
    DevelopmentAxis,
    Division,
    Organisation,
    PairingRelationship,
    Role,
    VillageCluster,
    WeakTownship,
    WeakVillage,
    Workshop,
    WorkshopReport,
)


def division_field(**kwargs):
    """Divisions are given and shown by their code."""
    return serializers.SlugRelatedField(slug_field="code", queryset=Division.objects.all(), **kwargs)


class DeliverableSerializer(serializers.ModelSerializer):
    county_name = serializers.CharField(source="county.full_name", read_only=True)
    city_name = serializers.CharField(source="county.parent.name", read_only=True)
    reason = serializers.CharField(write_only=True, required=False, allow_blank=True, label="修改原因")

    class Meta:
        # The services validate uniqueness with Chinese messages; DRF's own validators would not.
        validators = []


class PlanSerializerMixin(serializers.Serializer):
    plan = serializers.FileField(write_only=True, required=False, allow_null=True, label="方案文件")
    plan_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_plan_url(self, obj):
        if not obj.plan:
            return None
        return reverse("deliverable-plan", args=[obj._meta.model_name, obj.pk])


class AxisNodeSerializer(serializers.ModelSerializer):
    division = division_field(required=False, allow_null=True)
    division_name = serializers.CharField(source="division.full_name", read_only=True, default=None, allow_null=True)
    cluster_name = serializers.CharField(source="cluster.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = AxisNode
        fields = ["kind", "division", "division_name", "cluster", "cluster_name", "position"]
        read_only_fields = ["position"]
        extra_kwargs = {"cluster": {"queryset": VillageCluster.objects.all()}}


class AxisSerializer(PlanSerializerMixin, DeliverableSerializer):
    county = division_field()
    batch_display = ChoiceLabel("batch")
    nodes = AxisNodeSerializer(many=True, required=False)

    class Meta(DeliverableSerializer.Meta):
        model = DevelopmentAxis
        fields = [
            "id", "name", "county", "county_name", "city_name", "batch", "batch_display", "positioning",
            "area_share", "population_share", "plan", "plan_url", "nodes", "reason", "created_at", "updated_at",
        ]


class CentralTownSerializer(PlanSerializerMixin, DeliverableSerializer):
    division = division_field()
    name = serializers.CharField(read_only=True)
    county = serializers.CharField(source="county.code", read_only=True)
    track_display = ChoiceLabel("track")
    batch_display = ChoiceLabel("batch")

    class Meta(DeliverableSerializer.Meta):
        model = CentralTown
        fields = [
            "id", "division", "name", "county", "county_name", "city_name", "track", "track_display", "batch",
            "batch_display", "driven_townships", "plan", "plan_url", "reason", "created_at", "updated_at",
        ]


class WeakPlaceSerializer(PlanSerializerMixin, DeliverableSerializer):
    division = division_field()
    division_name = serializers.CharField(source="division.full_name", read_only=True)
    county = serializers.CharField(source="county.code", read_only=True)
    helper_unit = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False, allow_null=True)
    helper_unit_name = serializers.CharField(source="helper_unit.name", read_only=True, default=None, allow_null=True)

    class Meta(DeliverableSerializer.Meta):
        fields = [
            "id", "division", "division_name", "county", "county_name", "city_name", "since", "helper_unit",
            "helper_unit_name", "plan_summary", "plan", "plan_url", "reason", "created_at", "updated_at",
        ]


class WeakTownshipSerializer(WeakPlaceSerializer):
    class Meta(WeakPlaceSerializer.Meta):
        model = WeakTownship


class WeakVillageSerializer(WeakPlaceSerializer):
    class Meta(WeakPlaceSerializer.Meta):
        model = WeakVillage


class ClusterSerializer(DeliverableSerializer):
    county = division_field()
    key_village = division_field()
    members = division_field(many=True)
    radiated_villages = division_field(many=True, required=False)
    cross_county_counties = division_field(many=True, required=False)
    level_display = ChoiceLabel("level")
    model_name = serializers.CharField(source="model.name", read_only=True, default=None, allow_null=True)

    class Meta(DeliverableSerializer.Meta):
        model = VillageCluster
        fields = [
            "id", "name", "level", "level_display", "county", "county_name", "city_name", "key_village", "members",
            "radiated_villages", "cross_county_counties", "model", "model_name", "operating_company",
            "joint_party_organisation", "reason", "created_at", "updated_at",
        ]


class WorkshopSerializer(DeliverableSerializer):
    village = division_field()
    village_name = serializers.CharField(source="village.full_name", read_only=True)
    township = serializers.CharField(source="township.code", read_only=True)
    county = serializers.CharField(source="county.code", read_only=True)
    type_display = ChoiceLabel("type")
    pairing_form_display = ChoiceLabel("pairing_form")
    status_display = ChoiceLabel("status")

    class Meta(DeliverableSerializer.Meta):
        model = Workshop
        fields = [
            "id", "name", "village", "village_name", "township", "county", "county_name", "city_name", "type",
            "type_display", "pairing_form", "pairing_form_display", "partner_enterprises", "steward_name",
            "steward_unit", "steward_phone", "opened_on", "status", "status_display", "reason", "created_at",
            "updated_at",
        ]


class WorkshopReportSerializer(serializers.ModelSerializer):
    workshop_name = serializers.CharField(source="workshop.name", read_only=True)
    county_name = serializers.CharField(source="workshop.county.full_name", read_only=True)
    submitted_by = serializers.CharField(read_only=True, allow_null=True)
    reason = serializers.CharField(write_only=True, required=False, allow_blank=True, label="更正原因")

    class Meta:
        model = WorkshopReport
        validators = []
        fields = [
            "id", "workshop", "workshop_name", "county_name", "period", "employed", "low_income_employed",
            "avg_monthly_income_gain", "village_collective_income", "submitted_by", "reason", "created_at",
            "updated_at",
        ]


class PairingSerializer(DeliverableSerializer):
    county = division_field()
    partner_county = division_field(required=False, allow_null=True)
    partner_county_name = serializers.CharField(source="partner_county.full_name", read_only=True, default=None, allow_null=True)
    kind_display = ChoiceLabel("kind")
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True, default=None, allow_null=True)
    soe_name = serializers.CharField(source="soe.name", read_only=True, default=None, allow_null=True)
    is_mountain_island = serializers.BooleanField(source="county.is_mountain_island", read_only=True)

    class Meta(DeliverableSerializer.Meta):
        model = PairingRelationship
        fields = [
            "id", "county", "county_name", "city_name", "is_mountain_island", "kind", "kind_display", "year",
            "lead_unit", "lead_unit_name", "member_units", "partner_county", "partner_county_name", "soe",
            "soe_name", "provincial_leader", "project_name", "revenue_sharing_terms", "reason", "created_at",
            "updated_at",
        ]


class WritableBy(BasePermission):
    """Reads for everyone signed in (scoped by the queryset); writes for the view's writer roles."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        self.message = view.writer_message
        return request.user.is_superuser or request.user.role in view.writer_roles


class DeliverableViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Subclasses name a selector (which scopes to the user) and a (create, update) service pair."""

    permission_classes = [IsAuthenticated, WritableBy]
    pagination_class = DeferredJoinPagination
    writer_roles = frozenset({Role.CLERK})
    writer_message = services.CLERKS_ONLY
    selector = None
    service_pair = ()

    def get_queryset(self):
        return type(self).selector(self.request.user)

    def _data(self, serializer):
        data = dict(serializer.validated_data)
        reason = data.pop("reason", "")
        return data, reason

    def perform_create(self, serializer):
        data, _ = self._data(serializer)
        serializer.instance = self.service_pair[0](actor=self.request.user, data=data)

    def perform_update(self, serializer):
        data, reason = self._data(serializer)
        serializer.instance = self.service_pair[1](actor=self.request.user, instance=serializer.instance, data=data, reason=reason)


def _reload(viewset, instance):
    """Re-read through the selector so the response shows the saved relations."""
    return type(viewset).selector(viewset.request.user).get(pk=instance.pk)


@extend_schema(tags=["发展轴"])
class AxisViewSet(DeliverableViewSet):
    """县城—中心镇—重点村发展轴, with its nodes (given in order; replacing the list on update)."""

    serializer_class = AxisSerializer
    filterset_class = AxisFilter
    selector = selectors.axis_queryset
    ordering_fields = ["name", "batch", "county__code"]

    def _nodes(self, data):
        nodes = data.pop("nodes", None)
        return None if nodes is None else [dict(node) for node in nodes]

    def perform_create(self, serializer):
        data, _ = self._data(serializer)
        nodes = self._nodes(data)
        serializer.instance = _reload(self, services.axis_create(actor=self.request.user, data=data, nodes=nodes))

    def perform_update(self, serializer):
        data, reason = self._data(serializer)
        nodes = self._nodes(data)
        axis = services.axis_update(actor=self.request.user, axis=serializer.instance, data=data, nodes=nodes, reason=reason)
        serializer.instance = _reload(self, axis)


@extend_schema(tags=["中心镇"])
class CentralTownViewSet(DeliverableViewSet):
    serializer_class = CentralTownSerializer
    filterset_class = CentralTownFilter
    selector = selectors.central_town_queryset
    service_pair = (services.central_town_create, services.central_town_update)
    ordering_fields = ["division__code", "track", "batch"]


@extend_schema(tags=["相对薄弱乡镇"])
class WeakTownshipViewSet(DeliverableViewSet):
    serializer_class = WeakTownshipSerializer
    filterset_class = WeakTownshipFilter
    selector = selectors.weak_township_queryset
    service_pair = (services.weak_township_create, services.weak_township_update)
    ordering_fields = ["division__code", "since"]


@extend_schema(tags=["相对薄弱村"])
class WeakVillageViewSet(DeliverableViewSet):
    serializer_class = WeakVillageSerializer
    filterset_class = WeakVillageFilter
    selector = selectors.weak_village_queryset
    service_pair = (services.weak_village_create, services.weak_village_update)
    ordering_fields = ["division__code", "since"]


@extend_schema(tags=["乡村片区组团"])
class ClusterViewSet(DeliverableViewSet):
    serializer_class = ClusterSerializer
    filterset_class = ClusterFilter
    selector = selectors.cluster_queryset
    service_pair = (services.cluster_create, services.cluster_update)
    ordering_fields = ["name", "level", "county__code"]


@extend_schema(tags=["共富工坊"])
class WorkshopViewSet(DeliverableViewSet):
    serializer_class = WorkshopSerializer
    filterset_class = WorkshopFilter
    selector = selectors.workshop_queryset
    service_pair = (services.workshop_create, services.workshop_update)
    ordering_fields = ["name", "opened_on", "county__code"]


@extend_schema(tags=["共富工坊"])
class WorkshopReportViewSet(DeliverableViewSet):
    """Monthly figures: a month is submitted once; an update is a correction and needs a reason."""

    serializer_class = WorkshopReportSerializer
    filterset_class = WorkshopReportFilter
    selector = selectors.workshop_report_queryset
    writer_roles = frozenset({Role.CLERK, Role.COUNTY_STAFF})
    writer_message = services.REPORTERS_ONLY
    ordering_fields = ["period", "employed"]

    def perform_create(self, serializer):
        data, _ = self._data(serializer)
        serializer.instance = services.workshop_report_submit(actor=self.request.user, data=data)

    def perform_update(self, serializer):
        data, reason = self._data(serializer)
        serializer.instance = services.workshop_report_correct(
            actor=self.request.user, report=serializer.instance, data=data, reason=reason
        )


@extend_schema(tags=["结对帮扶"])
class PairingViewSet(DeliverableViewSet):
    serializer_class = PairingSerializer
    filterset_class = PairingFilter
    selector = selectors.pairing_queryset
    service_pair = (services.pairing_create, services.pairing_update)
    ordering_fields = ["year", "kind", "county__code"]
