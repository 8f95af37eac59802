"""Keeping the official working calendar: the State Council's annual holiday notice imported from
Excel, a year marked as loaded, every change recorded. Province clerks (and administrators) only.

The notice lists, for one year, the holidays (假日) and the weekend days worked instead (调休上班);
every other day follows Monday to Friday. Each row names the notice's year (年度): a notice may list
a day of the year before (a make-up day in late December), and importing it declares that year
loaded (WorkCalendarYear), so its deadlines are no longer flagged (cases.workdays.calendar_warning).
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view

from registry.excel import Column, Kind, RowError, RowsInvalid, SheetSpec, history_recorder, upsert_by_key
from registry.excel.views import ExcelImportAPIView, ExcelImportView, ExcelTemplateView
from registry.history import record_changes, snapshot

from .models import WorkCalendarDay, WorkCalendarYear

IMPORT_SOURCE = "国务院办公厅节假日安排通知（Excel 导入）"

HOLIDAY_SHEET = SheetSpec(
    "法定节假日安排",
    columns=[
        Column("年度", "year", Kind.INT, required=True, min_value=2000, max_value=2100,
               help="通知所属年度，如《国务院办公厅关于2027年部分节假日安排的通知》填 2027"),
        Column("日期", "date", Kind.DATE, required=True, help="须在所填年度内（上一年 12 月的调休上班日也可）"),
        Column("类型", "is_workday", Kind.CHOICE, required=True, choices=[(False, "假日"), (True, "调休上班")]),
        Column("名称", "note", required=True, max_length=64, help="如 元旦、春节；调休上班日如 春节调休上班"),
    ],
    key_columns=["date"],
    row_limit=400,
    instructions=(
        "7. 按通知逐日填写放假日（含与之相连的周末）和调休上班日；未列出的日期按周一至周五上班计算。\n"
        "8. 导入成功后，所填年度即标记为“已完整导入”，落在该年度的办理期限不再提示“按周一至周五推算”。"
        "同一文件再次导入不作任何修改。"
    ),
)


def may_keep_calendar(user) -> bool:
    """The calendar is the whole province's: its province task force (or an administrator) keeps it."""
    return user.is_authenticated and (user.is_superuser or (user.is_clerk and user.sees_everything))


def _check_year(instance, row):
    if instance.date.year not in (row["year"], row["year"] - 1):
        raise ValidationError({"date": f"日期 {instance.date:%Y-%m-%d} 不在 {row['year']} 年度内。"})


def holidays_import(rows, user):
    """Upsert the notice's days by date and mark its years loaded; all or nothing (run_import)."""
    if not may_keep_calendar(user):
        raise RowsInvalid([RowError(0, "", "只有省级工作专班工作人员可以导入法定节假日安排。")])
    result = upsert_by_key(
        WorkCalendarDay, rows, spec=HOLIDAY_SHEET, user=user, fields=["date", "is_workday", "note"],
        prepare=_check_year, on_change=history_recorder(HOLIDAY_SHEET, user, reason="导入节假日安排通知"),
    )
    for year in sorted({row["year"] for row in rows}):
        calendar_year_mark_loaded(year=year, source=IMPORT_SOURCE, by=user)
    return result


@transaction.atomic
def calendar_year_mark_loaded(*, year: int, source: str, by) -> WorkCalendarYear:
    """Declare a year's official calendar complete; a year already loaded is left as it was."""
    found = WorkCalendarYear.objects.select_for_update().filter(year=year).first()
    if found is not None:
        return found
    return calendar_year_save(instance=WorkCalendarYear(year=year, source=source), by=by)


@transaction.atomic
def calendar_year_save(*, instance: WorkCalendarYear, by, reason: str = "标记年度工作日历已完整导入") -> WorkCalendarYear:
    """Create or change a loaded year (the admin's form too), recording who did it."""
    before = snapshot(WorkCalendarYear.objects.get(pk=instance.pk)) if instance.pk else {}
    instance.loaded_by = by
    instance.full_clean()
    instance.save()
    record_changes(instance, actor=by, before=before, after=snapshot(instance), reason=reason)
    return instance


@transaction.atomic
def calendar_day_save(*, instance: WorkCalendarDay, by, reason: str = "管理后台修改") -> WorkCalendarDay:
    """An administrator's edit of one day, recorded like the import's."""
    before = snapshot(WorkCalendarDay.objects.get(pk=instance.pk)) if instance.pk else {}
    instance.full_clean()
    instance.save()
    record_changes(instance, actor=by, before=before, after=snapshot(instance), reason=reason)
    return instance


class CalendarAccess:
    def allowed(self, user) -> bool:
        return may_keep_calendar(user)


class HolidayTemplateView(CalendarAccess, ExcelTemplateView):
    spec = HOLIDAY_SHEET


class HolidayImportView(CalendarAccess, ExcelImportView):
    spec = HOLIDAY_SHEET
    template_url_name = "calendar-excel-template"

    def apply(self, rows, user):
        return holidays_import(rows, user)


@extend_schema_view(post=extend_schema(tags=["工作日历"], operation_id="calendar_excel_import"))
class HolidayImportAPIView(CalendarAccess, ExcelImportAPIView):
    spec = HOLIDAY_SHEET

    def apply(self, rows, user):
        return holidays_import(rows, user)
