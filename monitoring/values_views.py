"""The values page: completeness of a period (indicator × division) and the statistics bureau's workbook."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from registry.excel import build_template, export_rows
from registry.excel.views import ExcelImportView, xlsx_response

from . import catalogue, periods, selectors, values
from .models import IndicatorValue
from .services import may_publish


def period_from(request, default: str | None = None) -> str:
    """The ?period= of a page (a bad one is a 404, like any address that names nothing)."""
    text = request.GET.get("period") or default or str(timezone.localdate().year - 1)
    try:
        return periods.parse_period(text)
    except ValueError:
        raise Http404("期别无效")


@login_required
def values_view(request):
    period = period_from(request)
    version = catalogue.version_for(period)
    table = selectors.completeness(period, version, request.user) if version else None
    return render(request, "monitoring/values.html", {
        "period": period, "period_label": periods.label(period), "version": version, "table": table,
        "can_import": may_publish(request.user), **selectors.catalogue_context(),
    })


@login_required
def values_template_view(request):
    return xlsx_response(build_template(values.current_sheet()), "指标数值导入模板.xlsx")


@login_required
def values_export_view(request):
    """A period's values as the bureau's sheet (one row per division): what the user may read."""
    period = period_from(request)
    sheet = values.current_sheet()
    rows = {}
    for v in selectors.values_for_user(request.user, IndicatorValue.objects.filter(period=period)).select_related(
            "indicator", "division").order_by("division__code"):
        row = rows.setdefault(v.division_id, {"period": period, "division": v.division})
        row[f"v:{v.indicator.code}"], row[f"t:{v.indicator.code}"] = v.value, v.target
    return xlsx_response(export_rows(sheet, list(rows.values())), f"指标数值_{period}.xlsx")


class ValueImportView(ExcelImportView):
    list_url_name = "monitoring:values"
    template_url_name = "monitoring:values-template"

    @property
    def spec(self):
        return values.current_sheet()

    def allowed(self, user) -> bool:
        return may_publish(user)

    def apply(self, rows, user):
        return values.values_import(rows, user)
