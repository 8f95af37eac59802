"""The case pages: list, to-do, review queue, the case page and its actions, evidence downloads."""
import datetime as dt
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import ListView
from openpyxl import Workbook

from registry.excel.writer import safe_row
from registry.listing import sort_order
from registry.scoping import get_for_user_or_404
from registry.views import ScopedListView

from .documents import KINDS, case_document, render_docx
from .filters import CaseFilter
from .forms import ACTION_COMMENT_MAX_LENGTH, CaseCreateForm, CaseEditForm, unit_choices
from .models import Case, CaseEvent, CaseState
from .numbering import case_number
from .review import QUEUE_ORDER, feedback_previews, next_in_review
from .staleness import stale_explanation
from .selectors import (
    LIST_COLUMNS,
    case_details,
    case_list,
    case_list_rows,
    case_table_rows,
    due_soon_q,
    overdue_q,
    review_queue,
    todo_counts,
    unit_cases,
)
from .services import StaleVersion, attachment_upload, case_create, case_update, perform_action
from .tables import case_rows_html
from .workdays import MAX_DEADLINE_WORKDAYS, calendar_warning, reachable_calendar_warning
from .workflow import ACTIONS, DEADLINE, EVIDENCE, LEAD_UNIT, ActionNotAllowed, available_actions, case_context, check_edit

EXPORT_MAX_ROWS = 50_000


class CaseTableMixin:
    """A list page whose queryset yields LIST_COLUMNS rows, shown by cases/includes/case_table.html."""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cases"] = case_table_rows(ctx["object_list"])
        ctx["case_rows_html"] = case_rows_html(ctx["cases"])
        return ctx


# The case list's sortable columns (?sort=key or -key); ties broken by id so pages do not overlap.
CASE_SORT_KEYS = {
    "id": ("id",), "deadline": ("deadline", "id"), "state": ("state", "id"), "level": ("level", "id"),
    "created": ("created_at", "id"),
}


class CaseListView(CaseTableMixin, ScopedListView):
    model = Case
    filterset_class = CaseFilter
    template_name = "cases/case_list.html"
    sort_keys = CASE_SORT_KEYS

    def get_queryset(self):
        # Filtered first, then scoped with the filters inside the jurisdiction's union (as the API list).
        self.filterset = CaseFilter(self.request.GET or None, queryset=Case.objects.all())
        cases = self.filterset.qs if self.filterset.is_bound else self.filterset.queryset
        return self.sorted(case_list_rows(user=self.request.user, cases=cases))


# The most an action's comment may hold (the page's textarea says so and stops there; the API's
# serializer holds the same limit).
COMMENT_MAX_LENGTH = ACTION_COMMENT_MAX_LENGTH


def _comment_label(action: str) -> str:
    return ACTIONS[action].comment_label if action in ACTIONS else "说明"


# Actions that cannot be taken back from the page: styled as dangerous, and the page asks the user to
# tick a confirmation before it submits them (checked here, not in the service: the API is unchanged).
DANGEROUS_ACTIONS = {"cancel"}
CONFIRM_ACTIONS = {
    "cancel": "确认撤销：撤销后该事项不再办理",
    "reject": "确认退回：反馈将退回责任单位重新整改",
}


def _action_forms(case, user, ctx, *, open_action=None, typed=None, error=""):
    """One entry per action the user may take now; `open_action` is the one whose form shows (with what
    was typed into it and why it was refused, when the page comes back from a refusal)."""
    actions = available_actions(case, user, ctx)
    units = list(unit_choices(user)) if any(LEAD_UNIT in a.requires for a in actions) else []
    return [
        {
            "action": a,
            "needs_deadline": DEADLINE in a.requires or a.name == "reopen",
            "needs_units": LEAD_UNIT in a.requires,
            "needs_evidence": EVIDENCE in a.requires,
            "comment_required": "comment" in a.requires,
            "dangerous": a.name in DANGEROUS_ACTIONS,
            "confirm": CONFIRM_ACTIONS.get(a.name, ""),
            "open": a.name == open_action,
            "typed": (typed or {}) if a.name == open_action else {},
            "error": error if a.name == open_action else "",
        }
        for a in actions
    ], units


def _case_page(request, case, *, open_action=None, typed=None, error="", review=False, edit_form=None, edit_error=""):
    ctx = case_context(case)
    forms, units = _action_forms(case, request.user, ctx, open_action=open_action, typed=typed, error=error)
    if error and not any(f["open"] for f in forms):
        messages.error(request, error)  # the action is not (or no longer) offered: no form to show it in
    events = CaseEvent.objects.filter(case=case).select_related("actor", "actor_unit").prefetch_related("attachments")
    try:
        check_edit(case, request.user)
        edit_form = edit_form or CaseEditForm(
            initial={f: getattr(case, f) for f in ("version", "title", "category", "priority", "tags", "description")}
        )
    except ActionNotAllowed:
        edit_form = None
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case, "case_number": case_number(case), "events": events, "action_forms": forms, "units": units,
            "edit_form": edit_form, "documents": [k for k in KINDS.values() if case.state in k.states],
            "today": timezone.localdate(), "max_deadline_workdays": MAX_DEADLINE_WORKDAYS,
            "deadline_warning": calendar_warning(case.deadline),
            "deadline_reach_warning": reachable_calendar_warning() if any(f["needs_deadline"] for f in forms) else "",
            # Opened from the review queue: its next case one click away, and 销号/退回 lead there.
            "review": review, "next_review": next_in_review(user=request.user, case=case) if review else None,
            "edit_error": edit_error, "edit_open": bool(edit_error or (edit_form is not None and edit_form.is_bound)),
            "comment_max": COMMENT_MAX_LENGTH, "upload_max_bytes": settings.CASE_EVIDENCE_MAX_BYTES,
        },
    )


