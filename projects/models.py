"""Major projects (重大项目) and their monthly progress reports (月度进度填报).

Figures a report implies (cumulative for the year, completion rate, 序时进度) are never stored:
selectors derive them in the database from the monthly ``completed`` amounts.
"""
import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from registry.models.lists import EditableList
# Months, reporting windows and locks belong to the ground (registry.periods); imported for the report
# models' validators and foreign key, for the code that reads them from here, and for migrations
# 0001 and 0003, which name projects.models.validate_first_of_month.
from registry.models.periods import (  # noqa: F401
    CountyMonthReminder, LockException, PeriodLock, ReportingWindow, validate_first_of_month,
)
from registry.scoping import JurisdictionManager

MONEY = {"max_digits": 14, "decimal_places": 2}


class ProjectCategory(EditableList):
    class Meta(EditableList.Meta):
        verbose_name = "项目类别"
        verbose_name_plural = "项目类别"


class ProjectKind(models.TextChoices):
    NEW = "new", "新建"
    CONTINUING = "continuing", "续建"


class ProjectStage(models.TextChoices):
    PLANNING = "planning", "谋划"
    PREPARATION = "preparation", "前期"
    CONSTRUCTION = "construction", "在建"
    COMPLETED = "completed", "竣工"
    TERMINATED = "terminated", "终止"


# Projects in these stages owe a monthly report.
REPORTING_STAGES = (ProjectStage.PREPARATION, ProjectStage.CONSTRUCTION)


