from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import TemplateView

from registry.history import history_for
from registry.links import id_link
from registry.models import DivisionLevel, Role
from registry.scoping import get_for_user_or_404
from registry.views import ScopedListView

from . import selectors, services
from .cache import cached_figures, cached_filter_fields
from .filters import ProjectFilter
from .forms import LockExceptionForm, ProjectForm, ReasonForm, ReportRowFormSet
from .models import (
    COUNTED_STATUSES,
    REPORTING_STAGES,
    LockException,
    MonthlyReport,
    PeriodLock,
    Project,
    ProjectKind,
    ProjectStage,
    ReportAttachment,
    ReportStatus,
)
from registry.periods import (
    PeriodLocked,
    add_months,
    current_month,
    is_locked,
    parse_month,
    reporting_window,
    window_closes,
)
from .records import record_names
from .tables import project_rows_html


def month_param(request, default):
    try:
        return parse_month(request.GET.get("month") or request.POST.get("month") or "")
    except ValueError:
        return default


def _error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


ROLLUP_LABELS = {"county": "按县", "city": "按设区市", "category": "按类别", "record": "按服务的台账记录"}


def _rollup_rows(by: str, rows, user) -> list[dict]:
    """Roll-up rows with a display label; records are named as the user may see them (one query per
    record type), any other by its id only."""
    rows = list(rows)
    fields = {"county": "county__name", "city": "county__parent__name", "category": "category__name"}
    if by == "record":
        keys = [(row["record_links__content_type_id"], row["record_links__object_id"]) for row in rows]
        names = record_names(user, keys)
        for row, key in zip(rows, keys):
            row["label"] = names.get(key, f"#{key[1]}")
        return rows
    for row in rows:
        row["label"] = row[fields[by]]
    return rows


# What a page of the project list shows, read as plain rows with the figures projects_with_figures
# annotates: model instances, floatformat and the display lookups were most of the page.
PROJECT_COLUMNS = (
    "id", "code", "name", "category__name", "county__name", "kind", "stage", "total_investment", "year_plan",
    "completed_year", "month_status",
)


