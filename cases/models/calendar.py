"""The official work calendar that deadlines are counted in (cases.workdays)."""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class WorkCalendarDay(models.Model):
    """The official calendar: a day listed here overrides the Monday-to-Friday rule. Whether a year's
    list is complete (the State Council's notice loaded) is WorkCalendarYear's to say."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("工作日")
    note = models.CharField("说明", max_length=64, blank=True)

    class Meta:
        verbose_name = "工作日历"
        verbose_name_plural = "工作日历"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {'工作日' if self.is_workday else '休息日'}"


class WorkCalendarYear(models.Model):
    """A year whose official calendar is loaded: the State Council's holiday notice for it is in
    WorkCalendarDay. Deadlines in any other year are flagged (cases.workdays.calendar_warning). Who
    loaded or confirmed it is in the change history (registry ChangeRecord)."""

    year = models.PositiveSmallIntegerField("年度", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    source = models.CharField("来源", max_length=200, help_text="如：国务院办公厅关于2027年部分节假日安排的通知（Excel 导入）")
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    loaded_at = models.DateTimeField("确认时间", auto_now=True)

    class Meta:
        verbose_name = "工作日历年度"
        verbose_name_plural = "工作日历年度（已完整导入）"
        ordering = ["year"]

    def __str__(self):
        return f"{self.year} 年"
