"""Task lists in Excel: a clerk logs and assigns many cases at once, all or nothing, every bad row reported.

E.g. a year's 550 pairing-assistance tasks. Built on `registry.excel`; each case is created and assigned
through the services, so it carries the same events and hash chain as one logged by hand.

Telling a re-imported row from a new task: a task list usually numbers its tasks, so a row with
外部编号 is identified by (assigning unit, number) — kept on the case, unique in the database —
and a number already imported is skipped (counted as unchanged; changes to a case go through its
page, where they are recorded). A row without a number falls back to (assigning unit, county,
title): an existing case with the same title in the same county is reported as a row error. The
deadline is no part of that key: given in working days it moves with the day of the import."""
import re

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view

from registry.excel import Column, Kind, RowError, RowsInvalid, SheetSpec, UpsertResult, validation_row_errors
from registry.excel.references import resolve
from registry.excel.views import ExcelImportAPIView, ExcelImportView, ExcelTemplateView
from registry.models import DivisionLevel

from .models import Case, CaseCategory, CasePriority, CaseSource
from .services import case_create, check_may_log_cases, perform_action
from .workdays import MAX_DEADLINE_WORKDAYS

CO_UNIT_SEPARATORS = re.compile(r"\s*[、；;\n]\s*")
CHUNK = 500

CASE_SHEET = SheetSpec(
    "交办事项",
    columns=[
        Column("外部编号", "external_ref", max_length=64,
               help="任务清单中的编号，如 2026-037；已导入过的编号再次导入时跳过，不重复登记"),
        Column("标题", "title", required=True, max_length=200),
        Column("问题描述", "description", max_length=5000, former_headers=("描述",)),
        Column("类别", "category", Kind.FK, required=True, model=CaseCategory, to_field="name",
               within_jurisdiction=False, help="如 帮扶任务、督查发现问题"),
        Column("来源", "source", Kind.CHOICE, required=True, choices=CaseSource.choices),
        Column("县（市、区）", "county", Kind.DIVISION, required=True, levels=(DivisionLevel.COUNTY,),
               help="须在您的管辖范围内"),
        Column("乡镇（街道）", "township", Kind.DIVISION, levels=(DivisionLevel.TOWNSHIP,), help="须属于所填县（市、区）",
               former_headers=("乡镇",)),
        Column("优先级", "priority", Kind.CHOICE, choices=CasePriority.choices, help="留空为“一般”"),
        Column("牵头责任单位", "lead_unit", Kind.ORGANISATION, help="填写则导入后即交办，须同时填写办理期限或工作日数"),
        Column("协同责任单位", "co_units", max_length=2000, help="多个单位用“、”或“；”分隔；同名单位写成“单位名称（区划代码）”",
               former_headers=("协办单位",)),
        Column("办理期限", "deadline", Kind.DATE, help="与“工作日数”二选一", former_headers=("办结期限",)),
        Column("工作日数", "deadline_workdays", Kind.INT, min_value=1, max_value=MAX_DEADLINE_WORKDAYS,
               help="自导入之日起的工作日数（按法定节假日和调休计算），与“办理期限”二选一"),
        Column("标签", "tags", max_length=200, help="多个标签用逗号分隔"),
        # Last: the column naming the record a case concerns, added by its app (add_concerns_column).
    ],
    row_limit=5000,
    instructions=(
        "7. 填写了“牵头责任单位”的行导入后即交办，须同时填写“办理期限”或“工作日数”（二选一）；"
        "未填写的行登记为“待交办”。\n"
        "8. 已导入过的“外部编号”再次导入时跳过，不修改原事项；未填外部编号的行，"
        "同一县（市、区）已有同名事项的，视为重复，不予导入。"
    ),
)


def add_concerns_column(column: Column):
    """Registration hook for the app whose records an imported case may concern (Case.concerns):
    projects adds 关联项目编号 from its AppConfig.ready(), so that cases imports no app above it. The
    column goes last and the sheet is checked again (a second header or key like it raises)."""
    if column not in CASE_SHEET.columns:
        CASE_SHEET.columns.append(column)
        CASE_SHEET.__post_init__()


def cases_import(rows, user) -> UpsertResult:
    """Log (and, with a lead unit and deadline, assign) one case per row, through the services."""
    try:
        check_may_log_cases(user)
    except ValidationError as refused:
        raise RowsInvalid([RowError(0, "", message) for message in refused.messages]) from None
    co_units = _resolve_co_units(rows, user)
    skipped, errors = _check_rows(rows, user, co_units)
    if errors:
        raise RowsInvalid(errors)
    result = UpsertResult(unchanged=len(skipped))
    for row in rows:
        if row.number in skipped:
            continue
        try:
            # No savepoint of our own: each service rolls back what it began, later rows are still
            # checked so the report names them all, and RowsInvalid then rolls back the whole import.
            _create(row, user, co_units[row.number])
        except ValidationError as error:
            errors.extend(validation_row_errors(CASE_SHEET, row.number, error))
        else:
            result.created += 1
    if errors:
        raise RowsInvalid(errors)
    return result


