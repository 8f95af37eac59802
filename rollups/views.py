"""The board page (调度看板) and bulletin downloads."""
from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from cases.models import CaseCategory
from registry.periods import add_months, parse_month
from projects.selectors import schedule_share
from registry.generations import cached
from registry.models import Division, DivisionLevel
from registry.scoping import get_for_user_or_404

from . import bulletins, cache, selectors, services
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


def _options(choices, selected) -> str:
    """A select's <option>s built in Python: through the template engine the province's 101 divisions
    and 25 months cost more than the rest of the board, and format_html_join's per-value escaping
    machinery still took a tenth of it. Escaped as format_html escapes."""
    selected = str(selected)
    return mark_safe("".join(
        f'<option value="{escape(str(value))}"{" selected" if str(value) == selected else ""}>{escape(str(label))}</option>'
        for value, label in choices
    ))


def _choices(user, f):
    own = selectors.jurisdiction(user)
    months = [add_months(f.month, -i) for i in range(-1, 24)]
    record_types = (
        MonthlySnapshot.objects.filter(month=f.month, dimension=Dimension.RECORD_TYPE, level=DivisionLevel.PROVINCE)
        .values_list("dimension_value", "dimension_label")
        .order_by("dimension_value")
    )
    # Reference data, the same for every request: cached until a division or category changes.
    divisions = cached("divisions", ["reference"], (own.key,), lambda: _divisions_to_choose(own), cache.REFERENCE_SECONDS)
    categories = cached("categories", ["reference"], (), lambda: list(CaseCategory.objects.values_list("pk", "name")),
                        cache.REFERENCE_SECONDS)
    return {
        "own": own,
        "month_options": _options([(f"{m:%Y-%m}", f"{m.year}年{m.month}月") for m in months], f"{f.month:%Y-%m}"),
        "division_options": _options(
            [(d["code"], ("　" if d["level"] == DivisionLevel.COUNTY else "") + d["name"]) for d in divisions],
            f.division.code,
        ),
        "category_options": _options(categories, f.category.pk if f.category else ""),
        "record_type_options": _options(list(record_types), f.dimension[1] if f.record_type else ""),
    }


def _chart_data(points, last_month) -> dict:
    """Every month of the window on the axis; a month not rolled up shows as a gap, not as zero."""
    by_month = {p["month"]: p for p in points}
    months = [add_months(last_month, -i) for i in reversed(range(selectors.TREND_MONTHS))]
    if points:
        months = [m for m in months if m >= points[0]["month"]]

    def series(name):
        return [by_month[m][name] if m in by_month else None for m in months]

    return {
        "months": [f"{m.year}年{m.month}月" for m in months],
        "dispatched": series("dispatched"),
        "closed": series("closed"),
        "overdue": series("overdue_at_end"),
        "investment_rate": series("investment_rate"),
        "schedule_share": [schedule_share(m) for m in months],
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
    fill_state, locked = selectors.month_status(f.month)
    context = {
        **data,
        **_choices(user, f),
        "sort": sort,
        "sort_options": _options(SORT_CHOICES, sort),
        "querystring": query.urlencode(),
        "chart_json": _chart_data(data["trend"], f.month),
        "fill_state": fill_state,
        "locked": locked,
        "may_force": services.may_force_rerun(user),
        "bulletin": selectors.latest_bulletin(user, f),
        "bulletins": selectors.bulletin_history(user, f.division),
    }
    return render(request, "rollups/board.html", context)


@login_required
@require_POST
def bulletin_request_view(request):
    user = _board_user(request)
    division = get_for_user_or_404(Division.objects.all(), user, code=request.POST.get("division", ""))
    try:
        month = parse_month(request.POST.get("month", ""))
        bulletin = bulletins.bulletin_request(month=month, division=division, by=user)
    except (ValueError, ValidationError) as exc:
        message = "；".join(exc.messages) if isinstance(exc, ValidationError) else "月份格式应为 YYYY-MM。"
        # htmx swaps only successful responses: the refusal is shown in the panel it replaces.
        return _bulletin_panel(request, user, division, None, error=message)
    bulletin.refresh_from_db()
    return _bulletin_panel(request, user, division, bulletin)


def _bulletin_panel(request, user, division, bulletin, *, error=None):
    """The board's bulletin panel: the latest request's state and the division's earlier bulletins."""
    context = {"bulletin": bulletin, "bulletins": selectors.bulletin_history(user, division), "error": error}
    return render(request, "rollups/_bulletin.html", context)


@login_required
@require_GET
def bulletin_status_view(request, pk):
    bulletin = get_for_user_or_404(Bulletin.objects.select_related("division"), request.user, pk=pk)
    return _bulletin_panel(request, request.user, bulletin.division, bulletin)


@login_required
@require_GET
def bulletin_download_view(request, pk, kind):
    return bulletin_file_response(request.user, pk, kind)


def bulletin_file_response(user, pk, kind):
    """The stored file as an attachment, for a user whose jurisdiction covers the bulletin (else 404)."""
    bulletin = get_for_user_or_404(Bulletin.objects.select_related("division"), user, pk=pk)
    if kind not in ("docx", "xlsx") or bulletin.status != BulletinStatus.DONE:
        raise Http404("调度通报尚未生成")
    field = getattr(bulletin, kind)
    content_type = {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[kind]
    return FileResponse(field.open("rb"), as_attachment=True, filename=bulletins.filename(bulletin, kind), content_type=content_type)



@login_required
@require_POST
def rollup_rerun_view(request):
    """A clerk recomputes a month from the board (a locked one only when forced, with a reason)."""
    user = _board_user(request)
    back = request.POST.get("next") or reverse("rollups:board")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("rollups:board")
    try:
        month = parse_month(request.POST.get("month", ""))
        services.rollup_request(
            month=month, by=user, force=request.POST.get("force") == "1", reason=request.POST.get("reason", "")
        )
    except (ValueError, ValidationError) as exc:
        messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else "月份格式应为 YYYY-MM。")
    else:
        messages.success(request, f"已提交{month.year}年{month.month}月的重新统计，完成后刷新本页即可看到。")
    return redirect(back)
