"""Monthly roll-ups: snapshot rows per (month, division, dimension), the record of which months are
complete, every run, and the monthly dispatch bulletins rendered from them."""
from django.conf import settings
from django.db import models

from registry.models import DivisionLevel
from registry.scoping import JurisdictionManager

MONEY = {"max_digits": 16, "decimal_places": 2}


class Dimension(models.TextChoices):
    ALL = "all", "全部事项"
    CATEGORY = "category", "按事项类别"
    RECORD_TYPE = "record_type", "按台账记录类型"


class MonthlySnapshot(models.Model):
    """The figures of one month for one division, over all cases or one category / record type.

    Case figures are counted by the month of assignment and of closing; project figures (only on the
    "all" rows) are the year-to-date figures at the end of the month."""

    month = models.DateField("月份", help_text="当月1日")
    division = models.ForeignKey(
        "registry.Division", verbose_name="行政区划", on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField("区划层级", choices=DivisionLevel.choices)
    dimension = models.CharField("统计维度", max_length=16, choices=Dimension.choices, default=Dimension.ALL)
    dimension_value = models.CharField("维度取值", max_length=64, blank=True, help_text="类别编号或记录类型 app.model")
    dimension_label = models.CharField("维度名称", max_length=100, blank=True)

    dispatched = models.PositiveIntegerField("本月交办", default=0)
    closed = models.PositiveIntegerField("本月销号", default=0)
    closed_on_time = models.PositiveIntegerField("按期销号", default=0)
    open_at_end = models.PositiveIntegerField("月末在办", default=0)
    overdue_at_end = models.PositiveIntegerField("月末逾期", default=0)
    closure_rate = models.FloatField("销号率（%）", null=True, blank=True)
    on_time_rate = models.FloatField("按期销号率（%）", null=True, blank=True)
    median_close_workdays = models.FloatField("销号用时中位数（工作日）", null=True, blank=True)
    urged = models.PositiveIntegerField("本月督办事项", default=0)
    escalated = models.PositiveIntegerField("本月提级事项", default=0)
    awaiting_joint = models.PositiveIntegerField("月末待联合销号", default=0)

    project_count = models.PositiveIntegerField("项目数", null=True, blank=True)
    planned_investment = models.DecimalField("年度计划投资（万元）", null=True, blank=True, **MONEY)
    completed_investment = models.DecimalField("年度累计完成投资（万元）", null=True, blank=True, **MONEY)
    investment_rate = models.FloatField("投资完成率（%）", null=True, blank=True)
    schedule_share = models.FloatField("序时进度（%）", null=True, blank=True)
    schedule_gap = models.FloatField("与序时进度差（百分点）", null=True, blank=True)
    start_rate = models.FloatField("新建项目开工率（%）", null=True, blank=True)
    reports_missing = models.PositiveIntegerField("未报送月报项目", null=True, blank=True)

    objects = JurisdictionManager("division")

    class Meta:
        verbose_name = "月度统计快照"
        verbose_name_plural = "月度统计快照"
        ordering = ["-month", "division__code", "dimension", "dimension_value"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "division", "dimension", "dimension_value"], name="monthly_snapshot_unique_key"
            ),
        ]
        indexes = [models.Index(fields=["month", "level", "dimension"], name="snapshot_month_level_dim")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.division_id} {self.dimension}:{self.dimension_value}"


class FillStatus(models.TextChoices):
    PENDING = "pending", "未完成"
    DONE = "done", "已完成"


class RollupMonth(models.Model):
    """Fill state of one month: whether its snapshot is complete, when, and whether it is final."""

    month = models.DateField("月份", unique=True, help_text="当月1日")
    status = models.CharField("状态", max_length=16, choices=FillStatus.choices, default=FillStatus.PENDING)
    computed_at = models.DateTimeField("完成时间", null=True, blank=True)
    finalised = models.BooleanField("已定稿", default=False, help_text="填报窗口关闭后统计，数据不再变化")
    row_count = models.PositiveIntegerField("快照行数", default=0)

    class Meta:
        verbose_name = "月度统计完成情况"
        verbose_name_plural = "月度统计完成情况"
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.get_status_display()}"


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", "定时任务"
    COMMAND = "command", "命令行"
    MANUAL = "manual", "手工重算"
    CATCH_UP = "catch_up", "补算"
    DEMO = "demo", "演示数据"


class RunStatus(models.TextChoices):
    RUNNING = "running", "运行中"
    DONE = "done", "已完成"
    SKIPPED = "skipped", "已跳过（月份已锁定）"
    FAILED = "failed", "失败"


class RollupRun(models.Model):
    """Every attempt to roll a month up, including skipped ones and clerks' forced re-runs of locked months.
    A run still "running" long after it started was killed: its month stays incomplete and is redone."""

    month = models.DateField("月份")
    trigger = models.CharField("触发方式", max_length=16, choices=RunTrigger.choices)
    status = models.CharField("状态", max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    forced = models.BooleanField("强制重算已锁定月份", default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("原因", max_length=500, blank=True)
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    row_count = models.PositiveIntegerField("写入行数", default=0)
    message = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "月度统计运行记录"
        verbose_name_plural = "月度统计运行记录"
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["month", "status"], name="rollup_run_month_status")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.get_trigger_display()} {self.get_status_display()}"


class BulletinStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已生成"
    FAILED = "failed", "生成失败"


class Bulletin(models.Model):
    """The monthly dispatch bulletin (月度调度通报) of one jurisdiction, as Word and Excel files."""

    month = models.DateField("月份", help_text="当月1日")
    division = models.ForeignKey(
        "registry.Division", verbose_name="行政区划", on_delete=models.PROTECT, related_name="+"
    )
    # Each regeneration is a new row with the next version; earlier versions and their files stay.
    version = models.PositiveIntegerField("版本", default=1)
    status = models.CharField("状态", max_length=16, choices=BulletinStatus.choices, default=BulletinStatus.QUEUED)
    docx = models.FileField("Word 文件", upload_to="bulletins/", max_length=200, blank=True)
    xlsx = models.FileField("Excel 文件", upload_to="bulletins/", max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间")
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    error = models.TextField("错误信息", blank=True)

    objects = JurisdictionManager("division")

    class Meta:
        verbose_name = "月度调度通报"
        verbose_name_plural = "月度调度通报"
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["month", "division"], name="bulletin_month_division")]
        constraints = [
            models.UniqueConstraint(fields=["month", "division", "version"], name="bulletin_unique_version"),
        ]

    def __str__(self):
        return f"{self.month:%Y年%m月} {self.division_id} 调度通报（第{self.version}版）"


# The structure roll-up's snapshot lives in its own package; imported here so Django registers it.
from .graph.models import GraphSnapshot  # noqa: E402,F401
