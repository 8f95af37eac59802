"""The pairing pages: the dashboard, a pairing's page with its forms, a partner unit's home page, the
annual evaluation. Views read through selectors and write through services; nothing else."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cases.forms import unit_choices
from cases.services import StaleVersion, perform_action
from cases.workflow import ActionNotAllowed
from projects.models import Project
from registry.deliverables.pairing_groups import pairing_groups_set
from registry.scoping import get_for_user_or_404

from . import evaluation as evaluation_services
from . import forms as f
from . import selectors, services
from .models import Enclave, PairingEvaluation, PairingTask
from .results import current_quarter, figures_for


def _period(request) -> tuple[int, int]:
    year, quarter = current_quarter()
    try:
        year = min(max(int(request.GET.get("year", year)), 2000), 2100)  # a typed year out of range: the nearest
        quarter = min(max(int(request.GET.get("quarter", quarter)), 1), 4)
    except (TypeError, ValueError):
        pass
    return year, quarter


def _error_text(exc) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(getattr(exc, "detail", exc))


@login_required
def dashboard(request):
    year, quarter = _period(request)
    rows = selectors.dashboard_rows(request.user, year, quarter)
    return render(request, "pairing/dashboard.html", {"rows": rows, "year": year, "quarter": quarter,
                                                     "quarters": range(1, 5)})


def _may_keep(user, pairing) -> bool:
    try:
        services.check_pairing_clerk(user, pairing)
    except PermissionDenied:
        return False
    return True


@login_required
def pairing_page(request, pk):
    pairing = selectors.pairing_detail(request.user, pk)
    year = pairing.year
    may_keep = _may_keep(request.user, pairing)
    records = selectors.pairing_records(request.user, pairing)
    quarters = figures_for_all_quarters(pairing, year)
    tasks = list(selectors.task_list(request.user, pairing))
    for task in tasks:
        task.party_ids = {jc.party_id for jc in task.case.joint_parties.all()}  # the parties form's ticks
    context = {
        "pairing": pairing, "tasks": tasks, "may_keep": may_keep, "quarters": quarters, "year": year, **records,
        "party_options": f.group_units(pairing) if may_keep else [],
    }
    if request.user.is_superuser or (request.user.is_clerk and request.user.sees_everything):
        context["groups_form"] = f.GroupsForm(pairing=pairing)
    if may_keep:
        context.update(
            task_form=f.TaskForm(pairing=pairing, units=unit_choices(request.user)),
            visit_form=f.VisitForm(initial={"leader": pairing.provincial_leader}),
            enclave_form=f.EnclaveForm(initial={"origin": pairing.county, "host": pairing.partner_county}),
            revenue_form=f.RevenueForm(enclaves=records["enclaves"], initial={"year": year}),
            funds_form=f.FundsForm(initial={"year": year}),
            project_form=f.ProjectLinkForm(projects=Project.objects.for_user(request.user).filter(county=pairing.county)
                                           .filter(pairing_link__isnull=True).order_by("code")),
        )
    return render(request, "pairing/pairing.html", context)


def figures_for_all_quarters(pairing, year):
    return [(q, figures_for([pairing.pk], year, q)[pairing.pk]) for q in range(1, 5)]


def _post(request, pk, form, write, success):
    """Validate `form`, call `write(data)`; any refusal is shown on the pairing's page."""
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[k].label if k in form.fields else ''}：{'，'.join(v)}"
                                         for k, v in form.errors.items()))
    else:
        try:
            write(form.cleaned_data)
        except (ValidationError, PermissionDenied, StaleVersion, ActionNotAllowed) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, success)
    return redirect("pairing-detail", pk=pk)


@login_required
@require_POST
def groups_edit(request, pk):
    """The province sets the groups (and leader) on the pairing's page; the service judges every unit."""
    pairing = selectors.pairing_detail(request.user, pk)
    form = f.GroupsForm(request.POST, pairing=pairing)
    return _post(request, pk, form, lambda d: pairing_groups_set(
        actor=request.user, pairing=pairing, groups=form.groups(), leader_name=d["leader"], reason="页面修改"), "组团已保存。")


@login_required
@require_POST
def task_create(request, pk):
    pairing = selectors.pairing_detail(request.user, pk)
    form = f.TaskForm(request.POST, pairing=pairing, units=unit_choices(request.user))

    def write(d):
        services.task_create(by=request.user, pairing=pairing, number=d["number"], title=d["title"],
                             description=d["description"], groups=list(d["groups"]), is_takeover=d["is_takeover"],
                             joint_parties=list(d["joint_parties"]) or None, lead_unit=d["lead_unit"], deadline=d["deadline"])

    return _post(request, pk, form, write, "任务已登记。")


