"""Django and DRF glue: template download, filtered export and import pages, and an API upload view.

Each is configured by class attributes; subclasses only name their spec (and, for imports, an
``apply(self, rows, user)`` method). By default only clerks may use them (override
``allowed(self, user)``); anyone else gets a 403, as for every page a role may not use.
"""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import TemplateView, View
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from registry.api.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.views import ScopedListView

from .importer import ImportReport, run_import
from .safety import limit
from .writer import build_template, export_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_YOUR_ROLE = "您的角色不能使用此 Excel 功能。"
EXPORT_CHUNK = 2000


def may_use_excel(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.is_clerk)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


class ExcelAccessMixin(LoginRequiredMixin):
    spec = None

    def allowed(self, user) -> bool:
        """Who may use this sheet's pages (default: clerks). Override, e.g. for county staff reports."""
        return may_use_excel(user)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.allowed(request.user):
            raise PermissionDenied(NOT_YOUR_ROLE)
        return super().dispatch(request, *args, **kwargs)


class ExcelTemplateView(ExcelAccessMixin, View):
    """GET: the blank template of `spec`."""

    def get(self, request, *args, **kwargs):
        return xlsx_response(build_template(self.spec), f"{self.spec.title}导入模板.xlsx")


class ExcelExportView(ExcelAccessMixin, ScopedListView):
    """GET: the list the user sees (for_user + the list page's filters, same query string) as .xlsx.

    Configure like the list page: ``queryset`` (with select_related for reference columns) and
    ``filterset_class``.
    """

    def get(self, request, *args, **kwargs):
        rows = self.get_queryset().iterator(chunk_size=EXPORT_CHUNK)
        return xlsx_response(export_rows(self.spec, rows), f"{self.spec.title}.xlsx")


class _SizeLimitedUpload(FileUploadHandler):
    """Stops reading an upload as soon as it passes EXCEL_MAX_BYTES, before it reaches disk."""

    def __init__(self, request, max_bytes: int):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.max_bytes:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None

    @property
    def message(self) -> str:
        return f"文件超过单个文件 {self.max_bytes / 1024 / 1024:.1f} MB 的上限，请拆分后分批导入。"


def _guard_upload(request) -> _SizeLimitedUpload:
    guard = _SizeLimitedUpload(request, limit("EXCEL_MAX_BYTES"))
    request.upload_handlers.insert(0, guard)
    return guard


@method_decorator(csrf_exempt, name="dispatch")
class ExcelImportView(ExcelAccessMixin, TemplateView):
    """GET: the upload form. POST (field "file"): run the import, show counts or every row error.

    Subclasses set ``spec``, ``list_url_name`` and ``template_url_name`` and define
    ``apply(self, rows, user) -> UpsertResult``.
    """

    template_name = "excel/import.html"
    list_url_name = ""
    template_url_name = ""

    def apply(self, rows, user):
        raise NotImplementedError(f"{type(self).__name__} must define apply(rows, user)")

    def post(self, request, *args, **kwargs):
        guard = _guard_upload(request)
        # CSRF is checked only now: the middleware would have read the whole body before the guard
        # was installed.
        return csrf_protect(self._upload)(request, guard)

    def _upload(self, request, guard):
        upload = request.FILES.get("file")
        if guard.exceeded:
            report = ImportReport(file_error=guard.message)
        elif upload is None:
            report = ImportReport(file_error="请选择要导入的 Excel 文件（.xlsx）。")
        else:
            report = run_import(self.spec, upload, request.user, apply=self.apply)
        status_code = 200 if report.ok else 400
        return self.render_to_response(self.get_context_data(report=report, filename=getattr(upload, "name", "")),
                                       status=status_code)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            spec=self.spec,
            list_url=reverse(self.list_url_name) if self.list_url_name else "",
            template_url=reverse(self.template_url_name) if self.template_url_name else "",
            max_rows=self.spec.max_rows,
            max_megabytes=limit("EXCEL_MAX_BYTES") // (1024 * 1024),
        )
        return ctx


class ExcelAllowed(permissions.BasePermission):
    """The view's ``allowed(user)``: a 403, like the pages, for a role that may not use the sheet."""

    message = NOT_YOUR_ROLE

    def has_permission(self, request, view):
        return view.allowed(request.user)


def report_response(report: ImportReport) -> Response:
    """The import outcome as JSON: 200 with counts, or the structured error with a `rows` list."""
    if report.ok:
        return Response({k: v for k, v in report.as_dict().items() if k not in ("file_error", "rows")})
    code = "invalid_file" if report.file_error else "invalid_rows"
    body = {"code": code, "message": report.summary, "status": status.HTTP_400_BAD_REQUEST,
            "rows": [e.as_dict() for e in report.errors]}
    return Response({"error": body}, status=status.HTTP_400_BAD_REQUEST)


_RESULT = inline_serializer("ExcelImportResult", {
    "ok": serializers.BooleanField(), "message": serializers.CharField(), "row_count": serializers.IntegerField(),
    "created": serializers.IntegerField(), "updated": serializers.IntegerField(),
    "unchanged": serializers.IntegerField(),
})
_ROW_ERROR = inline_serializer("ExcelRowError", {
    "row": serializers.IntegerField(help_text="Excel 行号，1 为表头"), "column": serializers.CharField(),
    "message": serializers.CharField(),
}, many=True, required=False)
_ERROR = inline_serializer("ExcelImportError", {
    "error": inline_serializer("ExcelImportErrorBody", {
        # invalid_file / invalid_rows come with `rows`; a request without a file is the API's plain
        # "invalid" error with `fields`.
        "code": serializers.CharField(help_text="invalid_file（文件无法读取）、invalid_rows（行错误，见 rows）或 invalid（请求无效，见 fields）"),
        "message": serializers.CharField(), "status": serializers.IntegerField(), "rows": _ROW_ERROR,
        "fields": serializers.DictField(required=False),
    }),
})
_UPLOAD = inline_serializer("ExcelUpload", {"file": serializers.FileField(help_text=".xlsx 文件")})


class ExcelImportAPIView(APIView):
    """POST multipart "file": the all-or-nothing import as JSON. Subclasses set ``spec`` and define
    ``apply(self, rows, user)``; file it in the schema with
    ``@extend_schema_view(post=extend_schema(tags=[...], operation_id=...))`` on the subclass."""

    spec = None
    parser_classes = [MultiPartParser]
    permission_classes = [permissions.IsAuthenticated, ExcelAllowed]

    def allowed(self, user) -> bool:
        return may_use_excel(user)

    def apply(self, rows, user):
        raise NotImplementedError(f"{type(self).__name__} must define apply(rows, user)")

    def initialize_request(self, request, *args, **kwargs):
        # Before authentication: session authentication checks CSRF, which reads the body.
        self._upload_guard = _guard_upload(request)
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": _UPLOAD},
        responses={200: _RESULT, 400: OpenApiResponse(_ERROR, description="文件或数据有误，未保存任何数据")},
        summary="Excel 导入（全部通过才保存）",
        description="上传 .xlsx 文件（字段 file）。全部行检查通过才保存，返回新增、更新、未变化的条数；"
                    "否则返回每一处错误（rows：行号、列名、原因），不保存任何数据。",
    )
    def post(self, request, *args, **kwargs):
        upload = request.FILES.get("file")
        if self._upload_guard.exceeded:
            report = ImportReport(file_error=self._upload_guard.message)
        elif upload is None:
            report = ImportReport(file_error="请在 file 字段上传 Excel 文件（.xlsx）。")
        else:
            report = run_import(self.spec, upload, request.user, apply=self.apply)
        return report_response(report)
