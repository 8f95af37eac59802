"""The case API: list, read, log (create), act through the workflow, upload and download evidence."""
from django.http import FileResponse, Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from registry.api.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.scoping import OUT_OF_REACH, get_for_user_or_404, visible_or_404

from .filters import CaseFilter
from .models import Attachment, Case, CaseEvent
from .selectors import case_details, case_list_rows, with_details
from .serializers import (
    ActionInputSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseListSerializer,
    CaseUpdateSerializer,
    EventSerializer,
    case_answer,
    InstructionInputSerializer,
)
from .instructions import instruction_create
from .services import attachment_upload, case_create, case_update, perform_action

TAG = "交办事项"


class CaseCursorPagination(CursorPagination):
    # Keyset on the primary key: page 2,000 costs what page 1 costs on 100k cases.
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary="交办事项列表"),
    retrieve=extend_schema(tags=[TAG], summary="交办事项详情（含当前用户可执行的操作）"),
    create=extend_schema(tags=[TAG], summary="登记交办事项", request=CaseCreateSerializer, responses={201: CaseDetailSerializer}),
    partial_update=extend_schema(
        tags=[TAG],
        summary="修改事项信息（须带版本号）",
        request=CaseUpdateSerializer,
        responses={200: CaseDetailSerializer, 409: OpenApiResponse(description="版本已过期")},
    ),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    filter_backends = [DjangoFilterBackend]
    filterset_class = CaseFilter
    pagination_class = CaseCursorPagination
    # Actions that need the case row only (its existence within the jurisdiction, its id).
    ROW_ONLY = frozenset({"partial_update", "actions", "attachments", "events", "instructions"})

    def get_queryset(self):
        if self.action == "list":
            return Case.objects.all()  # filtered, then scoped, by filter_queryset
        return Case.objects.for_user(self.request.user)

    def get_object(self):
        # One case is judged on its own (scoping.get_for_user_or_404), not looked up in the union of
        # the user's cases. Writes need the row only: the services read and lock it again and the
        # answer is read with _detail; the detail query's ten-table join here cost more than the write.
        queryset = Case.objects.all() if self.action in self.ROW_ONLY else case_details()
        case = get_for_user_or_404(queryset, self.request.user, pk=self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        self.check_object_permissions(self.request, case)
        return case

    def get_serializer_class(self):
        return {
            "list": CaseListSerializer,
            "create": CaseCreateSerializer,
            "partial_update": CaseUpdateSerializer,
            "events": EventSerializer,
            "actions": ActionInputSerializer,
            "attachments": AttachmentUploadSerializer,
            "instructions": InstructionInputSerializer,
        }.get(self.action, CaseDetailSerializer)

    def filter_queryset(self, queryset):
        # A single case is found by its id alone (building the filter form for every write cost as
        # much as its lookup). The list's filters are applied to all cases first and the user's
        # jurisdiction after, with those filters inside each of its branches (scoping.for_user).
        if self.action != "list":
            return queryset
        return case_list_rows(user=self.request.user, cases=super().filter_queryset(queryset))

    def _detail(self, case, status_code=status.HTTP_200_OK):
        case = get_for_user_or_404(case_details(), self.request.user, pk=case.pk)
        return Response(CaseDetailSerializer(case, context=self.get_serializer_context()).data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = CaseCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        case = case_create(by=request.user, refuse_repeat=True, **serializer.validated_data)
        return self._detail(case, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        case = self.get_object()
        serializer = CaseUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "version" not in data:
            raise ValidationError({"version": "请提供版本号。"})
        case = case_update(case=case, by=request.user, version=data.pop("version"), **data)
        return self._detail(case)

    @extend_schema(tags=[TAG], summary="办理记录（时间轴）", responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request, pk=None):
        case = self.get_object()
        events = CaseEvent.objects.filter(case=case).select_related("actor", "actor_unit").prefetch_related("attachments")
        return Response(EventSerializer(events, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="执行操作（交办、签收、反馈、销号……）",
        request=ActionInputSerializer,
        responses={
            200: CaseDetailSerializer,
            400: OpenApiResponse(description="操作不允许或输入有误"),
            404: OpenApiResponse(description="不存在或不在管辖范围内"),
            409: OpenApiResponse(description="版本已过期"),
        },
    )
    @action(detail=True, methods=["post"])
    def actions(self, request, pk=None):
        serializer = ActionInputSerializer(data=request.data)
        if not serializer.is_valid():
            self.get_object()  # a case out of reach is the 404 before any word about the input
            raise ValidationError(serializer.errors)
        data = dict(serializer.validated_data)
        # Not read here: the service reads the case under its lock and judges it for the user there
        # (the same 404); reading it first as well cost a query and its compilation per action.
        case = perform_action(case=_case_ref(pk), action=data.pop("action"), by=request.user,
                              version=data.pop("version"), **data)
        # Answered from the case the service wrote (re-reading it was half of an action's work), still
        # only while the user may see it.
        visible_or_404(request.user, case)
        return Response(case_answer(with_details(case), request.user))

    @extend_schema(
        tags=[TAG], summary="领导批示（记入办理记录并通知责任专班和责任单位）", request=InstructionInputSerializer,
        responses={201: EventSerializer, 400: OpenApiResponse(description="非领导或批示内容为空"),
                   404: OpenApiResponse(description="不存在或不在管辖范围内")},
    )
    @action(detail=True, methods=["post"])
    def instructions(self, request, pk=None):
        case = self.get_object()
        serializer = InstructionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = instruction_create(case=case, by=request.user, text=serializer.validated_data["text"])
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=[TAG], summary="上传佐证材料", request=AttachmentUploadSerializer, responses={201: AttachmentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        case = self.get_object()
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = attachment_upload(case=case, by=request.user, file=serializer.validated_data["file"])
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


def _case_ref(pk) -> Case:
    """The case named in the URL, by id only (the services read and judge it)."""
    try:
        return Case(pk=int(pk))
    except (TypeError, ValueError):
        raise Http404(OUT_OF_REACH) from None


class AttachmentDownloadView(APIView):
    """Evidence is always downloaded, never rendered: the browser gets it as an attachment."""

    @extend_schema(tags=[TAG], summary="下载佐证材料", responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        attachment = get_for_user_or_404(Attachment, request.user, pk=pk)
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["X-Content-Type-Options"] = "nosniff"
        return response

