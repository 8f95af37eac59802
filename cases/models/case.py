"""The case (交办事项) and what belongs to it: its events (the ledger's rows), evidence, joint
close-out parties and notifications."""
import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse

from registry.models.lists import EditableList
from registry.models.notifications import AbstractNotification
from registry.scoping import JurisdictionManager


class CaseState(models.TextChoices):
    DISCOVERED = "discovered", "待交办"
    ASSIGNED = "assigned", "已交办"
    RECTIFYING = "rectifying", "整改中"
    FEEDBACK = "feedback", "已反馈（待审核）"
    CLOSED = "closed", "已销号"
    CANCELLED = "cancelled", "已撤销"


OPEN_STATES = (CaseState.DISCOVERED, CaseState.ASSIGNED, CaseState.RECTIFYING, CaseState.FEEDBACK)


class CaseLevel(models.IntegerChoices):
    """Escalation level: higher number, higher task force."""

    COUNTY = 1, "县级"
    CITY = 2, "市级"
    PROVINCE = 3, "省级"


class CaseSource(models.TextChoices):
    INSPECTION = "inspection", "督查检查"
    MEETING = "meeting", "专班例会"
    COUNTY_REPORT = "county_report", "县级上报"
    MONITORING = "monitoring", "监测预警"
    PAIRING_PLAN = "pairing_plan", "帮扶计划"
    LEADER_VISIT = "leader_visit", "省领导协调"
    OTHER = "other", "其他"


class CasePriority(models.IntegerChoices):
    NORMAL = 1, "一般"
    IMPORTANT = 2, "重要"
    URGENT = 3, "紧急"


class CaseCategory(EditableList):
    class Meta(EditableList.Meta):
        verbose_name = "事项类别"
        verbose_name_plural = "事项类别"


CASE_PARTIES = ("lead_unit", "co_units", "joint_parties__party")
CASE_PARTIES_VIA_CASE = tuple(f"case__{path}" for path in CASE_PARTIES)