class Project(models.Model):
    code = models.CharField("项目编号", max_length=16, unique=True, editable=False, help_text="县区划代码+年份+4位序号，系统生成")
    name = models.CharField("项目名称", max_length=200, db_index=True)
    category = models.ForeignKey(ProjectCategory, verbose_name="项目类别", on_delete=models.PROTECT, related_name="projects")
    county = models.ForeignKey(
        "registry.Division", verbose_name="所在县（市、区）", on_delete=models.PROTECT, related_name="projects",
        limit_choices_to={"level": 3},
    )
    township = models.ForeignKey(
        "registry.Division", verbose_name="所在乡镇（街道）", null=True, blank=True, on_delete=models.PROTECT,
        related_name="township_projects", limit_choices_to={"level": 4},
    )
    owner_unit = models.CharField("业主单位", max_length=128)
    contact_name = models.CharField("联系人", max_length=32, blank=True)
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)
    total_investment = models.DecimalField("总投资（万元）", **MONEY)
    planned_start = models.DateField("计划开工日期", null=True, blank=True)
    planned_completion = models.DateField("计划竣工日期", null=True, blank=True)
    kind = models.CharField("建设性质", max_length=16, choices=ProjectKind.choices, db_index=True)
    stage = models.CharField("项目阶段", max_length=16, choices=ProjectStage.choices, default=ProjectStage.PLANNING, db_index=True)
    actual_start = models.DateField("实际开工日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = JurisdictionManager("county")

    class Meta:
        verbose_name = "重大项目"
        verbose_name_plural = "重大项目"
        ordering = ["code"]
        indexes = [models.Index(fields=["county", "stage"], name="project_county_stage")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        # Field-level year bounds come from registry.inputs (forms, API, Excel); these relate the fields.
        errors = {}
        if self.planned_start and self.planned_completion and self.planned_completion < self.planned_start:
            errors["planned_completion"] = "计划竣工日期不能早于计划开工日期。"
        if self.actual_start and self.actual_start > timezone.localdate():
            errors["actual_start"] = "实际开工日期不能晚于今天。"
        if errors:
            raise ValidationError(errors)


class ProjectYearPlan(models.Model):
    """The investment planned for one calendar year: completion rates of past years keep their own plan."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="year_plans")
    year = models.PositiveSmallIntegerField("年度")
    planned_investment = models.DecimalField("年度计划投资（万元）", **MONEY)

    class Meta:
        verbose_name = "年度投资计划"
        verbose_name_plural = "年度投资计划"
        ordering = ["project", "year"]
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="project_year_plan_unique")]

    def __str__(self):
        return f"{self.project.code} {self.year}年计划"


class ProjectCodeSequence(models.Model):
    """Last sequence number used per county and year; incremented under a row lock."""

    county = models.ForeignKey("registry.Division", verbose_name="县（市、区）", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年份")
    last = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = "项目编号序列"
        verbose_name_plural = "项目编号序列"
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="project_code_sequence_unique")]

    def __str__(self):
        return f"{self.county_id}-{self.year}: {self.last}"


class ProjectRecordLink(models.Model):
    """A registry record the project serves (an axis, a central town, a cluster, a pairing …)."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="record_links")
    content_type = models.ForeignKey(ContentType, verbose_name="记录类型", on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField("记录ID")
    record = GenericForeignKey("content_type", "object_id")

    class Meta:
        verbose_name = "服务的台账记录"
        verbose_name_plural = "服务的台账记录"
        constraints = [
            models.UniqueConstraint(fields=["project", "content_type", "object_id"], name="project_record_link_unique"),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="project_record_link_target")]

    def __str__(self):
        return f"{self.project_id} → {self.content_type_id}:{self.object_id}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    CONFIRMED = "confirmed", "县已确认"
    APPROVED = "approved", "市已审核"


# Reports in these states count in every figure; drafts are the county's working copy.
COUNTED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.CONFIRMED, ReportStatus.APPROVED)


class MonthlyReport(models.Model):
    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.PROTECT, related_name="reports")
    month = models.DateField("月份", help_text="当月1日", db_index=True, validators=[validate_first_of_month])
    completed = models.DecimalField("本月完成投资（万元）", **MONEY)
    progress = models.TextField("形象进度", blank=True)
    problems = models.TextField("存在问题", blank=True)
    note = models.TextField("说明", blank=True, help_text="累计完成超过总投资等情况的说明")
    status = models.CharField("状态", max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="最后保存人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="县确认人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField("县确认时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="市审核人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField("市审核时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = JurisdictionManager("project__county")

    class Meta:
        verbose_name = "月度进度报告"
        verbose_name_plural = "月度进度报告"
        ordering = ["project", "month"]
        constraints = [models.UniqueConstraint(fields=["project", "month"], name="monthly_report_unique_month")]
        indexes = [models.Index(fields=["month", "status"], name="monthly_report_month_status")]

    def __str__(self):
        return f"{self.project_id} {self.month:%Y-%m}"


def _random_attachment_name(instance, filename):
    # The uploader's file name never reaches the disk: nothing to traverse, guess or execute.
    return f"project-reports/{instance.report_id}/{secrets.token_hex(16)}"


class ReportAttachment(models.Model):
    """A photo or document attached to a monthly report (形象进度照片、佐证材料); served only through a
    permission-checked view."""

    report = models.ForeignKey(MonthlyReport, verbose_name="报告", on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField("文件", upload_to=_random_attachment_name, max_length=200)
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = JurisdictionManager("report__project__county")

    class Meta:
        verbose_name = "报告附件"
        verbose_name_plural = "报告附件"
        ordering = ["id"]

    def __str__(self):
        return self.original_name


class RevisionAction(models.TextChoices):
    EDIT = "edit", "修改"
    SUBMIT = "submit", "提交"
    CONFIRM = "confirm", "县确认"
    RETURN = "return", "退回"
    APPROVE = "approve", "市审核"
    CORRECT = "correct", "更正"


class ReportRevision(models.Model):
    """Every change to a report after its first submission, status changes included: who, when, what, why."""

    report = models.ForeignKey(MonthlyReport, verbose_name="报告", on_delete=models.PROTECT, related_name="revisions")
    action = models.CharField("操作", max_length=16, choices=RevisionAction.choices)
    field = models.CharField("字段", max_length=32)
    old_value = models.TextField("原值", blank=True)
    new_value = models.TextField("新值", blank=True)
    reason = models.TextField("原因", blank=True)
    lock_exception = models.ForeignKey(
        LockException, verbose_name="依据的锁定例外", null=True, blank=True, on_delete=models.PROTECT, related_name="revisions"
    )
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField("操作时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "报告修改记录"
        verbose_name_plural = "报告修改记录"
        ordering = ["report", "changed_at", "id"]

    def __str__(self):
        return f"{self.report_id} {self.get_action_display()} {self.field}"


class ReportReminder(CountyMonthReminder):
    """A reminder sent to a county whose projects have not submitted a month (until notifications exist)."""

    missing_count = models.PositiveIntegerField("未提交项目数")

    class Meta(CountyMonthReminder.Meta):
        verbose_name = "填报提醒"
        verbose_name_plural = "填报提醒"
        constraints = [models.UniqueConstraint(fields=["county", "month", "sent_on"], name="report_reminder_once_a_day")]
