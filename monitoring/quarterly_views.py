"""The 季度重点指标 page (the quarterly consultation works from it) and its report downloads."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from registry import outbox
from registry.models import Division

from . import catalogue, periods, quarterly, tasks
from .models import QuarterlyReport
from .services import may_publish, require_reader



def _default_quarter() -> str:
    today = timezone.localdate()
    quarter = (today.month - 1) // 3  # the last finished quarter
    return f"{today.year - 1}Q4" if quarter == 0 else f"{today.year}Q{quarter}"


@login_required
def quarterly_view(request):
    require_reader(request.user, "季度重点指标")
    try:
        period = periods.parse_period(request.GET.get("period") or _default_quarter())
    except ValueError:
        raise Http404("期别无效")
    if not periods.is_quarter(period):
        raise Http404("请选择季度")
    level_name = request.GET.get("level", "county")
    if level_name not in quarterly.LEVELS:
        raise Http404("层级无效")
    table = quarterly.progress(period, Division.objects.for_user(request.user).filter(level=quarterly.LEVELS[level_name]))
    chosen = next((i for i in table["indicators"] if i.code == request.GET.get("indicator")),
                  table["indicators"][0] if table["indicators"] else None)
    version = catalogue.version_for(period)
    return render(request, "monitoring/quarterly.html", {
        "period": period, "period_label": periods.label(period), "level": level_name, "summary": quarterly.summary(table),
        "indicator": chosen, "rows": table["rows"].get(chosen, []),
        "reports": QuarterlyReport.objects.filter(period=period)[:5] if request.user.sees_everything else [],
        "can_generate": may_publish(request.user),
        "demo_notice": catalogue.DEMO_NOTICE if version is not None and version.is_demonstration else "",
    })


@login_required
@require_POST
def quarterly_generate_view(request):
    if not may_publish(request.user):
        raise PermissionDenied("只有省专班工作人员可以生成季度报告。")
    try:
        period = periods.parse_period(request.POST.get("period", ""))
    except ValueError:
        raise Http404("期别无效")
    outbox.enqueue(tasks.quarterly_report, period, request.user.pk)
    return redirect(f"/monitoring/quarterly/?period={period}")


@login_required
def quarterly_download_view(request, pk: int, kind: str):
    """Province-wide reports: for the province's task force (others read the page for their area)."""
    require_reader(request.user, "季度重点指标")
    if not request.user.sees_everything or kind not in ("docx", "xlsx"):
        raise Http404("对象不存在或不在您的管辖范围内")
    report = get_object_or_404(QuarterlyReport, pk=pk)
    field = getattr(report, kind)
    if not field:
        raise Http404("文件尚未生成")
    name = f"{periods.label(report.period)}重点指标进展情况（第{report.version}版）.{kind}"
    return FileResponse(field.open("rb"), as_attachment=True, filename=name)
