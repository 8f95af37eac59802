"""One project: its page (figures, monthly history, linked records, changes) and its create/edit form."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from registry.history import history_for
from registry.models import Role
from registry.periods import current_month, window_closes
from registry.scoping import get_for_user_or_404

from .. import selectors, services
from ..forms import ProjectForm
from ..models import Project
from ..records import record_names
from .common import month_param


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
