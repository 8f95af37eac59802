"""年度综合评价 pages: the year's county list with progress, one county's evaluation, the downloads."""
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from registry.excel import export_rows
from registry.excel.views import xlsx_response
from registry.scoping import get_for_user_or_404

from . import evaluation as service
from .catalogue import DEMO_NOTICE
from .evaluation_documents import county_docx, summary_rows, summary_sheet
from .models import CountyEvaluation, Domain, EvaluationYear
from .services import may_publish, require_reader


def _year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise Http404("年度无效")
    if not 2000 <= year <= 2100:
        raise Http404("年度无效")
    return year



@login_required
def evaluation_view(request):
    require_reader(request.user, "年度综合评价")
    year = _year(request.GET.get("year") or timezone.localdate().year - 1)
    state = EvaluationYear.objects.filter(year=year).first()
    rows = CountyEvaluation.objects.for_user(request.user).filter(year__year=year).select_related("division").order_by(
        "division__index_class", "rank_in_group", "division__code")
    return render(request, "monitoring/evaluation.html", {
        "year": year, "state": state, "rows": rows, "can_manage": may_publish(request.user), "demo_notice": DEMO_NOTICE,
    })


@login_required
def evaluation_progress_view(request, year: int):
    """The progress fragment the page polls while the documents are written."""
    require_reader(request.user, "年度综合评价")
    state = EvaluationYear.objects.filter(year=year).first()
    return render(request, "monitoring/_evaluation_progress.html", {"state": state, "year": year})


def _action(request, year, do):
    try:
        do()
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect(f"/monitoring/evaluation/?year={year}")


@login_required
@require_POST
def evaluation_prepare_view(request, year: int):
    return _action(request, year, lambda: service.evaluation_prepare(year=year, by=request.user))


@login_required
@require_POST
def evaluation_finalise_view(request, year: int):
    return _action(request, year, lambda: service.evaluation_finalise(year=year, by=request.user))


def _county(request, year: int, code: str) -> CountyEvaluation:
    return get_for_user_or_404(CountyEvaluation.objects.select_related("year"), request.user, year__year=year, division__code=code)


@login_required
def county_evaluation_view(request, year: int, code: str):
    evaluation = _county(request, year, code)
    if request.method == "POST":
        try:
            service.evaluation_recommend(evaluation=evaluation, by=request.user, text=request.POST.get("recommendation", ""))
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, "精准建议已保存。")
        return redirect(request.path)
    return render(request, "monitoring/county_evaluation.html", {
        "e": evaluation, "domains": [(d, evaluation.domain_scores.get(d.code)) for d in Domain.objects.all()],
        "can_recommend": service.may_recommend(request.user, evaluation) and not evaluation.year.finalised,
        "pairing": service.pairing_section(evaluation),
    })


@login_required
def county_evaluation_docx_view(request, year: int, code: str):
    """The county's document: the one written at finalisation, or before it a draft rendered now."""
    evaluation = _county(request, year, code)
    name = f"{evaluation.division.name}{year}年度城乡一体融合高质量发展评价.docx"
    if evaluation.docx:
        return FileResponse(evaluation.docx.open("rb"), as_attachment=True, filename=name)
    content = county_docx(evaluation, list(Domain.objects.all()), service.class_domain_averages(year), draft=True)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def evaluation_workbook_view(request, year: int):
    require_reader(request.user, "年度综合评价")
    rows = CountyEvaluation.objects.for_user(request.user).filter(year__year=year).select_related("division").order_by("division__code")
    domains = list(Domain.objects.all())
    return xlsx_response(export_rows(summary_sheet(domains), list(summary_rows(rows, domains))), f"{year}年度综合评价汇总.xlsx")
