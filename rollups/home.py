"""The home page's card of the board: the running month so far, counted live (rollups.running), with
至今逾期 and the 序时差 the board, the project list and the bulletin show."""
from django.urls import reverse

from registry.periods import current_month

from . import running
from .links import case_list_url
from .selectors import board_filters, jurisdiction


def home_card(user) -> dict:
    division = jurisdiction(user)
    if division is None:
        return {"value": "—", "url": reverse("rollups:board"), "note": "无可查看的地区"}
    month = current_month()
    figures = running.division_figures(division, month)
    gap = figures.get("schedule_gap")
    note = f"至今逾期 {figures['overdue_at_end']} 件"
    if gap is not None:
        note += f"；投资序时差 {gap:.2f} 个百分点（序时进度 {figures['schedule_share']:.2f}%）"
    return {
        "value": f"交办 {figures['dispatched']} / 销号 {figures['closed']}",
        "url": reverse("rollups:board"),
        "note": note,
        "overdue_url": case_list_url(board_filters(user, month=month), overdue="true"),
        "schedule_gap": gap,
        "overdue": figures["overdue_at_end"],
    }