def _create(row, user, co_units):
    case = case_create(
        by=user, title=row["title"], description=row["description"], category=row["category"],
        source=row["source"], priority=row["priority"] or CasePriority.NORMAL, county=row["county"],
        township=row["township"], tags=row["tags"], external_ref=row["external_ref"], concerns=row["concerns"],
    )
    if row["lead_unit"] is not None:
        perform_action(
            case=case, action="assign", by=user, version=case.version, lead_unit=row["lead_unit"],
            co_units=co_units, deadline=row["deadline"], deadline_workdays=row["deadline_workdays"],
            comment=row["description"],
        )


def _resolve_co_units(rows, user) -> dict:
    """Row number -> its co-units, each name resolved as an organisation cell is (jurisdiction
    included); an unresolved name is left as its CellError."""
    column = Column(CASE_SHEET.column("co_units").header, "co_units", Kind.ORGANISATION)
    names = {row.number: [n for n in CO_UNIT_SEPARATORS.split(row["co_units"]) if n] for row in rows}
    resolved = resolve(column, user, {name for row_names in names.values() for name in row_names})
    return {number: [resolved[name] for name in row_names] for number, row_names in names.items()}


def _check_rows(rows, user, co_units) -> tuple[set, list]:
    """What only a sheet can get wrong: deadlines without a lead unit (or both kinds), unknown
    co-units, retired categories, duplicates in the file or of existing cases. Answers (rows to
    skip, errors). The services' own rules (township in the county, deadline not past, …) are
    theirs to check, when each row is written."""
    header = {c.key: c.header for c in CASE_SHEET.columns}
    unit = user.organisation
    imported_refs, existing_titles = _existing(rows, unit)
    skipped, errors, first_ref, first_title = set(), [], {}, {}
    for row in rows:
        def error(key, message, number=row.number):
            errors.append(RowError(number, header.get(key, ""), message))

        for target in co_units[row.number]:
            if isinstance(target, Exception):
                error("co_units", str(target))
        if row["deadline"] is not None and row["deadline_workdays"] is not None:
            error("deadline_workdays", "“办理期限”和“工作日数”只能填写一项")
        elif row["lead_unit"] is not None and row["deadline"] is None and row["deadline_workdays"] is None:
            error("deadline", "填写了牵头责任单位，须填写办理期限或工作日数")
        elif row["lead_unit"] is None and (row["deadline"] is not None or row["deadline_workdays"] is not None):
            error("lead_unit", "填写了办理期限，须填写牵头责任单位（交办对象）")
        if row["lead_unit"] is None and row["co_units"]:
            error("lead_unit", "填写了协同责任单位，须填写牵头责任单位")
        if not row["category"].is_active:
            error("category", f"类别“{row['category'].name}”已停用")

        ref = row["external_ref"]
        if ref:
            if ref in first_ref:
                error("external_ref", f"与第 {first_ref[ref]} 行的外部编号重复")
            first_ref.setdefault(ref, row.number)
            if ref in imported_refs:
                skipped.add(row.number)
            continue
        title_key = (row["county"].pk, row["title"])
        if title_key in first_title:
            error("title", f"与第 {first_title[title_key]} 行是同一县（市、区）的同名事项；确属不同事项请填写外部编号")
        first_title.setdefault(title_key, row.number)
        if title_key in existing_titles:
            error("title", f"{row['county'].name}已有同名事项（编号 {existing_titles[title_key]}），"
                           "请勿重复导入；确属不同事项请填写外部编号")
    return skipped, errors


def _existing(rows, unit) -> tuple[set, dict]:
    """The external numbers this unit has used, and its cases by (county id, title), among the
    rows' values; a query per 500 rows."""
    refs, titles = set(), {}
    mine = Case.objects.filter(assigning_unit=unit)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        wanted_refs = {r["external_ref"] for r in chunk if r["external_ref"]}
        if wanted_refs:
            refs.update(mine.filter(external_ref__in=wanted_refs).values_list("external_ref", flat=True))
        wanted_titles = {r["title"] for r in chunk if not r["external_ref"]}
        if wanted_titles:
            found = mine.filter(title__in=wanted_titles).values_list("county_id", "title", "pk")
            titles.update({(county_id, title): pk for county_id, title, pk in found})
    return refs, titles


class CaseTemplateView(ExcelTemplateView):
    spec = CASE_SHEET


class CaseImportView(ExcelImportView):
    spec = CASE_SHEET
    list_url_name = "case-list"
    template_url_name = "case-excel-template"

    def apply(self, rows, user):
        return cases_import(rows, user)


@extend_schema_view(post=extend_schema(tags=["交办事项"], operation_id="cases_excel_import",
                                       summary="Excel 导入任务清单（专班，登记并交办）"))
class CaseImportAPIView(ExcelImportAPIView):
    spec = CASE_SHEET

    def apply(self, rows, user):
        return cases_import(rows, user)
