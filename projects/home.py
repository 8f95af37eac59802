"""The projects' card on the home page."""
from django.urls import reverse

from .models import Project
from .selectors import figures_month, figures_rollup


def projects_card(user):
    month = figures_month()
    totals = figures_rollup(Project.objects.for_user(user), by="province", month=month)
    rate = totals["completion_rate"]
    start = totals["start_rate"]
    return {
        "value": f"{rate:.1f}%" if rate is not None else "—",
        "url": reverse("project-list"),
        "note": (
            f"{month.year}年1–{month.month}月，{totals['project_count']} 个项目完成投资 "
            f"{totals['completed_year'] / 10000:.2f} 亿元；新开工率 {f'{start:.1f}%' if start is not None else '—'}；"
            f"{month.month}月未报 {totals['missing']} 个"
        ),
    }
