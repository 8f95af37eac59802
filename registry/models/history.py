"""The change history: who changed which field of which record, when, from what to what, and why."""
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class ChangeAction(models.TextChoices):
    CREATE = "create", "新建"
    UPDATE = "update", "修改"


class ChangeRecord(models.Model):
    """One field of one record changed by one user at one time, or a new record with all its initial
    values (action "create", field "*"); written by the services only."""

    # Not indexed alone: the first column of change_record_object.
    content_type = models.ForeignKey(ContentType, verbose_name="记录类型", on_delete=models.PROTECT, related_name="+",
                                     db_index=False)
    object_id = models.PositiveBigIntegerField("记录编号")
    record = GenericForeignKey("content_type", "object_id")
    action = models.CharField("操作", max_length=12, choices=ChangeAction.choices)
    field = models.CharField("字段", max_length=64)
    field_label = models.CharField("字段名称", max_length=64)
    old_value = models.TextField("原值", blank=True)
    new_value = models.TextField("新值", blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("修改原因", max_length=255, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "修改记录"
        verbose_name_plural = "修改记录"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="change_record_object")]

    def __str__(self):
        return f"{self.get_action_display()} {self.field_label}"
