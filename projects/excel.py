"""Projects in Excel: the project list (clerks import and export it) and a month's figures (county staff).

Through the registry's framework; the export carries the month's figures, county staff's imports are
drafts. Every import is all-or-nothing with a per-row report; the rules stay in the services."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, permissions

from registry.excel import Column, Kind, RowError, RowsInvalid, SheetSpec, UpsertResult, validation_row_errors
from registry.excel.views import (
    ExcelAccessMixin,
    ExcelExportView,
    ExcelImportAPIView,
    ExcelImportView,
    ExcelTemplateView,
)
from registry.models import DivisionLevel, Role

from . import selectors, services
from .filters import ProjectFilter
from .models import MonthlyReport, Project, ProjectCategory, ProjectKind, ProjectStage
from registry.periods import PeriodLocked, parse_month

PROJECT_COLUMNS = [
    Column("项目编号", "code", max_length=16, help="新项目留空，由系统编号；填写已有编号则修改该项目"),
    Column("项目名称", "name", required=True, max_length=200),
    Column("项目类别", "category", Kind.FK, required=True, model=ProjectCategory, to_field="name",
           within_jurisdiction=False, source="category.name", help="填写类别名称，如 基础设施"),
    Column("所在县（市、区）", "county", Kind.DIVISION, required=True, levels=(DivisionLevel.COUNTY,)),
    Column("所在乡镇（街道）", "township", Kind.DIVISION, levels=(DivisionLevel.TOWNSHIP,)),
    Column("业主单位", "owner_unit", required=True, max_length=128),
    Column("联系人", "contact_name", max_length=32),
    Column("联系电话", "contact_phone", max_length=32),
    Column("总投资（万元）", "total_investment", Kind.DECIMAL, required=True, min_value=0, decimal_places=2),
    Column("本年计划投资（万元）", "annual_plan", Kind.DECIMAL, min_value=0, decimal_places=2, source="year_plan"),
    Column("计划开工日期", "planned_start", Kind.DATE),
    Column("计划竣工日期", "planned_completion", Kind.DATE),
    Column("建设性质", "kind", Kind.CHOICE, required=True, choices=ProjectKind.choices),
    Column("项目阶段", "stage", Kind.CHOICE, choices=ProjectStage.choices, help="留空：新项目为“谋划”，已有项目不变"),
    Column("实际开工日期", "actual_start", Kind.DATE),
]
# No key columns: new projects leave the code blank, so blank codes repeat.
PROJECT_SHEET = SheetSpec(
    "重大项目", columns=PROJECT_COLUMNS,
    instructions="7. 项目以“项目编号”识别：编号留空的行新增项目，编号由系统按“县代码+年份+序号”生成。",
)
# The export adds the figures of the month the list shows; importing it back ignores them.
PROJECT_EXPORT_SHEET = SheetSpec("重大项目", columns=PROJECT_COLUMNS + [
    Column("本年累计完成（万元）", "completed_year", Kind.DECIMAL, decimal_places=2),
    Column("年度完成率（%）", "completion_rate", Kind.DECIMAL, decimal_places=1),
    Column("与序时进度差（百分点）", "schedule_gap", Kind.DECIMAL, decimal_places=1),
    Column("滞后", "is_lagging", Kind.BOOL),
    Column("统计月份已报", "reported", Kind.BOOL),
])
MONTH_SHEET = SheetSpec(
    "月度进度", key_columns=["project"],
    columns=[
        Column("项目编号", "project", Kind.FK, required=True, model=Project, to_field="code", source="code"),
        Column("本月完成投资（万元）", "completed", Kind.DECIMAL, required=True, decimal_places=2),
        Column("形象进度", "progress"),
        Column("存在问题", "problems"),
        Column("说明", "note", help="累计完成超过总投资时必填"),
        Column("实际开工日期", "actual_start", Kind.DATE),
    ],
    instructions="7. 导入的数据保存为草稿，请在“月度进度填报”页面核对后提交。已提交、已确认的报告不能通过导入修改。",
)
ENTRY_FIELDS = ("completed", "progress", "problems", "note", "actual_start")
PROJECT_FIELDS = [c.key for c in PROJECT_COLUMNS if c.key not in ("code", "county", "annual_plan")]


def projects_import(rows, user) -> UpsertResult:
    """Rows without a code create projects, rows with one update them; each through its service."""
    codes = [row["code"] for row in rows if row["code"]]
    known = {p.code: p for p in Project.objects.for_user(user).select_related("county").filter(code__in=codes)}
    result, errors = UpsertResult(), []
    for row in rows:
        fields = {name: row[name] for name in PROJECT_FIELDS if row[name] not in (None, "") or name == "township"}
        try:
            with transaction.atomic():
                if not row["code"]:
                    services.project_create(user=user, county=row["county"], annual_plan=row["annual_plan"], **fields)
                    result.created += 1
                elif row["code"] not in known:
                    errors.append(RowError(row.number, "项目编号", "该项目编号不存在或不在您的管辖范围内"))
                else:
                    project = known[row["code"]]
                    if row["county"] != project.county:
                        raise ValidationError({"county": "项目所在县不能通过导入修改。"})
                    services.project_update(project=project, user=user, annual_plan=row["annual_plan"], **fields)
                    result.updated += 1
        except ValidationError as error:
            errors.extend(validation_row_errors(PROJECT_SHEET, row.number, error))
        except PermissionDenied as denied:
            errors.append(RowError(row.number, "所在县（市、区）", str(denied)))
    if errors:
        raise RowsInvalid(errors)
    return result


def month_figures_import(rows, user, *, month) -> UpsertResult:
    """A month's figures as drafts, all or nothing; errors are reported on the row of their project."""
    rows_by_project = {row["project"].pk: row for row in rows}
    entries = [
        services.ReportEntry(project=row["project"], **{name: row[name] for name in ENTRY_FIELDS})
        for row in rows
    ]
    existing = MonthlyReport.objects.filter(month=month, project_id__in=rows_by_project).count()
    try:
        saved = services.report_save_draft(user=user, month=month, entries=entries)
    except services.ReportEntriesInvalid as invalid:
        headers = {c.key: c.header for c in MONTH_SHEET.columns}
        raise RowsInvalid([
            RowError(rows_by_project[project_id].number, headers.get(name, ""), message)
            for project_id, fields in invalid.by_project.items() for name, messages in fields.items() for message in messages
        ])
    except (PeriodLocked, PermissionDenied) as refused:
        raise RowsInvalid([RowError(0, "", str(refused))])
    return UpsertResult(created=len(saved) - existing, updated=existing)


