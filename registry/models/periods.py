"""The monthly rhythm's records (read through registry.periods): a month's reporting window when it
differs from the default, the months the province has locked, and the counties let back into one.

These tables were created by the projects app and kept their names (db_table) when the models moved
to the ground, state only (registry 0006 / projects 0006): no data moved."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from registry.scoping import JurisdictionManager


def validate_first_of_month(value):
    if value.day != 1:
        raise ValidationError("月份请填写当月1日。")


class ReportingWindow(models.Model):
    """Overrides the default reporting window (settings.PROJECT_REPORTING_WINDOW) for one month."""

    month = models.DateField("报告月份", unique=True, help_text="当月1日", validators=[validate_first_of_month])
    opens_on = models.DateField("填报开始日期")
    closes_on = models.DateField("填报截止日期")
    reason = models.CharField("调整原因", max_length=200, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="设置人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField("设置时间", auto_now=True)

    class Meta:
        db_table = "projects_reportingwindow"  # created by the projects app, where it began
        verbose_name = "填报窗口"
        verbose_name_plural = "填报窗口"
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")), name="reporting_window_order"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m}：{self.opens_on}～{self.closes_on}"


class PeriodLock(models.Model):
    month = models.DateField("锁定月份", unique=True, help_text="当月1日", validators=[validate_first_of_month])
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="锁定人", on_delete=models.PROTECT, related_name="+")
    locked_at = models.DateTimeField("锁定时间", auto_now_add=True)
    reason = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        db_table = "projects_periodlock"
        verbose_name = "月份锁定"
        verbose_name_plural = "月份锁定"
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%Y-%m} 已锁定"


class LockException(models.Model):
    """Lets one county write to one locked month again; granted by a province clerk, never deleted."""

    county = models.ForeignKey("registry.Division", verbose_name="县（市、区）", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份", help_text="当月1日", validators=[validate_first_of_month])
    reason = models.TextField("原因")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批准人", on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField("批准时间", auto_now_add=True)

    objects = JurisdictionManager("county")

    class Meta:
        db_table = "projects_lockexception"
        verbose_name = "锁定例外"
        verbose_name_plural = "锁定例外"
        ordering = ["-granted_at"]
        constraints = [models.UniqueConstraint(fields=["county", "month"], name="lock_exception_unique")]

    def __str__(self):
        return f"{self.county_id} {self.month:%Y-%m} 例外"


class CountyMonthReminder(models.Model):
    """A reminder sent to a county that still owes a month's reports, one row per county and day (the
    unique constraint, declared by each concrete reminder, makes a second run the same day send nothing).
    Projects' and workshops' reminders are both this shape."""

    county = models.ForeignKey("registry.Division", verbose_name="县（市、区）", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("报告月份")
    sent_on = models.DateField("提醒日期")
    missing_count = models.PositiveIntegerField("未报送数")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = JurisdictionManager("county")

    class Meta:
        abstract = True
        ordering = ["-sent_on", "county"]

    def __str__(self):
        return f"{self.county_id} {self.month:%Y-%m} {self.sent_on}"
