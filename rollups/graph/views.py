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


def _page(template: str, read, *, board_only=False):
    """A GET page: `read(request, month, **url kwargs)` → the template's context."""

    @login_required
    @require_GET
    def view(request, **kwargs):
        if board_only:
            require_board_user(request.user)
        return render(request, f"rollups/graph/{template}", read(request, selectors.month_from(request.GET), **kwargs))

    return view


axis_view = _page("axis.html", lambda request, month, pk: selectors.axis_page(request.user, pk, month))
town_view = _page("town.html", lambda request, month, pk: selectors.town_page(request.user, pk, month))
cluster_view = _page("cluster.html", lambda request, month, pk: selectors.cluster_page(request.user, pk, month))
town_dashboard_view = _page("towns.html", lambda request, month: {
    **selectors.town_dashboard(request.user, month, request.GET.get("sort", "")), "sort_labels": SORT_LABELS,
})
structure_board_view = _page("board.html", lambda request, month: selectors.structure_board(
    request.user, month, request.GET.get("county", "").strip(),
), board_only=True)
