"""What keeps the product whole when Redis is down: the database stays the source of truth.

OutboxTask: a Celery task written in the same transaction as the change that wants it, relayed to the
broker after the commit (or later by the periodic relay) and marked done when a worker has run it, so
a task is run at least once whatever the broker did. CacheEpoch: moved when a cache write that would
have invalidated something could not be made; every cached value's key carries the epoch."""
from django.db import models


class OutboxTask(models.Model):
    name = models.CharField("任务", max_length=200)
    args = models.JSONField("位置参数", default=list)
    kwargs = models.JSONField("关键字参数", default=dict)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("投递时间", null=True, blank=True)
    done_at = models.DateTimeField("执行完成时间", null=True, blank=True)
    attempts = models.PositiveIntegerField("投递次数", default=0)
    last_error = models.TextField("最近错误", blank=True)

    class Meta:
        verbose_name = "待投递任务"
        verbose_name_plural = "待投递任务"
        ordering = ["id"]
        # The relay reads the rows not yet done, oldest first; done rows are the bulk of the table.
        indexes = [models.Index(fields=["id"], condition=models.Q(done_at__isnull=True), name="outbox_not_done")]

    def __str__(self):
        return f"{self.name} #{self.pk}"


class CacheEpoch(models.Model):
    """One row per move; the epoch is the highest id. Rows are only added (no row lock for writers to
    queue on) and the relay prunes all but the last."""

    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "缓存代次"
        verbose_name_plural = "缓存代次"
