"""The project API: projects, their monthly reports and a month's reporting, locks answered as 423."""
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from registry.api.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from registry.api.errors import Locked
from registry.scoping import get_for_user_or_404

from .. import selectors, services
from ..filters import ProjectFilter
from ..models import LockException, MonthlyReport, Project, ReportStatus
from registry.periods import PeriodLocked, is_locked, parse_month, reporting_window
from . import serializers as s

TAG = "重大项目"
MONTH_PARAM = OpenApiParameter("month", OpenApiTypes.STR, description="统计月份，如 2026-10；默认上月")


def _month_or_404(value: str):
    try:
        return parse_month(value)
    except ValueError:
        raise Http404("月份格式应为 YYYY-MM")


class PeriodLockedAs423:
    """A write to a locked month answers 423 Locked with the service's Chinese message."""

    def handle_exception(self, exc):
        if isinstance(exc, PeriodLocked):
            exc = Locked(str(exc))
        return super().handle_exception(exc)


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary="项目列表（含年度完成率、序时进度等指标）", parameters=[MONTH_PARAM]),
    retrieve=extend_schema(tags=[TAG], summary="项目详情", parameters=[MONTH_PARAM]),
    create=extend_schema(tags=[TAG], summary="登记项目（专班）", request=s.ProjectWriteSerializer, responses={201: s.ProjectSerializer}),
    update=extend_schema(tags=[TAG], summary="修改项目（专班）", request=s.ProjectWriteSerializer, responses=s.ProjectSerializer),
    partial_update=extend_schema(tags=[TAG], summary="部分修改项目（专班）", request=s.ProjectWriteSerializer, responses=s.ProjectSerializer),
)
class ProjectViewSet(
    PeriodLockedAs423, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):
    """Major projects in the user's jurisdiction (重大项目), with their figures for a month."""

    serializer_class = s.ProjectSerializer
    filterset_class = ProjectFilter
    ordering_fields = ["code", "name", "total_investment", "completion_rate", "schedule_gap"]
    ordering = ["code"]

    def get_queryset(self):
        month = self.request.query_params.get("month")
        queryset = Project.objects.select_related("category", "county", "township").prefetch_related(
            "record_links__content_type"
        ).for_user(self.request.user)
        return selectors.projects_with_figures(queryset, month=_month_or_404(month) if month else None)

    def _write(self, request, project=None, partial=False):
        data = s.ProjectWriteSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if project is None:
            project = services.project_create(user=request.user, **fields)
        else:
            fields.pop("county", None)
            project = services.project_update(project=project, user=request.user, **fields)
        return self.get_queryset().get(pk=project.pk)

    def create(self, request, *args, **kwargs):
        project = self._write(request)
        return Response(self.get_serializer(project).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        project = self._write(request, self.get_object(), partial=kwargs.get("partial", False))
        return Response(self.get_serializer(project).data)


class ProjectReportViewSet(PeriodLockedAs423, viewsets.GenericViewSet):
    """A project's monthly reports (月度进度): list, save a month's draft, edit or correct a month."""

    queryset = MonthlyReport.objects.none()
    serializer_class = s.ReportSerializer
    pagination_class = None
    parser_classes = [JSONParser, MultiPartParser]
    lookup_field = "month"
    lookup_value_regex = r"\d{4}-\d{2}"

    def get_project(self):
        return get_for_user_or_404(Project.objects.select_related("county"), self.request.user, pk=self.kwargs["project_pk"])

    def _report(self, saved):
        # The report the service saved, by its id (reading it again by project and month cost a query).
        return selectors.reports_with_cumulative_by_id([saved[0].pk])[0]

    @extend_schema(tags=[TAG], summary="项目各月报告（含本年累计）", responses=s.ReportSerializer(many=True))
    def list(self, request, project_pk=None):
        return Response(self.get_serializer(selectors.project_history(self.get_project()), many=True).data)

    @extend_schema(tags=[TAG], summary="保存某月进度草稿（县乡工作人员）", request=s.ReportCreateSerializer, responses={201: s.ReportSerializer})
    def create(self, request, project_pk=None):
        project = self.get_project()
        data = s.ReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        month = fields.pop("month")
        saved = services.report_save_draft(user=request.user, month=month, entries=[services.ReportEntry(project=project, **fields)])
        return Response(self.get_serializer(self._report(saved)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=[TAG], summary="修改某月报告：草稿或提交人修改；已确认的报告由专班更正（须填原因）",
        request=s.ReportUpdateSerializer, responses=s.ReportSerializer,
    )
    def update(self, request, project_pk=None, month=None):
        project = self.get_project()
        month = _month_or_404(month)
        report = get_object_or_404(MonthlyReport, project=project, month=month)
        data = s.ReportUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        reason = fields.pop("reason")
        if report.status in (ReportStatus.CONFIRMED, ReportStatus.APPROVED):
            fields.pop("actual_start")
            saved = [services.report_correct(user=request.user, report=report, reason=reason, **fields)]
        else:
            saved = services.report_save_draft(user=request.user, month=month, entries=[services.ReportEntry(project=project, **fields)])
        return Response(self.get_serializer(self._report(saved)).data)

    @extend_schema(
        tags=[TAG], summary="把该月报告的存在问题一键转为交办事项（专班）", request=None,
        responses={201: s.CaseCreatedSerializer},
    )
    def to_case(self, request, project_pk=None, month=None):
        report = get_object_or_404(MonthlyReport, project=self.get_project(), month=_month_or_404(month))
        case = services.report_problem_to_case(user=request.user, report=report)
        return Response(s.CaseCreatedSerializer({"case": case.pk, "title": case.title}).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=[TAG], summary="为某月报告上传附件（县乡工作人员）", request={"multipart/form-data": s.ReportAttachmentUploadSerializer},
        responses={201: s.ReportAttachmentSerializer},
    )
    def attach(self, request, project_pk=None, month=None):
        report = get_object_or_404(MonthlyReport, project=self.get_project(), month=_month_or_404(month))
        data = s.ReportAttachmentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.report_attachment_add(user=request.user, report=report, file=data.validated_data["file"])
        return Response(s.ReportAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class ProjectMonthViewSet(PeriodLockedAs423, viewsets.ViewSet):
    """One month across the jurisdiction: its state and the approval steps (提交/确认/退回/审核/锁定/例外)."""

    lookup_field = "month"
    lookup_value_regex = r"\d{4}-\d{2}"

    @extend_schema(summary="月度进度填报概况", responses=s.MonthSummarySerializer)
    def retrieve(self, request, month=None):
        month = _month_or_404(month)
        opens, closes = reporting_window(month)
        missing = selectors.missing_reports_by_county(Project.objects.for_user(request.user), month=month)
        exceptions = LockException.objects.for_user(request.user).filter(month=month).select_related("county")
        body = {
            "month": f"{month:%Y-%m}", "locked": is_locked(month), "window_opens": opens, "window_closes": closes,
            "status_counts": selectors.month_status_counts(request.user, month=month),
            "missing_by_county": [{"county": r["county__code"], "name": r["county__name"], "missing": r["missing"]} for r in missing],
            "exceptions": [e.county.code for e in exceptions],
        }
        return Response(s.MonthSummarySerializer(body).data)

    def _step(self, request, month, step, service, **extra):
        month = _month_or_404(month)
        data = s.MonthActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data.get("reports")
        if ids is None and step in selectors.AWAITING:
            reports = list(selectors.reports_awaiting(request.user, month=month, step=step))
        else:
            reports = list(MonthlyReport.objects.for_user(request.user).filter(month=month, pk__in=ids or []))
            if len(reports) != len(set(ids or [])):
                raise Http404("部分报告不存在或不在您的管辖范围内")
        if step == "return":
            extra["reason"] = data.validated_data["reason"]
        done = service(user=request.user, reports=reports, **extra)
        result = selectors.reports_with_cumulative_by_id([r.pk for r in done])
        return Response(s.MonthActionResultSerializer({"count": len(done), "reports": result}).data)

    @extend_schema(summary="提交（县乡工作人员）；不指定报告则提交本人管辖范围内该月全部草稿", request=s.MonthActionSerializer, responses=s.MonthActionResultSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, month=None):
        return self._step(request, month, "submit", services.report_submit)

    @extend_schema(summary="县专班确认", request=s.MonthActionSerializer, responses=s.MonthActionResultSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, month=None):
        return self._step(request, month, "confirm", services.report_confirm)

    @extend_schema(summary="市专班审核", request=s.MonthActionSerializer, responses=s.MonthActionResultSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, month=None):
        return self._step(request, month, "approve", services.report_approve)

    @extend_schema(summary="退回为草稿（须填原因，须指定报告）", request=s.MonthActionSerializer, responses=s.MonthActionResultSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_reports(self, request, month=None):
        return self._step(request, month, "return", services.report_return)

    @extend_schema(summary="省专班锁定月份", request=s.MonthActionSerializer, responses={201: s.MonthSummarySerializer})
    @action(detail=True, methods=["post"])
    def lock(self, request, month=None):
        data = s.MonthActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.month_lock(
            user=request.user, month=_month_or_404(month), reason=data.validated_data["reason"],
            force=data.validated_data["force"],
        )
        response = self.retrieve(request, month=month)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(summary="省专班为某县开通锁定例外", request=s.LockExceptionInputSerializer, responses={201: s.MonthSummarySerializer})
    @action(detail=True, methods=["post"])
    def exception(self, request, month=None):
        data = s.LockExceptionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.lock_exception_grant(user=request.user, month=_month_or_404(month), **data.validated_data)
        response = self.retrieve(request, month=month)
        response.status_code = status.HTTP_201_CREATED
        return response