class Case(models.Model):
    title = models.CharField("标题", max_length=200)
    description = models.TextField("问题描述", blank=True)
    category = models.ForeignKey(CaseCategory, verbose_name="类别", on_delete=models.PROTECT, related_name="cases")
    source = models.CharField("来源", max_length=20, choices=CaseSource.choices, default=CaseSource.INSPECTION)
    priority = models.PositiveSmallIntegerField("优先级", choices=CasePriority.choices, default=CasePriority.NORMAL)
    # The record the case concerns: any registry record or project, built by other apps.
    content_type = models.ForeignKey(
        ContentType, verbose_name="关联对象类型", null=True, blank=True, on_delete=models.PROTECT,
        db_index=False,  # the first column of case_concerns
    )
    object_id = models.PositiveBigIntegerField("关联对象编号", null=True, blank=True)
    concerns = GenericForeignKey("content_type", "object_id")
    county = models.ForeignKey(
        "registry.Division", verbose_name="所在县（市、区）", on_delete=models.PROTECT, related_name="cases",
        limit_choices_to={"level": 3}, db_index=False,  # the first column of case_county_state_id
    )
    township = models.ForeignKey(
        "registry.Division",
        verbose_name="所在乡镇（街道）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="township_cases",
    )
    assigning_unit = models.ForeignKey(
        "registry.Organisation", verbose_name="交办单位", on_delete=models.PROTECT, related_name="assigned_cases",
        db_index=False,  # the first column of case_unique_external_ref
    )
    # The task force that owns the case now; it follows escalation.
    owner = models.ForeignKey(
        "registry.Organisation", verbose_name="责任专班", on_delete=models.PROTECT, related_name="owned_cases",
        db_index=False,  # the first column of case_owner_state
    )
    lead_unit = models.ForeignKey(
        "registry.Organisation",
        verbose_name="牵头责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_cases",
        db_index=False,  # the first column of case_lead_state
    )
    co_units = models.ManyToManyField(
        "registry.Organisation", verbose_name="协同责任单位", blank=True, related_name="co_cases"
    )
    deadline = models.DateField("办理期限", null=True, blank=True)
    level = models.PositiveSmallIntegerField("层级", choices=CaseLevel.choices, default=CaseLevel.COUNTY)
    tags = models.CharField("标签", max_length=200, blank=True, help_text="多个标签用逗号分隔")
    # The number a task list gives a task (e.g. 结对帮扶任务 "2026-037"): what tells a re-imported row
    # from a new one. Unique per assigning unit, since each task force numbers its own lists. NULL, not
    # "", when absent: NULLs never collide, so the constraint needs no condition, and full_clean()
    # checks it only for cases that have a number (a condition would cost two queries per save).
    external_ref = models.CharField(
        "外部编号", max_length=64, null=True, blank=True, help_text="任务清单中的编号，同一交办单位内不重复"
    )
    # The document number the assigning task force gives the case (义乌专班〔2026〕38号): a sequence per
    # assigning unit and year, allocated by case_create under a lock on that unit's row; the unique
    # constraint is the backstop. The assigning unit, not the owner, because escalation moves the owner
    # and a 交办单 keeps its number. NULL for cases that predate numbering and were not backfilled.
    doc_year = models.PositiveSmallIntegerField("编号年度", null=True, blank=True, editable=False)
    doc_seq = models.PositiveIntegerField("年度序号", null=True, blank=True, editable=False)
    state = models.CharField("状态", max_length=20, choices=CaseState.choices, default=CaseState.DISCOVERED)
    version = models.PositiveIntegerField("版本号", default=1)
    yellow_card = models.BooleanField("黄牌（临期）", default=False)
    red_card = models.BooleanField("红牌（逾期）", default=False)
    deadline_checked_on = models.DateField("办理期限检查日期", null=True, blank=True)
    escalated_on = models.DateField("最近提级日期", null=True, blank=True)
    extension_deadline = models.DateField("申请延期至", null=True, blank=True)
    extension_reason = models.CharField("延期理由", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="created_cases"
    )
    created_at = models.DateTimeField("登记时间")
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    # The units a case involves see it wherever they sit: a "1+3" strong county or a provincial unit
    # assigned a task in another county's jurisdiction must be able to act on it.
    # A "1+3" partner unit sees, in its paired counties, the cases that concern its pairing, not the rest.
    objects = JurisdictionManager("county", involved=CASE_PARTIES, partner="concerns")

    class Meta:
        verbose_name = "交办事项"
        verbose_name_plural = "交办事项"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["state", "deadline"], name="case_state_deadline"),
            # With the id last, a county+state page is read in key order, not sorted (cursor pagination).
            models.Index(fields=["county", "state", "id"], name="case_county_state_id"),
            # A state's newest cases whatever the county: county staff's lists, whose jurisdiction is a
            # set of ids (scoping) merged with this index read backwards instead of the whole table.
            models.Index(fields=["state", "id"], name="case_state_id"),
            models.Index(fields=["content_type", "object_id"], name="case_concerns"),
            models.Index(fields=["lead_unit", "state"], name="case_lead_state"),
            # The review queue: a task force's cases awaiting its close-out (state 已反馈).
            models.Index(fields=["owner", "state"], name="case_owner_state"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["assigning_unit", "external_ref"],
                name="case_unique_external_ref",
                violation_error_message="本单位已有相同外部编号的交办事项。",
            ),
            models.UniqueConstraint(
                fields=["assigning_unit", "doc_year", "doc_seq"],
                name="case_unique_doc_number",
                violation_error_message="本单位当年已有相同文号的交办事项。",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class CaseEvent(models.Model):
    """One immutable step of a case, hash-chained to the previous step of the same case."""

    # Not indexed alone: the first column of case_event_unique_seq.
    case = models.ForeignKey(Case, verbose_name="交办事项", on_delete=models.PROTECT, related_name="events", db_index=False)
    seq = models.PositiveIntegerField("序号")
    action = models.CharField("操作", max_length=32)
    from_state = models.CharField("原状态", max_length=20, choices=CaseState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=20, choices=CaseState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT
    )
    actor_unit = models.ForeignKey(
        "registry.Organisation", verbose_name="操作单位", null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField("时间")
    comment = models.TextField("说明", blank=True)
    old_deadline = models.DateField("原办理期限", null=True, blank=True)
    new_deadline = models.DateField("新办理期限", null=True, blank=True)
    old_level = models.PositiveSmallIntegerField("原层级", choices=CaseLevel.choices, null=True, blank=True)
    new_level = models.PositiveSmallIntegerField("新层级", choices=CaseLevel.choices, null=True, blank=True)
    payload = models.JSONField("附加数据", default=dict, blank=True)
    prev_hash = models.CharField("上一事件哈希", max_length=64, blank=True)
    hash = models.CharField("哈希", max_length=64)
    # 1: plain sha256, events written before the chain was keyed (accepted only up to the legacy seal);
    # 2: HMAC-SHA256 with settings.LEDGER_HMAC_KEY, which covers case_version and hash_version too.
    hash_version = models.PositiveSmallIntegerField("哈希算法版本", default=2)
    # The case's version once this event was written: the last event must agree with the case row.
    case_version = models.PositiveIntegerField("事项版本号", null=True, blank=True)

    objects = JurisdictionManager("case__county", involved=CASE_PARTIES_VIA_CASE, partner="case__concerns")
    # The application role may only read and insert (registry.db_roles); a trigger refuses UPDATE/DELETE.
    append_only = True

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["case_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="case_event_unique_seq")]

    def __str__(self):
        return f"{self.case_id}#{self.seq} {self.action}"

    @property
    def action_label(self) -> str:
        from ..workflow import action_label

        return action_label(self.action)


def _random_evidence_name(instance, filename):
    # The uploader's file name never reaches the disk: nothing to traverse, guess or execute.
    return f"evidence/{instance.case_id}/{secrets.token_hex(16)}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, verbose_name="交办事项", on_delete=models.PROTECT, related_name="attachments")
    event = models.ForeignKey(
        CaseEvent,
        verbose_name="所属办理记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    file = models.FileField("文件", upload_to=_random_evidence_name, max_length=200)
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = JurisdictionManager("case__county", involved=CASE_PARTIES_VIA_CASE, partner="case__concerns")

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["id"]

    def __str__(self):
        return self.original_name


class JointConfirmation(models.Model):
    """A party whose confirmation a joint close-out (联合销号) needs."""

    case = models.ForeignKey(Case, verbose_name="交办事项", on_delete=models.PROTECT, related_name="joint_parties")
    party = models.ForeignKey("registry.Organisation", verbose_name="确认单位", on_delete=models.PROTECT)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True, on_delete=models.PROTECT
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)

    objects = JurisdictionManager("case__county", involved=CASE_PARTIES_VIA_CASE, partner="case__concerns")

    class Meta:
        verbose_name = "联合销号确认"
        verbose_name_plural = "联合销号确认"
        ordering = ["case_id", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "party"], name="joint_confirmation_unique_party")]

    def __str__(self):
        return f"{self.case_id} {self.party}"


class Notification(AbstractNotification):
    """The product's inbox rows (registry.notifications delivers and shows them; settings.NOTIFICATION_MODEL
    names this model): the ground's fields, and the case a message is about."""

    subject_fields = ("case",)

    case = models.ForeignKey(
        Case, verbose_name="交办事项", null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )

    def target_url(self) -> str:
        return reverse("case-detail", args=[self.case_id]) if self.case_id else self.link

    def subject_now(self) -> dict | None:
        case = self.case if self.case_id else None
        if case is None:
            return None
        card = "red" if case.red_card else "yellow" if case.yellow_card else ""
        open_now = case.state in OPEN_STATES
        return {"state": case.get_state_display(), "open": open_now, "deadline": case.deadline if open_now else None, "card": card}

