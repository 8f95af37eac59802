"""The board's API: snapshots, the board's figures, bulletins (request, status, download)."""
import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.periods import parse_month
from registry.api.scoped import ScopedReadOnlyViewSet
from registry.models import Division, DivisionLevel
from registry.scoping import get_for_user_or_404

from . import bulletins, selectors, services
from .models import Bulletin, Dimension, MonthlySnapshot, RollupRun
from .serializers import (
    BoardFiguresSerializer,
    BoardSerializer,
    BulletinRequestSerializer,
    BulletinSerializer,
    PipelineStepSerializer,
    RollupRequestSerializer,
    RollupRunSerializer,
    SnapshotSerializer,
)
from .views import bulletin_file_response

TAG = "月度统计与调度"
LEVELS = {"county": DivisionLevel.COUNTY, "city": DivisionLevel.CITY, "province": DivisionLevel.PROVINCE}


class SnapshotFilter(django_filters.FilterSet):
    month = django_filters.CharFilter(method="filter_month", label="月份（YYYY-MM）")
    level = django_filters.ChoiceFilter(
        choices=[("county", "县（市、区）"), ("city", "设区市"), ("province", "省")], method="filter_level", label="层级",
        null_label=None,  # the project-wide "null" choice would reach filter_level as a level
    )
    dimension = django_filters.ChoiceFilter(choices=Dimension.choices, label="统计维度")
    dimension_value = django_filters.CharFilter(label="维度取值")
    division = django_filters.CharFilter(method="filter_division", label="区划代码（含下级）")

    class Meta:
        model = MonthlySnapshot
        fields = []

    def filter_month(self, queryset, name, value):
        try:
            return queryset.filter(month=parse_month(value))
        except ValueError:
            return queryset.none()

    def filter_level(self, queryset, name, value):
        return queryset.filter(level=LEVELS[value])

    def filter_division(self, queryset, name, value):
        division = Division.objects.filter(code=value.strip()).first()
        return queryset.within(division) if division else queryset.none()


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary="月度统计快照（按月份、层级、维度筛选）"),
    retrieve=extend_schema(tags=[TAG], summary="月度统计快照详情"),
)
class SnapshotViewSet(ScopedReadOnlyViewSet):
    queryset = MonthlySnapshot.objects.select_related("division").order_by("-month", "level", "division__code", "dimension", "dimension_value")
    serializer_class = SnapshotSerializer
    filterset_class = SnapshotFilter
    ordering_fields = ["month", "closure_rate", "on_time_rate", "overdue_at_end", "dispatched", "investment_rate"]


class BoardView(APIView):
    @extend_schema(
        tags=[TAG],
        summary="调度看板数据（当前用户管辖范围）",
        parameters=[
            OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM，默认本月"),
            OpenApiParameter("division", OpenApiTypes.STR, description="管辖范围内的设区市或县区划代码"),
            OpenApiParameter("level", OpenApiTypes.STR, enum=["county", "city"], description="表格层级（省级用户可选 city）"),
            OpenApiParameter("category", OpenApiTypes.INT, description="事项类别编号"),
            OpenApiParameter("record_type", OpenApiTypes.STR, description="台账记录类型 app.model"),
            OpenApiParameter("mountain", OpenApiTypes.BOOL, description="仅山区海岛县"),
        ],
        responses=BoardSerializer,
    )
    def get(self, request):
        selectors.require_board_user(request.user)
        f = selectors.filters_from_params(request.user, request.query_params)
        data = selectors.board(request.user, f, sort=request.query_params.get("sort", ""), serialize=_figures_data)
        return Response({
            "month": f.month, "division_code": f.division.code, "division_name": f.division.name,
            "ranking_min_cases": data["minimum"], "pipeline": PipelineStepSerializer(data["pipeline"], many=True).data,
            "rows": data["rows"], "totals": data["totals"], "totals_links": data["totals_links"],
            "totals_project_links": data["totals_project_links"], "trend": data["trend"],
            "rankings": data["rankings"], "overdue_label": data["overdue_label"], "schedule_rule": data["schedule_rule"],
        })


def _figures_data(figures) -> dict:
    # Cached as plain data (DRF's ReturnDict pickles as a dict), serialized once per roll-up.
    return BoardFiguresSerializer(figures).data


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary="调度通报列表"),
    retrieve=extend_schema(tags=[TAG], summary="调度通报生成状态"),
    create=extend_schema(tags=[TAG], summary="生成调度通报（异步）", request=BulletinRequestSerializer, responses={202: BulletinSerializer}),
)
class BulletinViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = BulletinSerializer
    filterset_fields = ["status", "month", "division__code", "version"]

    def get_queryset(self):
        return Bulletin.objects.for_user(self.request.user).select_related("division", "requested_by")

    def create(self, request, *args, **kwargs):
        selectors.require_board_user(request.user)
        data = BulletinRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        month = parse_month(data.validated_data["month"])
        code = data.validated_data.get("division") or selectors.jurisdiction(request.user).code
        division = get_for_user_or_404(Division.objects.all(), request.user, code=code)
        bulletin = bulletins.bulletin_request(month=month, division=division, by=request.user)
        bulletin.refresh_from_db()
        return Response(BulletinSerializer(bulletin).data, status=status.HTTP_202_ACCEPTED)


class BulletinDownloadView(APIView):
    @extend_schema(
        tags=[TAG], summary="下载调度通报（docx 或 xlsx）",
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="调度通报文件")},
    )
    def get(self, request, pk, kind):
        return bulletin_file_response(request.user, pk, kind)


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary="月度统计运行记录（含强制重算及原因）"),
    create=extend_schema(
        tags=[TAG], summary="重算某月（专班工作人员；已锁定月份须强制并说明原因，异步执行）",
        request=RollupRequestSerializer, responses={202: OpenApiResponse(description="已排队")},
    ),
)
class RollupRunViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    queryset = RollupRun.objects.select_related("requested_by").order_by("-started_at", "-id")
    serializer_class = RollupRunSerializer
    filterset_fields = ["status", "trigger", "forced"]

    def list(self, request, *args, **kwargs):
        selectors.require_board_user(request.user)
        return super().list(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        data = RollupRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        month = parse_month(data.validated_data["month"])
        services.rollup_request(
            month=month, by=request.user, force=data.validated_data["force"], reason=data.validated_data["reason"]
        )
        return Response({"month": month.strftime("%Y-%m"), "queued": True}, status=status.HTTP_202_ACCEPTED)
