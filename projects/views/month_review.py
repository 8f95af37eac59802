"""Clerks confirm, approve or return the month's submitted reports; the province sees who still owes one."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from registry.models import DivisionLevel
from registry.periods import PeriodLocked, add_months, current_month, is_locked

from .. import selectors, services
from ..forms import ReasonForm
from ..models import MonthlyReport, Project
from .common import error_text, month_param


class MonthReviewView(LoginRequiredMixin, View):
    """County clerks confirm submitted reports; city clerks approve confirmed ones; both can return.
    Province clerks see the month's progress and which counties still owe reports."""

    template_name = "projects/month_review.html"

    def _step(self):
        user = self.request.user
        level = DivisionLevel.PROVINCE if user.is_superuser else (user.division.level if user.is_clerk and user.division else None)
        if level == DivisionLevel.COUNTY:
            return "confirm", services.report_confirm
        if level == DivisionLevel.CITY:
            return "approve", services.report_approve
        if level == DivisionLevel.PROVINCE:
            return "overview", None
        raise PermissionDenied("月度审核由专班工作人员办理。")

    def _context(self, month, step, reason_form):
        user = self.request.user
        return {
            "month": month, "step": step, "reason_form": reason_form, "locked": is_locked(month),
            "reports": selectors.reports_awaiting(user, month=month, step=step) if step != "overview" else [],
            "missing": selectors.missing_reports_by_county(Project.objects.for_user(user), month=month) if step == "overview" else [],
            "counts": selectors.month_status_counts(user, month=month),
        }

    def get(self, request):
        step, _ = self._step()
        month = month_param(request, add_months(current_month(), -1))
        return render(request, self.template_name, self._context(month, step, ReasonForm()))

    def post(self, request):
        step, service = self._step()
        if service is None:
            raise PermissionDenied("省专班在此查看进度；确认和审核由县、市专班办理。")
        month = month_param(request, add_months(current_month(), -1))
        ids = [int(v) for v in request.POST.getlist("reports") if v.isdigit()]
        reports = list(MonthlyReport.objects.for_user(request.user).filter(month=month, pk__in=ids))
        reason_form = ReasonForm(request.POST)
        reason_form.is_valid()
        try:
            if not reports:
                raise ValidationError("请至少勾选一个报告。")
            if "return" in request.POST:
                services.report_return(user=request.user, reports=reports, reason=reason_form.cleaned_data.get("reason", ""))
                messages.success(request, f"已退回 {len(reports)} 个报告。")
            else:
                service(user=request.user, reports=reports)
                messages.success(request, f"已{'确认' if step == 'confirm' else '审核'} {len(reports)} 个报告。")
            return HttpResponseRedirect(f"{reverse('project-month-review')}?month={month:%Y-%m}")
        except PeriodLocked as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return render(request, self.template_name, self._context(month, step, reason_form))
