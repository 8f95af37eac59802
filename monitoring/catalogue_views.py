"""The indicator catalogue page and its Excel round-trip (province clerks edit; managers read)."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from drf_spectacular.utils import extend_schema, extend_schema_view

from registry.excel import build_template, export_rows
from registry.excel.views import ExcelImportAPIView, ExcelImportView, xlsx_response

from . import selectors
from .catalogue import CATALOGUE_SHEET, catalogue_import
from .models import Indicator
from .services import may_publish, require_reader



@login_required
def catalogue_view(request):
    require_reader(request.user, "指标目录")
    return render(request, "monitoring/catalogue.html", {
        **selectors.catalogue_context(), "can_edit": may_publish(request.user),
    })


@login_required
def catalogue_template_view(request):
    require_reader(request.user, "指标目录")
    return xlsx_response(build_template(CATALOGUE_SHEET), "指标目录导入模板.xlsx")


@login_required
def catalogue_export_view(request):
    require_reader(request.user, "指标目录")
    rows = Indicator.objects.select_related("version", "domain").order_by("version__valid_from", "order", "code")
    return xlsx_response(export_rows(CATALOGUE_SHEET, rows.iterator()), "指标目录.xlsx")


class CatalogueImportView(ExcelImportView):
    spec = CATALOGUE_SHEET
    list_url_name = "monitoring:catalogue"
    template_url_name = "monitoring:catalogue-template"

    def allowed(self, user) -> bool:
        return may_publish(user)

    def apply(self, rows, user):
        return catalogue_import(rows, user)


@extend_schema_view(post=extend_schema(tags=["指数监测"], operation_id="monitoring_catalogue_import"))
class CatalogueImportAPIView(ExcelImportAPIView):
    spec = CATALOGUE_SHEET

    def allowed(self, user) -> bool:
        return may_publish(user)

    def apply(self, rows, user):
        return catalogue_import(rows, user)
