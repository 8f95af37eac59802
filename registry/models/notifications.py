"""The in-app inbox's fields, shared by the product (registry.notifications delivers and shows them).

The concrete model is named by settings.NOTIFICATION_MODEL (today cases.Notification: its table, the
existing cases_notification, adds the case a message is about), as AUTH_USER_MODEL names the user: the
ground holds the inbox without depending on the app whose records the messages point to."""
from django.conf import settings
from django.db import models


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", "交办"
    URGED = "urged", "督办"
    REJECTED = "rejected", "退回"
    FEEDBACK = "feedback", "待审核"
    CLOSED = "closed", "销号"
    ESCALATED = "escalated", "提级"
    EXTENSION = "extension", "延期"
    DEADLINE = "deadline", "办理期限提醒"
    REMINDER = "reminder", "报送提醒"
    INSTRUCTION = "instruction", "领导批示"
    BULLETIN = "bulletin", "调度通报"
    OTHER = "other", "其他"


class AbstractNotification(models.Model):
    """A message in one person's inbox. A message to a unit is delivered to each of its members."""

    # Fields of the concrete model naming the record a message is about (delivered through
    # notify_users(**subject), shown by the API).
    subject_fields: tuple[str, ...] = ()

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    organisation = models.ForeignKey(
        "registry.Organisation", verbose_name="接收单位", null=True, blank=True, on_delete=models.PROTECT
    )
    kind = models.CharField("类型", max_length=20, choices=NotificationKind.choices)
    message = models.CharField("内容", max_length=500)
    # Where the message leads when it is not about a case (other apps' pages), a path on this site.
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    # Archived messages leave the inbox's default list (未归档) but are kept (已归档): nothing is deleted.
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)

    class Meta:
        abstract = True
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.message

    def target_url(self) -> str:
        """Where the inbox links the message: the concrete model points to the record it is about."""
        return self.link

    def subject_now(self) -> dict | None:
        """What the record the message is about looks like now (not when the message was sent):
        {"state", "badge", "deadline", "card"}; None when the message is about no such record. The
        concrete model answers for its subject; read with select_related(*subject_fields)."""
        return None
