"""The benchmark's write floor (bench.writes): the least a locked write costs on this stack — one row
locked and updated, one row inserted, in one transaction — so that a case action's throughput is
judged against what the same machine, database and framework do for a write that carries no rules.
Each benchmark thread writes its own slot, as each case action writes its own case."""
from django.conf import settings
from django.db import models


class WriteFloorSlot(models.Model):
    slot = models.PositiveSmallIntegerField("槽位", primary_key=True)
    count = models.PositiveIntegerField("写入次数", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "写入基准槽位"
        verbose_name_plural = "写入基准槽位"

    def __str__(self):
        return f"槽位 {self.slot}"


class WriteFloorEntry(models.Model):
    slot = models.ForeignKey(WriteFloorSlot, on_delete=models.CASCADE, related_name="entries", verbose_name="槽位")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="用户")
    count = models.PositiveIntegerField("写入序号")
    created_at = models.DateTimeField("写入时间", auto_now_add=True)

    class Meta:
        verbose_name = "写入基准记录"
        verbose_name_plural = "写入基准记录"

    def __str__(self):
        return f"槽位 {self.slot_id} #{self.count}"
