"""Pages of the structure roll-up: the axis, the central-town dashboard, a town, a cluster and the
board's 按台账结构 tab. Views read the selectors and render; no figure is computed here."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rollups.selectors import require_board_user

from . import selectors

SORT_LABELS = [
    ("", "按地区"), ("track", "按发展类型"), ("completion", "完成率从高到低"), ("-completion", "完成率从低到高"),
    ("gap", "序时差从落后到领先"), ("-gap", "序时差从领先到落后"), ("projects", "项目数从多到少"),
]


@login_required
@require_GET
def axis_view(request, pk):
    data = selectors.axis_page(request.user, pk, selectors.month_from(request.GET))
    return render(request, "rollups/graph/axis.html", data)


@login_required
@require_GET
def town_dashboard_view(request):
    data = selectors.town_dashboard(request.user, selectors.month_from(request.GET), request.GET.get("sort", ""))
    return render(request, "rollups/graph/towns.html", {**data, "sort_labels": SORT_LABELS})


@login_required
@require_GET
def town_view(request, pk):
    data = selectors.town_page(request.user, pk, selectors.month_from(request.GET))
    return render(request, "rollups/graph/town.html", data)


@login_required
@require_GET
def cluster_view(request, pk):
    data = selectors.cluster_page(request.user, pk, selectors.month_from(request.GET))
    return render(request, "rollups/graph/cluster.html", data)


@login_required
@require_GET
def structure_board_view(request):
    require_board_user(request.user)
    data = selectors.structure_board(request.user, selectors.month_from(request.GET), request.GET.get("county", "").strip())
    return render(request, "rollups/graph/board.html", data)
