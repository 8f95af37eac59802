"""The monitoring API: values (read; province clerks correct with a reason; the bureau's workbook
import), index snapshots, and the computation and publication requests."""
import django_filters
from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.excel.views import ExcelImportAPIView

from . import selectors, services, values
from .models import IndexSnapshot, IndicatorValue
from .periods import parse_period

TAG = "指数监测"


class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    division_code = serializers.CharField(source="division.code", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True)

    class Meta:
        model = IndicatorValue
        fields = ["id", "period", "indicator_code", "indicator_name", "division_code", "division_name", "value", "target",
                  "updated_at"]


class CorrectionSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=18, decimal_places=4)
    target = serializers.DecimalField(max_digits=18, decimal_places=4, required=False, allow_null=True)
    reason = serializers.CharField(max_length=255)


class ValueFilter(django_filters.FilterSet):
    period = django_filters.CharFilter(method="filter_period", label="期别（2025 或 2025Q3）")
    indicator = django_filters.CharFilter(field_name="indicator__code", label="指标代码")
    division = django_filters.CharFilter(field_name="division__code", label="区划代码")

    class Meta:
        model = IndicatorValue
        fields = []

    def filter_period(self, queryset, name, value):
        try:
            return queryset.filter(period=parse_period(value))
        except ValueError:
            return queryset.none()


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary="指标数值（本人可见范围）"),
    retrieve=extend_schema(tags=[TAG], summary="指标数值详情"),
    correct=extend_schema(tags=[TAG], summary="更正指标数值（省专班，须填写原因）", request=CorrectionSerializer,
                          responses=IndicatorValueSerializer),
)
class ValueViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = IndicatorValue.objects.none()
    serializer_class = IndicatorValueSerializer
    filterset_class = ValueFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return IndicatorValue.objects.none()
        qs = IndicatorValue.objects.select_related("indicator", "division").order_by("period", "indicator__code", "division__code")
        return selectors.values_for_user(self.request.user, qs)

    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        value = self.get_object()
        data = CorrectionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        corrected = values.value_correct(value=value, by=request.user, new_value=data.validated_data["value"],
                                         new_target=data.validated_data.get("target"), reason=data.validated_data["reason"])
        return Response(IndicatorValueSerializer(corrected).data)


class IndexSnapshotSerializer(serializers.ModelSerializer):
    division_code = serializers.CharField(source="division.code", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True)

    class Meta:
        model = IndexSnapshot
        fields = ["period", "division_code", "division_name", "group", "composite", "domain_scores", "rank_in_group",
                  "group_size", "rank_overall", "previous_rank", "change_previous", "change_year", "used", "missing"]


@extend_schema_view(list=extend_schema(
    tags=[TAG], summary="指数快照（已发布期别的本组排名，及本人管辖范围）", responses=IndexSnapshotSerializer(many=True),
    parameters=[OpenApiParameter("period", OpenApiTypes.STR, required=True, description="期别：2025 或 2025Q3")],
))
class SnapshotViewSet(viewsets.GenericViewSet):
    queryset = IndexSnapshot.objects.none()
    serializer_class = IndexSnapshotSerializer
    pagination_class = None

    def list(self, request):
        try:
            period = parse_period(request.query_params.get("period", ""))
        except ValueError as error:
            raise ValidationError({"period": str(error)})
        rows = selectors.snapshots_for_user(request.user, period)
        return Response(IndexSnapshotSerializer(rows, many=True).data)


class PeriodRequestSerializer(serializers.Serializer):
    period = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ComputeView(APIView):
    @extend_schema(tags=[TAG], summary="计算指数（省专班；由后台任务执行）", request=PeriodRequestSerializer,
                   responses={202: None})
    def post(self, request):
        data = PeriodRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.index_request(period=data.validated_data["period"], by=request.user)
        except ValueError as error:
            raise ValidationError({"period": str(error)})
        return Response({"queued": True}, status=202)


class PublishView(APIView):
    @extend_schema(tags=[TAG], summary="发布或重新发布指数（省专班；重新发布须填写原因）", request=PeriodRequestSerializer,
                   responses={200: None})
    def post(self, request):
        data = PeriodRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            run = services.index_publish(period=data.validated_data["period"], by=request.user,
                                         reason=data.validated_data.get("reason", ""))
        except ValueError as error:
            raise ValidationError({"period": str(error)})
        return Response({"period": run.period, "kind": run.kind, "rows": run.row_count, "changed": run.changed_rows})


@extend_schema_view(post=extend_schema(tags=[TAG], operation_id="monitoring_values_import"))
class ValueImportAPIView(ExcelImportAPIView):
    def allowed(self, user) -> bool:
        return services.may_publish(user)

    @property
    def spec(self):
        return values.current_sheet()

    def apply(self, rows, user):
        return values.values_import(rows, user)
