"""Pages of the deliverable records: one list/detail/form set driven by a RecordType per model."""
from dataclasses import dataclass
from typing import Callable

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.generic import DetailView, FormView, ListView

from . import forms as forms_
from . import filters, selectors, services
from registry.history import history_for, history_for_many, snapshot
from registry.paginators import DeferredJoinPaginator
from registry.models import ChangeAction, Role, WorkshopReport
from registry.scoping import get_for_user_or_404


def _display(obj, name):
    return getattr(obj, f"get_{name}_display")()


def _county(obj):
    return obj.county.full_name


def _can_report(user):
    return user.is_superuser or user.role in (Role.CLERK, Role.COUNTY_STAFF)


def _workshop_reports(workshop, user):
    reports = list(workshop.reports.select_related("submitted_by").order_by("-period")[:24])
    periods = {r.pk: r.period for r in reports}
    corrections = history_for_many(WorkshopReport, periods).filter(action=ChangeAction.UPDATE)[:100]
    for change in corrections:
        change.period = periods[change.object_id]
    return {"reports": reports, "corrections": corrections, "can_report": _can_report(user)}


@dataclass(frozen=True)
class RecordType:
    key: str
    path: str
    label: str
    selector: Callable
    filterset_class: type
    form_class: type
    services: tuple  # (create(actor, data), update(actor, instance, data, reason))
    columns: tuple  # ((header, getter(obj) -> str), ...); the first links to the detail page
    nav_order: int
    extra_template: str = ""
    extra_context: Callable | None = None  # (record, user) -> dict for the extra template

    @property
    def model(self):
        return self.filterset_class._meta.model

    def save(self, *, actor, instance, form):
        data = form.service_data()
        if instance is None:
            return self.services[0](actor=actor, data=data)
        return self.services[1](actor=actor, instance=instance, data=data, reason=form.cleaned_data.get("reason", ""))


def _axis_create(*, actor, data):
    nodes = data.pop("nodes", None)
    return services.axis_create(actor=actor, data=data, nodes=nodes)


def _axis_update(*, actor, instance, data, reason):
    nodes = data.pop("nodes", None)
    return services.axis_update(actor=actor, axis=instance, data=data, nodes=nodes, reason=reason)


RECORD_TYPES = [
    RecordType(
        "axis", "axes", "发展轴", selectors.axis_queryset, filters.AxisFilter, forms_.AxisForm, (_axis_create, _axis_update),
        (("名称", str), ("县（市、区）", _county), ("批次", lambda o: _display(o, "batch")),
         ("节点数", lambda o: str(len(o.nodes.all())))),
        nav_order=20, extra_template="registry/deliverables/_axis_nodes.html",
    ),
    RecordType(
        "central_town", "central-towns", "中心镇", selectors.central_town_queryset, filters.CentralTownFilter,
        forms_.CentralTownForm, (services.central_town_create, services.central_town_update),
        (("乡镇", lambda o: o.division.name), ("县（市、区）", _county), ("发展类型", lambda o: _display(o, "track")),
         ("批次", lambda o: _display(o, "batch")), ("山区海岛县", lambda o: "是" if o.county.is_mountain_island else "")),
        nav_order=21,
    ),
    RecordType(
        "weak_township", "weak-townships", "相对薄弱乡镇", selectors.weak_township_queryset, filters.WeakTownshipFilter,
        forms_.WeakTownshipForm, (services.weak_township_create, services.weak_township_update),
        (("乡镇", lambda o: o.division.full_name), ("认定时间", lambda o: str(o.since)),
         ("结对帮扶单位", lambda o: o.helper_unit.name if o.helper_unit_id else "")),
        nav_order=22,
    ),
    RecordType(
        "weak_village", "weak-villages", "相对薄弱村", selectors.weak_village_queryset, filters.WeakVillageFilter,
        forms_.WeakVillageForm, (services.weak_village_create, services.weak_village_update),
        (("村", lambda o: o.division.full_name), ("认定时间", lambda o: str(o.since)),
         ("结对帮扶单位", lambda o: o.helper_unit.name if o.helper_unit_id else "")),
        nav_order=23,
    ),
    RecordType(
        "cluster", "clusters", "乡村片区组团", selectors.cluster_queryset, filters.ClusterFilter, forms_.ClusterForm,
        (services.cluster_create, services.cluster_update),
        (("名称", str), ("县（市、区）", _county), ("级别", lambda o: _display(o, "level")),
         ("重点村", lambda o: o.key_village.name), ("成员村", lambda o: str(len(o.members.all()))),
         ("辐射村", lambda o: str(len(o.radiated_villages.all()))), ("模式", lambda o: str(o.model or ""))),
        nav_order=24,
    ),
    RecordType(
        "workshop", "workshops", "共富工坊", selectors.workshop_queryset, filters.WorkshopFilter, forms_.WorkshopForm,
        (services.workshop_create, services.workshop_update),
        (("名称", str), ("所在村", lambda o: o.village.full_name), ("类型", lambda o: _display(o, "type")),
         ("结对形式", lambda o: _display(o, "pairing_form")), ("状态", lambda o: _display(o, "status")),
         ("开办日期", lambda o: str(o.opened_on or ""))),
        nav_order=25, extra_template="registry/deliverables/_workshop_reports.html", extra_context=_workshop_reports,
    ),
    RecordType(
        "pairing", "pairings", "结对帮扶", selectors.pairing_queryset, filters.PairingFilter, forms_.PairingForm,
        (services.pairing_create, services.pairing_update),
        (("受帮扶县", _county), ("类型", lambda o: _display(o, "kind")), ("年度", lambda o: str(o.year)),
         ("牵头部门", lambda o: o.lead_unit.name if o.lead_unit_id else ""),
         ("结对县", lambda o: o.partner_county.name if o.partner_county_id else ""),
         ("结对国企", lambda o: o.soe.name if o.soe_id else ""), ("联系省领导", lambda o: o.provincial_leader)),
        nav_order=26,
    ),
]
BY_MODEL = {rt.model._meta.model_name: rt for rt in RECORD_TYPES}


