"""The ledger's anchors (signed statements of every case's chain head) and the verification runs' outcomes."""
from django.db import models


class AnchorKind(models.TextChoices):
    LEGACY = "legacy", "旧链封存"
    DAILY = "daily", "每日锚定"
    MONTH_END = "month_end", "月末交账"


class LedgerAnchor(models.Model):
    """A signed (HMAC) statement of every case's chain head and of one month's roll-up snapshot.

    Append-only: the application role may INSERT but not UPDATE, DELETE or TRUNCATE (grants, and a
    trigger on both databases). Each anchor stores only the heads that moved since the previous one
    (LedgerAnchorHead) and signs the previous anchor's signature, so the anchors form a keyed chain."""

    kind = models.CharField("类型", max_length=16, choices=AnchorKind.choices)
    period = models.DateField("锚定日期", help_text="每日锚定为所锚定的日期，月末交账为当月1日")
    created_at = models.DateTimeField("写入时间")
    prev_signature = models.CharField("上一锚点签名", max_length=64, blank=True)
    last_event_id = models.BigIntegerField("最大办理记录编号", default=0)
    case_count = models.PositiveIntegerField("交办事项数", default=0)
    event_count = models.PositiveBigIntegerField("办理记录数", default=0)
    head_count = models.PositiveIntegerField("本次变化的链头数", default=0)
    heads_digest = models.CharField("链头摘要", max_length=64)
    rollup_month = models.DateField("统计月份", null=True, blank=True)
    rollup_finalised = models.BooleanField("统计已定稿", default=False)
    rollup_rows = models.PositiveIntegerField("快照行数", default=0)
    rollup_digest = models.CharField("快照摘要", max_length=64, blank=True)
    signature = models.CharField("签名（HMAC）", max_length=64)

    append_only = True  # registry.db_roles

    class Meta:
        verbose_name = "台账锚点"
        verbose_name_plural = "台账锚点"
        ordering = ["-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period}"


class LedgerAnchorHead(models.Model):
    """One case's chain head as an anchor saw it. A plain case id, not a foreign key: the anchor must
    outlive whatever happens to the case tables."""

    anchor = models.ForeignKey(
        LedgerAnchor, verbose_name="锚点", on_delete=models.PROTECT, related_name="heads",
        db_index=False,  # the first column of anchor_head_unique_case
    )
    case_id = models.BigIntegerField("交办事项编号")
    seq = models.PositiveIntegerField("链头序号")
    hash = models.CharField("链头哈希", max_length=64)

    append_only = True  # registry.db_roles

    class Meta:
        verbose_name = "锚定链头"
        verbose_name_plural = "锚定链头"
        indexes = [models.Index(fields=["case_id", "anchor"], name="anchor_head_case")]
        constraints = [models.UniqueConstraint(fields=["anchor", "case_id"], name="anchor_head_unique_case")]


class LedgerCheck(models.Model):
    """The outcome of one verify_ledger run, shown on the audit page."""

    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间")
    ok = models.BooleanField("校验通过")
    case_count = models.PositiveIntegerField("校验事项数", default=0)
    event_count = models.PositiveBigIntegerField("校验记录数", default=0)
    anchor_id = models.BigIntegerField("对照锚点", null=True, blank=True)
    findings = models.JSONField("发现的问题", default=list, blank=True)

    class Meta:
        verbose_name = "台账校验记录"
        verbose_name_plural = "台账校验记录"
        ordering = ["-id"]
