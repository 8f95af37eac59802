from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from cases.models import CaseCategory
from projects.periods import add_months, parse_month
from registry.models import Division, DivisionLevel
from registry.scoping import get_for_user_or_404

from . import bulletins, cache, selectors
from .models import Bulletin, BulletinStatus, Dimension, MonthlySnapshot

SORT_CHOICES = [
    ("", "按地区代码"), ("-closure_rate", "销号率从高到低"), ("closure_rate", "销号率从低到高"),
    ("-on_time_rate", "按期销号率从高到低"), ("-overdue", "逾期从多到少"), ("-dispatched", "交办从多到少"),
    ("-investment_rate", "投资完成率从高到低"), ("schedule_gap", "序时进度差距从大到小"),
]


def _board_user(request):
    selectors.require_board_user(request.user)
    return request.user


def filters_from(request, user) -> selectors.BoardFilters:
    return selectors.filters_from_params(user, request.GET)


def _divisions_to_choose(own) -> list[dict]:
    divisions = Division.objects.within(own).filter(level__in=(DivisionLevel.CITY, DivisionLevel.COUNTY), level__gte=own.level)
    return list(divisions.order_by("code").values("code", "name", "level"))


def _choices(user, f):
    own = selectors.jurisdiction(user)
    months = [add_months(f.month, -i) for i in range(-1, 24)]
    record_types = (
        MonthlySnapshot.objects.filter(month=f.month, dimension=Dimension.RECORD_TYPE, level=DivisionLevel.PROVINCE)
        .values_list("dimension_value", "dimension_label")
        .order_by("dimension_value")
    )
    return {
        "own": own,
        # Reference data, the same for every request: cached until a division or category changes.
        "divisions": cache.cached("divisions", ["reference"], (own.key,), lambda: _divisions_to_choose(own),
                                  cache.REFERENCE_SECONDS),
        "months": months,
        "categories": cache.cached("categories", ["reference"], (), lambda: list(CaseCategory.objects.values_list("pk", "name")),
                                   cache.REFERENCE_SECONDS),
        "record_types": list(record_types),
        "sorts": SORT_CHOICES,
    }


def _chart_data(points) -> dict:
    return {
        "months": [f"{p['month'].year}年{p['month'].month}月" for p in points],
        "dispatched": [p["dispatched"] for p in points],
        "closed": [p["closed"] for p in points],
        "overdue": [p["overdue_at_end"] for p in points],
        "investment_rate": [p["investment_rate"] for p in points],
        "schedule_share": [p["schedule_share"] for p in points],
    }


@login_required
@require_GET
def board_view(request):
    user = _board_user(request)
    f = filters_from(request, user)
    sort = request.GET.get("sort", "")
    data = selectors.board(user, f, sort=sort)
    query = request.GET.copy()
    query.pop("sort", None)
    context = {
        **data,
        **_choices(user, f),
        "sort": sort,
        "querystring": query.urlencode(),
        "chart_json": _chart_data(data["trend"]),
        "bulletin": selectors.latest_bulletin(user, f),
    }
    return render(request, "rollups/board.html", context)


@login_required
@require_POST
def bulletin_request_view(request):
    user = _board_user(request)
    try:
        month = parse_month(request.POST.get("month", ""))
    except ValueError:
        raise Http404("月份格式应为 YYYY-MM")
    division = get_for_user_or_404(Division.objects.all(), user, code=request.POST.get("division", ""))
    try:
        bulletin = bulletins.bulletin_request(month=month, division=division, by=user)
    except ValidationError as exc:
        return render(request, "rollups/_bulletin.html", {"bulletin": None, "error": "；".join(exc.messages)}, status=400)
    bulletin.refresh_from_db()
    return render(request, "rollups/_bulletin.html", {"bulletin": bulletin})


@login_required
@require_GET
def bulletin_status_view(request, pk):
    bulletin = get_for_user_or_404(Bulletin.objects.select_related("division"), request.user, pk=pk)
    return render(request, "rollups/_bulletin.html", {"bulletin": bulletin})


@login_required
@require_GET
def bulletin_download_view(request, pk, kind):
    return bulletin_file_response(request.user, pk, kind)


def bulletin_file_response(user, pk, kind):
    """The stored file as an attachment, for a user whose jurisdiction covers the bulletin (else 404)."""
    bulletin = get_for_user_or_404(Bulletin.objects.select_related("division"), user, pk=pk)
    if kind not in ("docx", "xlsx") or bulletin.status != BulletinStatus.DONE:
        raise Http404("通报尚未生成")
    field = getattr(bulletin, kind)
    content_type = {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[kind]
    return FileResponse(field.open("rb"), as_attachment=True, filename=bulletins.filename(bulletin, kind), content_type=content_type)