def _fixed(value, places: int) -> str:
    """What the template's floatformat shows (half-up rounding, no negative zero), computed once."""
    if value is None:
        return ""
    rounded = Decimal(repr(value) if isinstance(value, float) else str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return str(abs(rounded) if rounded == 0 else rounded)


def project_table_rows(rows, month) -> list[dict]:
    kinds, stages = dict(ProjectKind.choices), dict(ProjectStage.choices)
    link = id_link("project-detail")
    table = []
    for row in rows:
        # The rates from the two figures read: selecting the annotated rates repeated both subqueries
        # in the SQL once per expression that refers to them.
        figures = selectors.completion_figures(row["year_plan"], row["completed_year"], month)
        table.append({
            **row, "url": link(row["id"]), "kind_label": kinds.get(row["kind"], row["kind"]),
            "stage_label": stages.get(row["stage"], row["stage"]), "total_investment": _fixed(row["total_investment"], 2),
            "year_plan": _fixed(row["year_plan"], 2), "completed_year": _fixed(row["completed_year"], 2),
            "completion_rate": _fixed(figures["completion_rate"], 1), "schedule_gap": _fixed(figures["schedule_gap"], 1),
            "is_lagging": figures["is_lagging"],
            # Reported is its month's report counted: read with the report's status, not as a second
            # subquery that PostgreSQL hashed over every report of the month.
            "reported": row["month_status"] in COUNTED_STATUSES,
        })
    return table


class ProjectListView(ScopedListView):
    model = Project
    filterset_class = ProjectFilter
    template_name = "projects/project_list.html"
    paginate_by = 30
    sort_keys = {
        "code": ("code",), "name": ("name", "code"), "total_investment": ("total_investment", "code"),
        "year_plan": ("year_plan", "code"), "completed_year": ("completed_year", "code"),
    }

    def get_queryset(self):
        self.month = month_param(self.request, selectors.figures_month())
        queryset = Project.objects.select_related("category", "county").for_user(self.request.user)
        self.filterset = self.filterset_class(self.request.GET or None, queryset=selectors.projects_with_figures(queryset, month=self.month))
        self.projects = self.filterset.qs if self.filterset.is_bound else self.filterset.queryset
        return self.sorted(self.projects.values(*PROJECT_COLUMNS))

    def _figures(self, by: str, querystring: str):
        totals = selectors.figures_rollup(self.projects, by="province", month=self.month)
        rollup = _rollup_rows(by, selectors.figures_rollup(self.projects, by=by, month=self.month), self.request.user)
        html = render_to_string("projects/_figures.html", {
            "totals": totals, "rollup": rollup, "rollup_by": by, "rollup_choices": ROLLUP_LABELS.items(),
            "rollup_querystring": querystring,
        })
        return totals, mark_safe(html)

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        # The totals' project count is the count of this very list, already cached: no COUNT query.
        paginator.count = self.totals["project_count"]
        return paginator

    def get_context_data(self, **kwargs):
        by = self.request.GET.get("by")
        if by not in ROLLUP_LABELS:
            division = self.request.user.division
            by = "category" if division is not None and division.level >= DivisionLevel.COUNTY else "county"
        query = self.request.GET.copy()
        query.pop("by", None)
        query.pop("page", None)
        # Figures over every project the user may see, not just this page, rendered once and cached
        # (see projects.cache): the roll-up table alone is 90 counties × 10 formatted figures.
        self.totals, figures_html = cached_figures(
            self.request.user, (self.month, by, sorted(query.lists())), lambda: self._figures(by, query.urlencode())
        )
        ctx = super().get_context_data(**kwargs)
        ctx.update(month=self.month, rollup_querystring=query.urlencode(), totals=self.totals, figures_html=figures_html)
        ctx["can_create"] = self.request.user.is_superuser or self.request.user.is_clerk
        ctx["projects"] = project_table_rows(ctx["object_list"], self.month)
        ctx["project_rows_html"] = project_rows_html(ctx["projects"])
        # The filter form's widgets cost 7 ms to render (Django renders each through templates); what
        # they show changes with the query and the category list only.
        ctx["filter_fields_html"] = cached_filter_fields(
            sorted(query.lists()), lambda: render_to_string("includes/filter_fields.html", {"filter_groups": ctx["filter_groups"]})
        )
        ctx["filter_extra"] = "projects/_filter_month.html"
        return ctx


class ProjectDetailView(LoginRequiredMixin, TemplateView):
    template_name = "projects/project_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        month = month_param(self.request, selectors.figures_month())
        queryset = selectors.projects_with_figures(
            Project.objects.select_related("category", "county", "township").prefetch_related(
                "record_links__content_type", "year_plans"
            ),
            month=month,
        )
        project = get_for_user_or_404(queryset, self.request.user, pk=self.kwargs["pk"])
        history = list(selectors.project_history(project))
        closes = window_closes([r.month for r in history])
        for report in history:
            report.is_late = report.submitted_at is not None and timezone.localdate(report.submitted_at) > closes[report.month]
        ctx["changes"] = history_for(project)[:50]
        chart = [
            {"month": f"{r.month:%Y-%m}", "completed": float(r.completed), "cumulative": float(r.cumulative_year)}
            for r in reversed(history)
        ]
        user = self.request.user
        links = list(project.record_links.all())
        names = record_names(user, [(link.content_type_id, link.object_id) for link in links])
        records = [
            {
                "query": f"{link.content_type.app_label}.{link.content_type.model}:{link.object_id}",
                "name": names.get((link.content_type_id, link.object_id), f"#{link.object_id}"),
            }
            for link in links
        ]
        ctx.update(
            project=project, month=month, history=history, chart=chart, records=records,
            can_edit=user.is_superuser or user.is_clerk, can_report=user.is_superuser or user.role == Role.COUNTY_STAFF,
        )
        return ctx


class ProjectFormView(LoginRequiredMixin, View):
    """Create (no pk) or edit a project; clerks only (the service refuses anyone else)."""

    template_name = "projects/project_form.html"

    def _project(self):
        if "pk" not in self.kwargs:
            return None
        return get_for_user_or_404(Project.objects.select_related("county", "township", "category"), self.request.user, pk=self.kwargs["pk"])

    def _initial(self, project):
        if project is None:
            return {}
        initial = {name: getattr(project, name) for name in services.PROJECT_FIELDS}
        initial["records"] = [f"{ct}:{oid}" for ct, oid in project.record_links.values_list("content_type_id", "object_id")]
        plan = project.year_plans.filter(year=current_month().year).first()
        initial["annual_plan"] = plan.planned_investment if plan else None
        return initial

    def get(self, request, **kwargs):
        project = self._project()
        if not (request.user.is_superuser or request.user.is_clerk):
            raise PermissionDenied("只有专班工作人员可以登记或修改项目。")
        form = ProjectForm(user=request.user, project=project, initial=self._initial(project))
        return render(request, self.template_name, {"form": form, "project": project})

    def post(self, request, **kwargs):
        project = self._project()
        form = ProjectForm(request.POST, user=request.user, project=project)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                if project is None:
                    project = services.project_create(user=request.user, **data)
                else:
                    project = services.project_update(project=project, user=request.user, **data)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.message_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                messages.success(request, f"项目 {project.code} 已保存。")
                return redirect("project-detail", pk=project.pk)
        return render(request, self.template_name, {"form": form, "project": project})


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
                messages.error(request, _error_text(exc) if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.error(request, "部分项目填写有误，请按提示修改。")
        return render(request, self.template_name, self._context(month, projects, formset))


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
            messages.error(request, _error_text(exc))
        return render(request, self.template_name, self._context(month, step, reason_form))


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
            messages.error(request, _error_text(exc))
        return render(request, self.template_name, self._context(exception_form))


class ReportToCaseView(LoginRequiredMixin, View):
    """One click: the problems of a monthly report become a case (交办事项)."""

    def post(self, request, pk):
        report = get_for_user_or_404(MonthlyReport, request.user, pk=pk)
        try:
            case = services.report_problem_to_case(user=request.user, report=report)
            messages.success(request, f"已转为交办事项（编号 {case.pk}），请到交办事项中交办。")
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        return redirect("project-detail", pk=report.project_id)


class ReportAttachmentUploadView(LoginRequiredMixin, View):
    def post(self, request, pk):
        report = get_for_user_or_404(MonthlyReport, request.user, pk=pk)
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError("请选择要上传的文件。")
            services.report_attachment_add(user=request.user, report=report, file=upload)
            messages.success(request, f"已上传附件“{upload.name}”。")
        except PeriodLocked as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        return redirect("project-detail", pk=report.project_id)


def report_attachment_download(request, pk):
    """Files are served only to users whose jurisdiction holds the report, never from a public URL."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    attachment = get_for_user_or_404(ReportAttachment, request.user, pk=pk)
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
