"""What is done to one monthly report from the project page: its problems to a case, its attachments."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect
from django.views import View

from registry.periods import PeriodLocked
from registry.scoping import get_for_user_or_404

from .. import services
from ..models import MonthlyReport, ReportAttachment
from .common import error_text


class ReportToCaseView(LoginRequiredMixin, View):
    """One click: the problems of a monthly report become a case (交办事项)."""

    def post(self, request, pk):
        report = get_for_user_or_404(MonthlyReport, request.user, pk=pk)
        try:
            case = services.report_problem_to_case(user=request.user, report=report)
            messages.success(request, f"已转为交办事项（编号 {case.pk}），请到交办事项中交办。")
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("project-detail", pk=report.project_id)


class ReportAttachmentUploadView(LoginRequiredMixin, View):
    def post(self, request, pk):
        report = get_for_user_or_404(MonthlyReport, request.user, pk=pk)
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError("请选择要上传的文件。")
            services.report_attachment_add(user=request.user, report=report, file=upload)
            messages.success(request, f"已上传附件“{upload.name}”。")
        except PeriodLocked as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("project-detail", pk=report.project_id)


def report_attachment_download(request, pk):
    """Files are served only to users whose jurisdiction holds the report, never from a public URL."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    attachment = get_for_user_or_404(ReportAttachment, request.user, pk=pk)
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