def _can_edit(user):
    return user.is_superuser or user.role == Role.CLERK


class RecordMixin(LoginRequiredMixin):
    record: RecordType = None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(record=self.record, can_edit=_can_edit(self.request.user))
        return ctx


class RecordListView(RecordMixin, ListView):
    paginate_by = 50
    paginator_class = DeferredJoinPaginator
    template_name = "registry/deliverables/list.html"

    def get_queryset(self):
        qs = self.record.selector(self.request.user)
        self.filterset = self.record.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
        return self.filterset.qs if self.filterset.is_bound else qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx.update(
            filter=self.filterset, querystring=query.urlencode(),
            headers=[header for header, _ in self.record.columns],
            rows=[(obj.pk, [getter(obj) for _, getter in self.record.columns]) for obj in ctx["object_list"]],
        )
        return ctx


class RecordDetailView(RecordMixin, DetailView):
    template_name = "registry/deliverables/detail.html"

    def get_object(self, queryset=None):
        return get_for_user_or_404(self.record.selector(self.request.user), self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        relations = [f.name for f in self.object._meta.many_to_many]
        fields = snapshot(self.object, relations=relations)
        ctx.update(
            fields=[(label, value) for name, (label, value) in fields.items() if name != "plan"],
            history=history_for(self.object)[:200],
            extra_template=self.record.extra_template,
            plan_url=(
                reverse("deliverable-plan", args=[self.object._meta.model_name, self.object.pk])
                if getattr(self.object, "plan", None) else ""
            ),
        )
        if self.record.extra_context is not None:
            ctx.update(self.record.extra_context(self.object, self.request.user))
        return ctx


class RecordFormView(RecordMixin, UserPassesTestMixin, FormView):
    template_name = "registry/deliverables/form.html"

    def test_func(self):
        return _can_edit(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        self.object = None
        if "pk" in kwargs and request.user.is_authenticated:
            self.object = get_for_user_or_404(self.record.selector(request.user), request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return self.record.form_class

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object, "user": self.request.user}

    def form_valid(self, form):
        try:
            saved = self.record.save(actor=self.request.user, instance=self.object, form=form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        return redirect(reverse(f"{self.record.key}_detail", args=[saved.pk]))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "object": self.object}


def add_service_errors(form, exc):
    """Put each service error next to its field; errors of fields the form lacks go on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


class WorkshopReportFormView(LoginRequiredMixin, UserPassesTestMixin, FormView):
    """County staff and clerks report a workshop's month from its page, or correct a reported month
    (with a reason; the old figures stay in the history)."""

    template_name = "registry/deliverables/form.html"
    form_class = forms_.WorkshopReportForm

    def test_func(self):
        return _can_report(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        self.report = None
        if request.user.is_authenticated:
            if "report_pk" in kwargs:
                self.report = get_for_user_or_404(
                    selectors.workshop_report_queryset(request.user), request.user, pk=kwargs["report_pk"]
                )
                self.workshop = self.report.workshop
            else:
                self.workshop = get_for_user_or_404(selectors.workshop_queryset(request.user), request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        instance = self.report or WorkshopReport(workshop=self.workshop)
        return {**super().get_form_kwargs(), "instance": instance, "user": self.request.user}

    def form_valid(self, form):
        actor = self.request.user
        try:
            if self.report is None:
                services.workshop_report_submit(actor=actor, data={**form.service_data(), "workshop": self.workshop})
            else:
                services.workshop_report_correct(
                    actor=actor, report=self.report, data=form.service_data(), reason=form.cleaned_data["reason"]
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        return redirect(reverse("workshop_detail", args=[self.workshop.pk]))

    def get_context_data(self, **kwargs):
        title = "填报月度数据" if self.report is None else f"更正{self.report.period:%Y年%m月}数据"
        return {**super().get_context_data(**kwargs), "record": BY_MODEL["workshop"], "object": self.workshop, "form_title": title}


def plan_download(request, model_name, pk):
    """Plan documents are never public files: the record must be in the user's jurisdiction."""
    record = BY_MODEL.get(model_name)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if record is None or not hasattr(record.model, "plan"):
        raise Http404("对象不存在或不在您的管辖范围内")
    obj = get_for_user_or_404(record.selector(request.user), request.user, pk=pk)
    if not obj.plan:
        raise Http404("该记录没有上传方案文件")
    return FileResponse(obj.plan.open("rb"), as_attachment=True, filename=f"{obj}{obj.plan.name[obj.plan.name.rfind('.'):]}")


def urlpatterns_for_records():
    patterns = [path("plans/<str:model_name>/<int:pk>/", plan_download, name="deliverable-plan")]
    for record in RECORD_TYPES:
        patterns += [
            path(f"{record.path}/", RecordListView.as_view(record=record), name=f"{record.key}_list"),
            path(f"{record.path}/new/", RecordFormView.as_view(record=record), name=f"{record.key}_create"),
            path(f"{record.path}/<int:pk>/", RecordDetailView.as_view(record=record), name=f"{record.key}_detail"),
            path(f"{record.path}/<int:pk>/edit/", RecordFormView.as_view(record=record), name=f"{record.key}_update"),
        ]
    patterns += [
        path("workshops/<int:pk>/reports/new/", WorkshopReportFormView.as_view(), name="workshop_report_create"),
        path("workshop-reports/<int:report_pk>/edit/", WorkshopReportFormView.as_view(), name="workshop_report_update"),
    ]
    return patterns
