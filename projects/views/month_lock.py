"""Month locks: which months are locked, locking a finished month, and one county's exception."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.views import View

from registry.models import DivisionLevel
from registry.periods import add_months, current_month, parse_month

from .. import services
from ..forms import LockExceptionForm
from ..models import LockException, MonthlyReport, PeriodLock, ReportStatus
from .common import error_text


class MonthLockView(LoginRequiredMixin, View):
    """Which months are locked, for every clerk; the province clerk locks finished months and grants
    exceptions for one county and month (the services refuse anyone else)."""

    template_name = "projects/month_lock.html"

    def _context(self, exception_form):
        user = self.request.user
        months = [add_months(current_month(), -i) for i in range(1, 13)]
        locks = {lock.month: lock for lock in PeriodLock.objects.filter(month__in=months).select_related("locked_by")}
        counts = {
            (row["month"], row["status"]): row["n"]
            for row in MonthlyReport.objects.for_user(user).filter(month__in=months).order_by()
            .values("month", "status").annotate(n=Count("pk"))
        }
        rows = [
            {"month": m, "lock": locks.get(m), **{s.value: counts.get((m, s.value), 0) for s in ReportStatus}}
            for m in months
        ]
        exceptions = LockException.objects.for_user(user).select_related("county", "granted_by").order_by("-granted_at")[:50]
        return {
            "rows": rows, "exception_form": exception_form, "exceptions": exceptions,
            "locked_months": sorted(locks, reverse=True),
            "can_lock": user.is_superuser or (user.division is not None and user.division.level == DivisionLevel.PROVINCE and user.is_clerk),
        }

    def get(self, request):
        if not (request.user.is_superuser or request.user.is_clerk):
            raise PermissionDenied("月份锁定情况供专班工作人员查看。")
        return render(request, self.template_name, self._context(LockExceptionForm()))

    def post(self, request):
        exception_form = LockExceptionForm(request.POST if "grant" in request.POST else None)
        try:
            month = parse_month(request.POST.get("month", ""))
            if "grant" in request.POST:
                if exception_form.is_valid():
                    services.lock_exception_grant(user=request.user, month=month, **exception_form.cleaned_data)
                    messages.success(request, f"已为{exception_form.cleaned_data['county'].name}开通{month.year}年{month.month}月的锁定例外。")
                    return redirect("project-month-lock")
            else:
                services.month_lock(
                    user=request.user, month=month, reason=request.POST.get("reason", ""), force=request.POST.get("force") == "1",
                )
                messages.success(request, f"{month.year}年{month.month}月已锁定。")
                return redirect("project-month-lock")
        except ValueError:
            messages.error(request, "请选择月份。")
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return render(request, self.template_name, self._context(exception_form))
