"""The 指数看板 page and the compute / publish actions (province clerks)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import board, periods, services
from .catalogue import DEMO_NOTICE
from .models import CountyEvaluation


@login_required
def board_view(request):
    query = board.default_query(request.user, request.GET)
    context = board.board_context(request.user, query)
    version = context["version"]
    context.update(
        demo_notice=DEMO_NOTICE if version is not None and version.is_demonstration else "",
        can_publish=services.may_publish(request.user),
        evaluation_url=_evaluation_url(request.user, query, context["detail"]),
    )
    return render(request, "monitoring/board.html", context)


def _evaluation_url(user, query, detail) -> str:
    """The selected county's annual evaluation for the board's year, when one exists and the user may read it."""
    if detail is None or detail["division"].level != 3:
        return ""
    year, _ = periods.split(query.period)
    found = CountyEvaluation.objects.for_user(user).filter(year__year=year, division=detail["division"]).exists()
    return reverse("monitoring:county-evaluation-docx", args=[year, detail["division"].code]) if found else ""


def _back(period: str):
    """Back to the board on the period acted on (the latest one if the period was not valid)."""
    try:
        return redirect(f"{reverse('monitoring:board')}?period={periods.parse_period(period)}")
    except ValueError:
        return redirect("monitoring:board")


def _message(error) -> str:
    return "；".join(error.messages) if hasattr(error, "messages") else str(error)


@login_required
@require_POST
def compute_view(request):
    period = request.POST.get("period", "")
    try:
        services.index_request(period=period, by=request.user)
    except PermissionDenied:
        raise
    except (ValidationError, ValueError) as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, "已提交计算，稍后刷新查看结果。")
    return _back(period)


@login_required
@require_POST
def publish_view(request):
    period = request.POST.get("period", "")
    try:
        run = services.index_publish(period=period, by=request.user, reason=request.POST.get("reason", ""))
    except PermissionDenied:
        raise
    except (ValidationError, ValueError) as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, f"已{run.get_kind_display()}（{run.row_count} 个地区，{run.changed_rows} 个结果有变化）。")
    return _back(period)
