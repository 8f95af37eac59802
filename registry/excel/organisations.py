"""The unit list in Excel: clerks keep their jurisdiction's organisations in a workbook."""
from drf_spectacular.utils import extend_schema, extend_schema_view

from registry.filters import OrganisationFilter
from registry.models import Organisation, OrganisationKind

from .importer import history_recorder, upsert_by_key
from .spec import Column, Kind, SheetSpec
from .views import ExcelExportView, ExcelImportAPIView, ExcelImportView, ExcelTemplateView

ORGANISATION_SHEET = SheetSpec(
    "单位",
    columns=[
        Column("单位名称", "name", required=True, max_length=128, help="同一区划内单位名称不重复"),
        Column("简称", "short_name", max_length=64),
        Column("单位类型", "kind", Kind.CHOICE, required=True, choices=OrganisationKind.choices),
        Column("所在区划", "division", Kind.DIVISION, required=True, help="须在您的管辖范围内"),
        Column("启用", "is_active", Kind.BOOL, help="留空表示“是”（新增）或保持不变（已有单位）"),
    ],
    key_columns=["division", "name"],
    instructions="7. 单位以“所在区划 + 单位名称”识别：修改单位名称会新增一家单位，原单位保留（可将其“启用”改为“否”）。",
)


def organisations_import(rows, user):
    return upsert_by_key(Organisation, rows, spec=ORGANISATION_SHEET, user=user,
                         on_change=history_recorder(ORGANISATION_SHEET, user))


class OrganisationTemplateView(ExcelTemplateView):
    spec = ORGANISATION_SHEET


class OrganisationExportView(ExcelExportView):
    spec = ORGANISATION_SHEET
    queryset = Organisation.objects.select_related("division")
    filterset_class = OrganisationFilter


class OrganisationImportView(ExcelImportView):
    spec = ORGANISATION_SHEET
    list_url_name = "organisation-list"
    template_url_name = "organisation-excel-template"

    def apply(self, rows, user):
        return organisations_import(rows, user)


@extend_schema_view(post=extend_schema(tags=["单位"], operation_id="organisations_excel_import"))
class OrganisationImportAPIView(ExcelImportAPIView):
    spec = ORGANISATION_SHEET

    def apply(self, rows, user):
        return organisations_import(rows, user)