@login_required
@require_POST
def task_parties(request, pk, task_pk):
    pairing = selectors.pairing_detail(request.user, pk)
    task = get_for_user_or_404(PairingTask.objects.select_related("case"), request.user, pk=task_pk, pairing=pairing)
    form = f.JointPartiesForm(request.POST, pairing=pairing, case=task.case)

    def write(d):
        from cases.joint_parties import joint_parties_set

        joint_parties_set(case=task.case, by=request.user, parties=list(d["parties"]), version=d["version"], comment=d["comment"])

    return _post(request, pk, form, write, "联合销号单位已调整。")


@login_required
@require_POST
def visit_create(request, pk):
    pairing = selectors.pairing_detail(request.user, pk)
    form = f.VisitForm(request.POST)

    def write(d):
        services.visit_record(by=request.user, pairing=pairing, visited_on=d["visited_on"], leader=d["leader"],
                              places=d["places"], people_met=d["people_met"], summary=d["summary"], problems=form.problem_list())

    return _post(request, pk, form, write, "调研已记录，提出的问题已转为交办事项。")


@login_required
@require_POST
def enclave_create(request, pk):
    pairing = selectors.pairing_detail(request.user, pk)
    return _post(request, pk, f.EnclaveForm(request.POST),
                 lambda d: services.enclave_create(by=request.user, pairing=pairing, **d), "飞地已登记。")


@login_required
@require_POST
def revenue_record(request, pk):
    pairing = selectors.pairing_detail(request.user, pk)
    form = f.RevenueForm(request.POST, enclaves=Enclave.objects.for_user(request.user).filter(pairing=pairing))
    return _post(request, pk, form, lambda d: services.enclave_revenue_record(by=request.user, **d), "分成收益已填报。")


@login_required
@require_POST
def funds_record(request, pk):
    pairing = selectors.pairing_detail(request.user, pk)
    return _post(request, pk, f.FundsForm(request.POST),
                 lambda d: services.quarter_funds_record(by=request.user, pairing=pairing, **d), "帮扶资金已填报。")


@login_required
@require_POST
def project_link(request, pk):
    pairing = selectors.pairing_detail(request.user, pk)
    form = f.ProjectLinkForm(request.POST, projects=Project.objects.for_user(request.user).filter(county=pairing.county))
    return _post(request, pk, form, lambda d: services.project_link(by=request.user, pairing=pairing, project=d["project"]),
                 "山海协作项目已关联。")


@login_required
def partner_home(request):
    return render(request, "pairing/partner_home.html", selectors.partner_home(request.user))


@login_required
@require_POST
def partner_confirm(request, task_pk):
    """A partner unit's 联合确认 from its home page: the workflow's own action, nothing more."""
    task = get_for_user_or_404(PairingTask.objects.select_related("case"), request.user, pk=task_pk)
    try:
        perform_action(case=task.case, action="confirm", by=request.user, version=int(request.POST.get("version", 0)),
                       comment=request.POST.get("comment", ""))
    except (ValidationError, StaleVersion, ActionNotAllowed, ValueError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, f"已确认：{task.case.title}。")
    return redirect("pairing-partner-home")


@login_required
def evaluations(request):
    year = _period(request)[0]
    pairings = selectors.pairings_for(request.user, year)
    sheets = {e.pairing_id: e for e in PairingEvaluation.objects.for_user(request.user).filter(year=year)}
    rows = [(p, sheets.get(p.pk)) for p in pairings]
    return render(request, "pairing/evaluations.html", {"rows": rows, "year": year})


@login_required
@require_POST
def evaluation_action(request, pk):
    pairing = selectors.pairing_detail(request.user, pk)
    year = pairing.year
    action = request.POST.get("action")
    try:
        if action == "compute":
            evaluation_services.evaluation_compute(by=request.user, pairing=pairing, year=year)
        else:
            sheet = get_for_user_or_404(PairingEvaluation, request.user, pairing=pairing, year=year)
            if action == "comment":
                evaluation_services.evaluation_comment(by=request.user, evaluation=sheet, comment=request.POST.get("comment", ""))
            elif action == "finalise":
                evaluation_services.evaluation_finalise(by=request.user, evaluation=sheet)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "已保存。")
    return redirect(f"/pairing/evaluations/?year={year}")