@login_required
def case_detail(request, pk):
    case = get_for_user_or_404(case_details(), request.user, pk=pk)
    # ?action=… opens that action's form: the buttons' links, for a browser without JavaScript.
    return _case_page(request, case, open_action=request.GET.get("action"), review=_reviewing(request))


def _reviewing(request) -> bool:
    params = request.POST if request.method == "POST" else request.GET
    return params.get("review") == "1" and request.user.is_clerk


@login_required
@require_POST
def case_edit(request, pk):
    """The edit form; a refusal (a field, a stale version) comes back on the page with the form open,
    what was typed in it, and the reason."""
    case = get_for_user_or_404(Case, request.user, pk=pk)
    form = CaseEditForm(request.POST)
    error = ""
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            case_update(case=case, by=request.user, version=data.pop("version"), **data)
        except StaleVersion:
            error = stale_explanation(case, request.POST.get("version"))
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            messages.success(request, "事项信息已修改。")
            return redirect("case-detail", pk=case.pk)
    case = get_for_user_or_404(case_details(), request.user, pk=pk)
    typed = request.POST.copy()
    typed["version"] = case.version  # submitting again applies the typed values over what changed
    kept = CaseEditForm(typed)
    if not error:
        kept.is_valid()  # its errors show next to the fields
    return _case_page(request, case, edit_form=kept, edit_error=error)


@login_required
@require_POST
def case_act(request, pk):
    case = get_for_user_or_404(Case, request.user, pk=pk)
    post = request.POST
    action = post.get("action", "")
    inputs = {"comment": post.get("comment", "")}
    if post.get("deadline"):
        inputs["deadline"] = post["deadline"]
    if post.get("deadline_workdays"):
        inputs["deadline_workdays"] = post["deadline_workdays"]
    if post.get("lead_unit"):
        units = {str(o.pk): o for o in unit_choices(request.user)}
        inputs["lead_unit"] = units.get(post["lead_unit"])
        inputs["co_units"] = [units[i] for i in post.getlist("co_units") if i in units]
    try:
        if len(inputs["comment"]) > COMMENT_MAX_LENGTH:
            raise ValidationError(f"{_comment_label(action)}最多 {COMMENT_MAX_LENGTH} 字，现有 {len(inputs['comment'])} 字，请删减后再提交。")
        if action in CONFIRM_ACTIONS and not post.get("confirm"):
            raise ValidationError(f"请勾选“{CONFIRM_ACTIONS[action].split('：')[0]}”后再提交。", code="unconfirmed")
        version = int(post.get("version", ""))
        with transaction.atomic():
            inputs["attachments"] = [
                attachment_upload(case=case, by=request.user, file=f).pk for f in request.FILES.getlist("files")
            ]
            perform_action(case=case, action=action, by=request.user, version=version, **inputs)
    except (ValueError, StaleVersion, ValidationError) as exc:
        # The page comes back (not a redirect) with this action's form open and what was typed in it.
        if isinstance(exc, StaleVersion):
            error = stale_explanation(case, post.get("version"))
        elif isinstance(exc, ValidationError):
            error = "；".join(exc.messages)
        else:
            error = "提交的数据有误，请刷新页面后重试。"
        if request.FILES:
            error += "（出于安全原因，浏览器不能保留已选择的文件，请重新选择。）"
        typed = {
            "comment": inputs["comment"], "deadline": post.get("deadline", ""),
            "deadline_workdays": post.get("deadline_workdays", ""), "lead_unit": post.get("lead_unit", ""),
            "co_units": post.getlist("co_units"),
        }
        case = get_for_user_or_404(case_details(), request.user, pk=pk)
        return _case_page(request, case, open_action=action, typed=typed, error=error, review=_reviewing(request))
    messages.success(request, "操作成功。")
    _warn_unconfirmed_deadline(request, case)
    if _reviewing(request) and action in ("close", "reject"):
        following = next_in_review(user=request.user, case=case)
        if following is None:
            messages.info(request, "待审核反馈已全部处理。")
            return redirect("case-review")
        messages.info(request, f"已打开下一条待审核反馈：{following.title}")
        return redirect(reverse("case-detail", args=[following.pk]) + "?review=1")
    return redirect("case-detail", pk=case.pk)


def _warn_unconfirmed_deadline(request, case):
    case.refresh_from_db(fields=["deadline"])
    warning = calendar_warning(case.deadline)
    if warning:
        messages.warning(request, warning)


