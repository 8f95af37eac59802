"""The workshops' month page: what the jurisdiction still owes for a month (应报未报), the reports
waiting for the county's confirmation, and the confirm action for task-force clerks. Rules live in
reporting.py; this reads and renders."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from registry.models import Workshop, WorkshopReport, WorkshopReportStatus
from registry.periods import add_months, current_month, is_locked, parse_month, reporting_window

from . import reporting, services


def _month(params):
    try:
        return parse_month(params.get("month") or "")
    except ValueError:
        return add_months(current_month(), -1)


@login_required
@require_http_methods(["GET", "POST"])
def workshop_month_view(request):
    month = _month(request.POST if request.method == "POST" else request.GET)
    waiting = (
        WorkshopReport.objects.for_user(request.user).filter(period=month, status=WorkshopReportStatus.SUBMITTED)
        .select_related("workshop__village", "workshop__county").order_by("workshop__county__code", "workshop__name")
    )
    if request.method == "POST":
        chosen = list(waiting.filter(pk__in=request.POST.getlist("report")))
        try:
            done = services.workshop_reports_confirm(actor=request.user, reports=chosen)
            messages.success(request, f"已确认 {len(done)} 份工坊月度数据。")
        except (ValidationError, PermissionDenied) as refused:
            messages.error(request, "；".join(getattr(refused, "messages", [str(refused)])))
        return redirect(f"{reverse('workshop_month')}?month={month:%Y-%m}")
    missing = reporting.workshops_missing_report(Workshop.objects.for_user(request.user), month=month)
    opens, closes = reporting_window(month)
    return render(request, "registry/deliverables/workshop_month.html", {
        "month": month, "opens": opens, "closes": closes, "locked": is_locked(month),
        "missing": missing.select_related("village", "county").order_by("county__code", "name")[:500],
        "missing_count": missing.count(), "waiting": waiting[:500],
        "can_confirm": request.user.is_superuser or request.user.is_clerk,
    })
