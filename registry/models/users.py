"""Users, their roles, and the login records the login security reads."""
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models


class Role(models.TextChoices):
    CLERK = "clerk", "专班工作人员"
    COUNTY_STAFF = "county_staff", "县乡工作人员"
    MANAGER = "manager", "领导"


class User(AbstractUser):
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username

    @property
    def division(self):
        return self.organisation.division if self.organisation_id else None

    @property
    def is_partner(self) -> bool:
        """A member of a "1+3" partner unit: a provincial department, a state-owned enterprise or any other
        unit placed at the province that is not the task force. Its division (the province) is not its
        jurisdiction: it sees what it is a party to and the counties its pairings name (registry.scoping)."""
        org = self.organisation if self.organisation_id else None
        return not self.is_superuser and org is not None and org.division.level == 1 and not org.is_task_force

    @property
    def sees_everything(self) -> bool:
        """Superusers and the province task force see the whole province."""
        return self.is_superuser or (self.division is not None and self.division.level == 1 and not self.is_partner)

    @property
    def is_clerk(self) -> bool:
        """A task-force clerk (专班工作人员). The clerk role in a partner unit grants none of a clerk's
        powers: those belong to the task force of a division, and a partner unit is none."""
        return self.role == Role.CLERK and not self.is_partner

    @property
    def is_county_staff(self) -> bool:
        return self.role == Role.COUNTY_STAFF

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def can_write(self) -> bool:
        return self.is_superuser or self.role in (Role.CLERK, Role.COUNTY_STAFF)


class LoginEvent(models.Model):
    class Kind(models.TextChoices):
        LOGIN = "login", "登录成功"
        LOGOUT = "logout", "退出登录"
        FAILED = "failed", "登录失败"
        LOCKED = "locked", "账号锁定"
        EXPIRED = "expired", "会话超时"
        THROTTLED = "throttled", "来源地址受限"
        IP_BLOCKED = "ip_blocked", "来源地址封禁"
        UNLOCKED = "unlocked", "管理员解锁"

    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    user = models.ForeignKey(User, verbose_name="用户", null=True, blank=True, on_delete=models.PROTECT)
    username = models.CharField("登录名", max_length=150)
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=255, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "登录日志"
        verbose_name_plural = "登录日志"
        ordering = ["-created_at"]
        # Per-address login throttling counts an address's recent failures and finds its last block.
        indexes = [models.Index(fields=["ip_address", "kind", "created_at"], name="loginevent_ip_kind_time")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.username}"


class LoginLock(models.Model):
    """Failed logins in a row and the lock, per login name, whether or not an account has that name
    (so that nothing tells a caller whether it exists). A successful login deletes the row."""

    username = models.CharField("登录名", max_length=150, unique=True)
    failures = models.PositiveSmallIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    class Meta:
        verbose_name = "登录锁定"
        verbose_name_plural = "登录锁定"

    def __str__(self):
        return self.username