@login_required
def case_create_view(request):
    if not request.user.is_clerk:
        raise PermissionDenied("只有工作专班工作人员可以登记交办事项。")
    form = CaseCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                case = case_create(
                    by=request.user,
                    title=data["title"],
                    category=data["category"],
                    county=data["county"],
                    description=data["description"],
                    source=data["source"],
                    priority=data["priority"],
                    tags=data["tags"],
                    joint_parties=list(data["joint_parties"]),
                    refuse_repeat=True,
                )
                if data["lead_unit"]:
                    perform_action(
                        case=case,
                        action="assign",
                        by=request.user,
                        version=case.version,
                        lead_unit=data["lead_unit"],
                        co_units=list(data["co_units"]),
                        deadline=data["deadline"],
                        deadline_workdays=data["deadline_workdays"],
                        comment=data["description"],
                    )
        except ValidationError as exc:
            for field, errors in (exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]):
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "事项已登记" + ("并交办。" if data["lead_unit"] else "。"))
            _warn_unconfirmed_deadline(request, case)
            return redirect("case-detail", pk=case.pk)
    return render(request, "cases/case_form.html", {"form": form})


class ReviewQueueView(LoginRequiredMixin, ListView):
    """Feedback waiting for this clerk's task force to close or reject: each with the feedback's text
    and photos inline, and a link that opens the case in review mode (销号/退回 lead to the next one)."""

    template_name = "cases/review_queue.html"
    paginate_by = 20

    def get_queryset(self):
        return review_queue(user=self.request.user).values(*LIST_COLUMNS).order_by(*QUEUE_ORDER)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        cases = case_table_rows(ctx["object_list"])
        previews = feedback_previews(c["id"] for c in cases)
        ctx["reviews"] = [{"case": c, "feedback": previews.get(c["id"])} for c in cases]
        return ctx


class TodoView(CaseTableMixin, LoginRequiredMixin, ListView):
    """The county staff's to-do list for their unit: to accept, rectifying, due soon, overdue."""

    template_name = "cases/todo.html"
    paginate_by = 50
    TABS = {
        "to_accept": ("待签收", lambda: Q(state=CaseState.ASSIGNED)),
        "rectifying": ("整改中", lambda: Q(state=CaseState.RECTIFYING)),
        "due_soon": ("临期", due_soon_q),
        "overdue": ("逾期", overdue_q),
    }

    def get_queryset(self):
        self.tab = self.request.GET.get("tab") if self.request.GET.get("tab") in self.TABS else "to_accept"
        condition = self.TABS[self.tab][1]()
        return unit_cases(user=self.request.user, condition=condition).values(*LIST_COLUMNS).order_by("deadline", "id")

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        # The tab's count is the count of this very list: no second COUNT over the same cases.
        paginator.count = self.counts[self.tab]
        return paginator

    def get_context_data(self, **kwargs):
        self.counts = todo_counts(user=self.request.user)
        ctx = super().get_context_data(**kwargs)
        ctx["tabs"] = [(key, label, self.counts[key]) for key, (label, _) in self.TABS.items()]
        ctx["tab"] = self.tab
        return ctx


def _naive_local(value):
    # openpyxl cannot write aware datetimes: write the Asia/Shanghai wall-clock time.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


@login_required
def case_export(request):
    filterset = CaseFilter(request.GET or None, queryset=case_list(user=request.user))
    qs = filterset.qs if filterset.is_bound else filterset.queryset
    rows = qs.order_by(*sort_order(CASE_SORT_KEYS, request.GET.get("sort", ""), default=["-id"])).values_list(
        "id", "title", "category__name", "county__name", "state", "level", "lead_unit__name", "owner__name",
        "deadline", "yellow_card", "red_card", "created_at", "closed_at",
    )[:EXPORT_MAX_ROWS]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("交办事项")
    sheet.append(["编号", "标题", "类别", "县（市、区）", "状态", "层级", "牵头责任单位", "责任专班", "办理期限", "黄牌", "红牌", "登记时间", "销号时间"])
    states, levels = dict(CaseState.choices), dict(Case._meta.get_field("level").choices)
    for pk, title, category, county, state, level, lead, owner, deadline, yellow, red, created, closed in rows.iterator(chunk_size=2000):
        sheet.append(safe_row(sheet, [
            pk, title, category, county, states[state], levels[level], lead or "", owner, deadline,
            "是" if yellow else "", "是" if red else "", _naive_local(created), _naive_local(closed),
        ]))
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="cases-{dt.date.today():%Y%m%d}.xlsx"'
    workbook.save(response)
    return response



@login_required
def case_document_print(request, pk, kind):
    """交办单 / 销号单 as a page printed at A4 (print CSS in static/css/case_document.css)."""
    case = get_for_user_or_404(case_details(), request.user, pk=pk)
    return render(request, "cases/case_document.html", {"case": case, "document": case_document(case, kind)})


@login_required
def case_document_docx(request, pk, kind):
    case = get_for_user_or_404(case_details(), request.user, pk=pk)
    document = case_document(case, kind)
    response = HttpResponse(
        render_docx(document), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(document.filename)}"
    return response