class ProjectTemplateView(ExcelTemplateView):
    spec = PROJECT_SHEET


class ProjectExportView(ExcelExportView):
    """The project list as filtered on the page, with the figures of its month."""

    spec = PROJECT_EXPORT_SHEET
    filterset_class = ProjectFilter

    def get_queryset(self):
        try:
            month = parse_month(self.request.GET.get("month", ""))
        except ValueError:
            month = selectors.figures_month()
        queryset = Project.objects.select_related("category", "county", "township").for_user(self.request.user)
        filterset = self.filterset_class(self.request.GET or None, queryset=selectors.projects_with_figures(queryset, month=month))
        return filterset.qs if filterset.is_bound else filterset.queryset


class ProjectImportView(ExcelImportView):
    spec = PROJECT_SHEET
    list_url_name = "project-list"
    template_url_name = "project-excel-template"

    def apply(self, rows, user):
        return projects_import(rows, user)


@extend_schema_view(post=extend_schema(tags=["重大项目"], operation_id="projects_excel_import", summary="Excel 导入项目清单（专班）"))
class ProjectImportAPIView(ExcelImportAPIView):
    spec = PROJECT_SHEET

    def apply(self, rows, user):
        return projects_import(rows, user)


def _may_report(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == Role.COUNTY_STAFF)


class CountyStaffExcelMixin:
    """County staff report the figures: they, not the framework's default audience (clerks), may
    use these views; anyone else gets a 403 as for every page their role may not use."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not _may_report(request.user):
            raise PermissionDenied("月度进度由县乡工作人员填报。")
        return super(ExcelAccessMixin, self).dispatch(request, *args, **kwargs)


class MonthTemplateView(CountyStaffExcelMixin, ExcelTemplateView):
    spec = MONTH_SHEET


@method_decorator(csrf_exempt, name="dispatch")  # as the framework's view: CSRF is checked after the size guard
class MonthImportView(CountyStaffExcelMixin, ExcelImportView):
    """County staff import one month's figures (?month=YYYY-MM, default the last month) as drafts."""

    spec = MONTH_SHEET
    list_url_name = "project-monthly-report"
    template_url_name = "project-month-excel-template"

    def apply(self, rows, user):
        try:
            month = parse_month(self.request.GET.get("month", ""))
        except ValueError:
            month = selectors.figures_month()
        return month_figures_import(rows, user, month=month)


class IsCountyStaff(permissions.BasePermission):
    def has_permission(self, request, view):
        if not _may_report(request.user):
            raise exceptions.NotFound()
        return True


@extend_schema_view(post=extend_schema(
    tags=["重大项目"], operation_id="project_month_excel_import", summary="Excel 导入某月进度（县乡工作人员，保存为草稿）",
    parameters=[OpenApiParameter("month", str, OpenApiParameter.PATH, description="报告月份，如 2026-10")],
))
class MonthImportAPIView(ExcelImportAPIView):
    spec = MONTH_SHEET
    permission_classes = [permissions.IsAuthenticated, IsCountyStaff]

    def apply(self, rows, user):
        try:
            month = parse_month(self.kwargs["month"])
        except ValueError:
            raise RowsInvalid([RowError(0, "", "月份格式应为 YYYY-MM，如 2026-10。")])
        return month_figures_import(rows, user, month=month)
