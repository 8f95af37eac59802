"""共富工坊 (common-prosperity workshops) and their monthly figures."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from registry.scoping import JurisdictionManager

from registry.models.divisions import DivisionLevel
from registry.models.periods import CountyMonthReminder
from .base import Deliverable, county_field, _require_level

# --- 共富工坊 --------------------------------------------------------------------------------------

class WorkshopType(models.TextChoices):
    PROCESSING = "processing", "来料加工式"
    RECRUITMENT = "recruitment", "定向招工式"
    LIVESTREAM = "livestream", "电商直播式"
    AGRITOURISM = "agritourism", "农旅融合式"
    BRAND = "brand", "品牌带动式"
    INDUSTRY = "industry", "产业赋能式"

class PairingForm(models.TextChoices):
    ONE_TO_ONE = "one_one", "一村对一企"
    MANY_TO_ONE = "many_one", "多村对一企"
    ONE_TO_MANY = "one_many", "一村对多企"

class WorkshopStatus(models.TextChoices):
    OPERATING = "operating", "运营中"
    SUSPENDED = "suspended", "停运"

class Workshop(Deliverable):
    name = models.CharField("工坊名称", max_length=100)
    village = models.ForeignKey(
        "registry.Division", verbose_name="所在村", on_delete=models.PROTECT, related_name="workshops",
        db_index=False,  # the first column of workshop_unique_name_per_village
    )
    township = models.ForeignKey(
        "registry.Division", verbose_name="所在乡镇", on_delete=models.PROTECT, related_name="+", editable=False
    )
    county = county_field("county_workshops", editable=False, db_index=False)  # first column of workshop_county_name_id
    type = models.CharField("工坊类型", max_length=20, choices=WorkshopType.choices)
    pairing_form = models.CharField("结对形式", max_length=12, choices=PairingForm.choices)
    partner_enterprises = models.ManyToManyField(
        "registry.Organisation", verbose_name="合作企业", blank=True, related_name="workshops"
    )
    steward_name = models.CharField("工坊管家", max_length=32, blank=True)
    steward_unit = models.CharField("管家所在单位", max_length=128, blank=True)
    steward_phone = models.CharField("管家联系电话", max_length=32, blank=True)
    opened_on = models.DateField("开办日期", null=True, blank=True)
    status = models.CharField(
        "运营状态", max_length=12, choices=WorkshopStatus.choices, default=WorkshopStatus.OPERATING
    )

    # A partner enterprise is a party to the workshop: its members see it wherever it is (registry.scoping).
    objects = JurisdictionManager("county", involved=("partner_enterprises",))

    class Meta:
        verbose_name = "共富工坊"
        verbose_name_plural = "共富工坊"
        ordering = ["county__code", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "name"], name="workshop_unique_name_per_village",
                violation_error_message="该村已有同名共富工坊。",
            ),
        ]
        indexes = [
            # Sort keys of the list page, each ending in id so the page's ids come from the index alone.
            models.Index(fields=["name", "id"], name="workshop_name_id"),
            models.Index(fields=["opened_on", "id"], name="workshop_opened_id"),
            models.Index(fields=["county", "name", "id"], name="workshop_county_name_id"),
            # Choice codes are matched whole: db_index=True would add a LIKE-pattern index to each, which
            # every write maintains and no query reads.
            models.Index(fields=["type"], name="workshop_type"),
            models.Index(fields=["status"], name="workshop_status"),
        ]

    def __str__(self):
        return self.name

    def derive_county(self):
        village = self.village if self.village_id else None
        if village is not None and village.level == DivisionLevel.VILLAGE:
            self.township = village.parent
            self.county = village.county

    def clean(self):
        _require_level(self.village, DivisionLevel.VILLAGE, "village", "共富工坊须建在村（社区）一级。")

    def clean_relations(self, *, partner_enterprises=(), **_):
        partners = list(partner_enterprises)
        if self.pairing_form in (PairingForm.ONE_TO_ONE, PairingForm.MANY_TO_ONE) and len(partners) > 1:
            raise ValidationError({"partner_enterprises": "“一村对一企”“多村对一企”只能选择一家合作企业。"})
        if self.pairing_form == PairingForm.ONE_TO_MANY and partners and len(partners) < 2:
            raise ValidationError({"partner_enterprises": "“一村对多企”须选择至少两家合作企业。"})

class WorkshopReportStatus(models.TextChoices):
    SUBMITTED = "submitted", "已报送"
    CONFIRMED = "confirmed", "县已确认"


class WorkshopReport(models.Model):
    """One month's figures of a workshop. A month is reported once; corrections update the row and the
    old values stay in the change history. The chain (window, county confirmation, lock with exceptions,
    reminders) is the projects' one: registry.periods, used by registry/deliverables/reporting.py."""

    workshop = models.ForeignKey(Workshop, verbose_name="共富工坊", on_delete=models.PROTECT, related_name="reports")
    period = models.DateField("统计月份", help_text="该月第一天")
    employed = models.PositiveIntegerField("带动就业人数")
    low_income_employed = models.PositiveIntegerField("其中低收入农户人数", default=0)
    # Per-person income is reported in 元 in every source document; 万元 would need four decimals.
    avg_monthly_income_gain = models.DecimalField(
        "人均月增收（元）", max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    village_collective_income = models.DecimalField(
        "村集体增收（万元）", max_digits=12, decimal_places=4, default=0, validators=[MinValueValidator(0)]
    )
    submitted_by = models.ForeignKey(
        "registry.User", verbose_name="填报人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=12, choices=WorkshopReportStatus.choices, default=WorkshopReportStatus.SUBMITTED
    )
    confirmed_by = models.ForeignKey(
        "registry.User", verbose_name="确认人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    created_at = models.DateTimeField("填报时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = JurisdictionManager("workshop__county", involved=("workshop__partner_enterprises",))

    class Meta:
        verbose_name = "共富工坊月度数据"
        verbose_name_plural = "共富工坊月度数据"
        ordering = ["-period", "-workshop_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "period"], name="workshop_report_unique_month",
                violation_error_message="该工坊本月数据已填报，如需修改请更正原记录。",
            ),
        ]
        # Read backwards it serves the default ordering, ids included, so deep pages scan the index only.
        indexes = [models.Index(fields=["period", "workshop", "id"], name="workshop_report_period_id")]

    def __str__(self):
        return f"{self.workshop} {self.period:%Y年%m月}"

    def clean(self):
        if self.period is not None:
            self.period = self.period.replace(day=1)
            if self.period > timezone.localdate().replace(day=1):
                raise ValidationError({"period": "不能填报未来月份的数据。"})
        if (
            self.employed is not None
            and self.low_income_employed is not None
            and self.low_income_employed > self.employed
        ):
            raise ValidationError({"low_income_employed": "低收入农户人数不能超过带动就业人数。"})


class WorkshopReportReminder(CountyMonthReminder):
    """A reminder sent to a county whose workshops have not reported a month, once per county and day."""

    missing_count = models.PositiveIntegerField("未报送工坊数")

    class Meta(CountyMonthReminder.Meta):
        verbose_name = "工坊填报提醒"
        verbose_name_plural = "工坊填报提醒"
        constraints = [
            models.UniqueConstraint(fields=["county", "month", "sent_on"], name="workshop_reminder_once_a_day"),
        ]
