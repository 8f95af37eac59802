"""County staff fill in and submit one month's progress for every project of their jurisdiction."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from registry.models import Role
from registry.periods import PeriodLocked, add_months, current_month, is_locked, reporting_window

from .. import selectors, services
from ..forms import ReportRowFormSet
from ..models import COUNTED_STATUSES, REPORTING_STAGES, LockException, MonthlyReport, Project, ReportStatus
from .common import error_text, month_param


class MonthlyReportView(LoginRequiredMixin, View):
    """County staff's page: every project of their jurisdiction for one month in one form."""

    template_name = "projects/monthly_report.html"

    def _default_month(self):
        # The month being reported is the one just finished.
        return add_months(current_month(), -1)

    def _projects(self, month):
        counted_before = (
            MonthlyReport.objects.filter(
                project=OuterRef("pk"), status__in=COUNTED_STATUSES, month__gte=month.replace(month=1), month__lt=month
            ).order_by().values("project").annotate(total=Sum("completed")).values("total")
        )
        # Projects owing a report this month, and any that already have one (a project finished since).
        reported = MonthlyReport.objects.filter(month=month).values("project_id")
        return list(
            Project.objects.for_user(self.request.user)
            .filter(Q(stage__in=REPORTING_STAGES) | Q(pk__in=reported))
            .select_related("category")
            .annotate(completed_before=Coalesce(Subquery(counted_before), selectors.ZERO))
            .prefetch_related(
                Prefetch("reports", MonthlyReport.objects.filter(month=month).select_related("submitted_by"), to_attr="month_reports")
            )
            .order_by("code")
        )

    def _editable(self, report):
        if report is None or report.status == ReportStatus.DRAFT:
            return True
        return report.status == ReportStatus.SUBMITTED and report.submitted_by_id == self.request.user.pk

    def _context(self, month, projects, formset):
        forms_by_project = {int(f["project"].value()): f for f in formset}
        rows = []
        for project in projects:
            report = project.month_reports[0] if project.month_reports else None
            rows.append({"project": project, "report": report, "form": forms_by_project.get(project.pk), "editable": self._editable(report)})
        own_exception = LockException.objects.filter(month=month, county=self.request.user.division).exists()
        return {
            "month": month, "rows": rows, "formset": formset, "window": reporting_window(month),
            "locked": is_locked(month) and not own_exception,
        }

    def _formset(self, projects, data=None):
        initial = []
        for project in projects:
            report = project.month_reports[0] if project.month_reports else None
            if not self._editable(report):
                continue
            row = {"project": project.pk, "actual_start": project.actual_start}
            if report is not None:
                row.update({name: getattr(report, name) for name in services.REPORT_FIELDS})
            initial.append(row)
        return ReportRowFormSet(data, initial=initial, prefix="rows")

    def _check_role(self):
        if not (self.request.user.is_superuser or self.request.user.role == Role.COUNTY_STAFF):
            raise PermissionDenied("月度进度由县乡工作人员填报。")

    def get(self, request):
        self._check_role()
        month = month_param(request, self._default_month())
        projects = self._projects(month)
        return render(request, self.template_name, self._context(month, projects, self._formset(projects)))

    def post(self, request):
        self._check_role()
        month = month_param(request, self._default_month())
        projects = self._projects(month)
        by_pk = {p.pk: p for p in projects}
        formset = self._formset(projects, request.POST)
        if formset.is_valid():
            entries = [
                services.ReportEntry(
                    project=by_pk[f.cleaned_data["project"]], completed=f.cleaned_data["completed"],
                    **{n: f.cleaned_data[n] for n in ("progress", "problems", "note", "actual_start")},
                )
                for f in formset
                if f.cleaned_data.get("project") in by_pk and f.cleaned_data.get("completed") is not None
            ]
            try:
                if entries:
                    services.report_save_draft(user=request.user, month=month, entries=entries)
                if "submit" in request.POST:
                    drafts = list(selectors.reports_awaiting(request.user, month=month, step="submit").filter(project_id__in=by_pk))
                    if drafts:
                        services.report_submit(user=request.user, reports=drafts)
                    messages.success(request, f"已提交 {len(drafts)} 个项目的 {month.year}年{month.month}月进度。")
                else:
                    messages.success(request, f"已保存 {len(entries)} 个项目的草稿。")
                return HttpResponseRedirect(f"{reverse('project-monthly-report')}?month={month:%Y-%m}")
            except PeriodLocked as exc:
                messages.error(request, str(exc))
            except services.ReportEntriesInvalid as exc:
                forms_by_project = {f.cleaned_data["project"]: f for f in formset}
                for project_id, errors in exc.by_project.items():
                    for name, msgs in errors.items():
                        forms_by_project[project_id].add_error(name, msgs)
                messages.error(request, "部分项目填写有误，请按提示修改后再保存，本次未保存任何数据。")
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, error_text(exc) if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.error(request, "部分项目填写有误，请按提示修改。")
        return render(request, self.template_name, self._context(month, projects, formset))
