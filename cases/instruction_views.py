"""Pages of the 领导批示 (cases.instructions): on a case's page, and on a case list (a board figure's)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from registry.scoping import get_for_user_or_404

from .filters import CaseFilter
from .instructions import instruction_create, instruction_for_list
from .models import Case


def _refusal(exc: ValidationError) -> str:
    return "；".join(exc.messages)


@login_required
@require_POST
def case_instruct(request, pk):
    case = get_for_user_or_404(Case, request.user, pk=pk)
    try:
        instruction_create(case=case, by=request.user, text=request.POST.get("text", ""))
    except ValidationError as exc:
        messages.error(request, f"批示未提交：{_refusal(exc)}")
    else:
        messages.success(request, "批示已记入办理记录，并已通知责任专班和责任单位。")
    return redirect("case-detail", pk=case.pk)


@login_required
@require_POST
def case_list_instruct(request):
    """A 批示 on the list the posted query selects (the list page's filters, within the jurisdiction)."""
    query = request.POST.get("query", "")
    link = f"{reverse('case-list')}?{query}" if query else reverse("case-list")
    filterset = CaseFilter(QueryDict(query), queryset=Case.objects.all())
    if not filterset.is_valid():
        messages.error(request, "清单的筛选条件有误，批示未提交。")
        return redirect(link)
    cases = filterset.qs.for_user(request.user, filtered=True)
    try:
        count = instruction_for_list(cases=cases, by=request.user, text=request.POST.get("text", ""), list_link=link)
    except ValidationError as exc:
        messages.error(request, f"批示未提交：{_refusal(exc)}")
    else:
        messages.success(request, f"批示已记入清单中 {count} 件事项的办理记录，并已通知各责任专班和责任单位。")
    return redirect(link)
