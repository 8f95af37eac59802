"""The programme's deliverables: axes, central towns, weak townships/villages, village clusters,
common-prosperity workshops and their monthly figures, and pairing relationships.

Every record carries the county it belongs to (derived from its division where it has one) so that
one jurisdiction path, ``county``, scopes them all. Rules on a single row live in ``clean()``; rules
that need the proposed many-to-many sets live in ``clean_relations()``; the services call both.
"""
import os
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from registry import uploads
from registry.scoping import JurisdictionManager

from registry.models.divisions import DivisionLevel
from registry.models.organisations import OrganisationKind

PLAN_EXTENSIONS = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".ofd", ".zip"}
PLAN_MAX_BYTES = 20 * 1024 * 1024


def plan_upload_to(instance, filename):
    # Random names: the uploader's file name is never a path on our disk and cannot be guessed.
    ext = os.path.splitext(filename)[1].lower()
    return f"plans/{instance._meta.model_name}/{uuid.uuid4().hex}{ext}"


# What each accepted extension must contain, judged from the bytes as case evidence is: an HTML page
# or a program renamed to .pdf is refused. OLE covers .doc/.xls/.wps; OFD is a zip of XML.
_PLAN_CONTENT = {
    ".pdf": {uploads.PDF}, ".doc": {uploads.OLE_OFFICE}, ".xls": {uploads.OLE_OFFICE}, ".wps": {uploads.OLE_OFFICE},
    ".docx": {uploads.DOCX}, ".xlsx": {uploads.XLSX}, ".ofd": {"zip"}, ".zip": {"zip"},
}


def validate_plan_file(file):
    ext = os.path.splitext(file.name)[1].lower()
    if ext not in PLAN_EXTENSIONS:
        raise ValidationError("方案文件格式不支持，请上传 PDF、Word、Excel、WPS、OFD 或 ZIP 文件。", code="plan_ext")
    if file.size > PLAN_MAX_BYTES:
        raise ValidationError("方案文件不能超过 20MB。", code="plan_size")
    if not getattr(file, "_committed", False):  # a new upload (a stored file was checked when it came in)
        _check_plan_content(file, ext)


def _check_plan_content(file, ext: str):
    file.seek(0)
    head = file.read(16)
    found = uploads.sniff(head, file)
    if found is None and head.startswith(uploads.ZIP_MAGIC):
        found = "zip"
    if found in (uploads.DOCX, uploads.XLSX, uploads.PPTX) and "zip" in _PLAN_CONTENT[ext]:
        found = "zip"
    file.seek(0)
    if found not in _PLAN_CONTENT[ext]:
        raise ValidationError(
            f"方案文件的内容与扩展名“{ext}”不符（按文件内容判断），请上传真实的 PDF、Word、Excel、WPS、OFD 或 ZIP 文件。",
            code="plan_content",
        )


def plan_field(verbose_name):
    return models.FileField(
        verbose_name, upload_to=plan_upload_to, blank=True, max_length=200, validators=[validate_plan_file]
    )


def county_field(related_name, **kwargs):
    return models.ForeignKey(
        "registry.Division",
        verbose_name="所属县（市、区）",
        on_delete=models.PROTECT,
        related_name=related_name,
        limit_choices_to={"level": DivisionLevel.COUNTY},
        **kwargs,
    )


class Batch(models.IntegerChoices):
    FIRST = 1, "第一批"
    SECOND = 2, "第二批"
    THIRD = 3, "第三批"


def _require_level(division, level, field, message):
    if division is not None and division.level != level:
        raise ValidationError({field: message})


def _require_in_county(division, county, field, message):
    if division is not None and county is not None and not county.contains(division):
        raise ValidationError({field: message})


class Deliverable(models.Model):
    """What every deliverable record shares: its county (the scoping path) and timestamps."""

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = JurisdictionManager("county")

    class Meta:
        abstract = True

    def derive_county(self):
        """Set the county from the record's own division, for records that have one."""
        division = getattr(self, "division", None)
        if division is not None:
            self.county = division.county


# --- 发展轴 -----------------------------------------------------------------------------------------


class DevelopmentAxis(Deliverable):
    name = models.CharField("发展轴名称", max_length=100)
    county = county_field("development_axes")
    batch = models.PositiveSmallIntegerField("批次", choices=Batch.choices, default=Batch.FIRST, db_index=True)
    positioning = models.TextField("功能定位", blank=True)
    area_share = models.DecimalField(
        "覆盖县域面积占比（%）", max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    population_share = models.DecimalField(
        "覆盖县域人口占比（%）", max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    plan = plan_field("一轴一方案")

    class Meta:
        verbose_name = "发展轴"
        verbose_name_plural = "发展轴"
        ordering = ["county__code", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "name"], name="axis_unique_name_per_county",
                violation_error_message="本县已有同名发展轴。",
            ),
        ]
        indexes = [models.Index(fields=["name", "id"], name="axis_name_id")]

    def __str__(self):
        return self.name


class AxisNodeKind(models.TextChoices):
    COUNTY_SEAT = "county_seat", "县城"
    CENTRAL_TOWN = "central_town", "中心镇"
    KEY_VILLAGE = "key_village", "重点村"
    CLUSTER = "cluster", "乡村片区组团"


class AxisNode(models.Model):
    """One stop on an axis: the county seat, a central town, a key village or a village cluster."""

    axis = models.ForeignKey(DevelopmentAxis, verbose_name="发展轴", on_delete=models.CASCADE, related_name="nodes")
    kind = models.CharField("节点类型", max_length=20, choices=AxisNodeKind.choices)
    division = models.ForeignKey(
        "registry.Division", verbose_name="节点区划", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cluster = models.ForeignKey(
        "registry.VillageCluster", verbose_name="片区组团", null=True, blank=True, on_delete=models.PROTECT,
        related_name="axis_nodes",
    )
    position = models.PositiveSmallIntegerField("顺序", default=0)

    objects = JurisdictionManager("axis__county")

    class Meta:
        verbose_name = "发展轴节点"
        verbose_name_plural = "发展轴节点"
        ordering = ["axis", "position", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.cluster or self.division}"

    EXPECTED_LEVEL = {
        AxisNodeKind.COUNTY_SEAT: (DivisionLevel.TOWNSHIP, "县城节点应选择县城所在的乡镇（街道）。"),
        AxisNodeKind.CENTRAL_TOWN: (DivisionLevel.TOWNSHIP, "中心镇节点应选择乡镇级区划。"),
        AxisNodeKind.KEY_VILLAGE: (DivisionLevel.VILLAGE, "重点村节点应选择村级区划。"),
    }

    def clean(self):
        if self.kind == AxisNodeKind.CLUSTER:
            if self.cluster_id is None:
                raise ValidationError({"cluster": "片区组团节点须选择片区组团。"})
            if self.axis_id and self.cluster.county_id != self.axis.county_id:
                raise ValidationError({"cluster": "节点须位于发展轴所在县（市、区）内。"})
            return
        if self.division_id is None:
            raise ValidationError({"division": "请选择节点所在区划。"})
        level, message = self.EXPECTED_LEVEL[self.kind]
        _require_level(self.division, level, "division", message)
        if self.axis_id:
            _require_in_county(self.division, self.axis.county, "division", "节点须位于发展轴所在县（市、区）内。")


# --- 相对薄弱乡镇 / 村 --------------------------------------------------------------------------------


class WeakPlace(Deliverable):
    """A relatively weak township or village paired one-to-one (一联一) with a helper unit."""

    LEVEL = None
    LEVEL_MESSAGE = ""

    county = county_field("+")
    since = models.DateField("认定时间")
    helper_unit = models.ForeignKey(
        "registry.Organisation", verbose_name="结对帮扶单位", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    plan_summary = models.TextField("帮扶举措", blank=True)
    plan = plan_field("帮扶方案")

    class Meta:
        abstract = True

    def __str__(self):
        return self.division.full_name

    def clean(self):
        _require_level(self.division, self.LEVEL, "division", self.LEVEL_MESSAGE)


class WeakTownship(WeakPlace):
    LEVEL = DivisionLevel.TOWNSHIP
    LEVEL_MESSAGE = "相对薄弱乡镇只能选择乡镇级区划。"

    division = models.OneToOneField(
        "registry.Division", verbose_name="乡镇", on_delete=models.PROTECT, related_name="weak_township",
        error_messages={"unique": "该乡镇已列为相对薄弱乡镇。"},
    )
    county = county_field("weak_townships")
    plan = plan_field("一镇一策方案")

    class Meta:
        verbose_name = "相对薄弱乡镇"
        verbose_name_plural = "相对薄弱乡镇"
        ordering = ["division__code"]


class WeakVillage(WeakPlace):
    LEVEL = DivisionLevel.VILLAGE
    LEVEL_MESSAGE = "相对薄弱村只能选择村级区划。"

    division = models.OneToOneField(
        "registry.Division", verbose_name="村", on_delete=models.PROTECT, related_name="weak_village",
        error_messages={"unique": "该村已列为相对薄弱村。"},
    )
    county = county_field("weak_villages")
    plan = plan_field("一村一策方案")

    class Meta:
        verbose_name = "相对薄弱村"
        verbose_name_plural = "相对薄弱村"
        ordering = ["division__code"]


# --- 中心镇 ----------------------------------------------------------------------------------------


class CentralTownTrack(models.TextChoices):
    AGRICULTURE = "agriculture", "农业大镇"
    INDUSTRY = "industry", "工业重镇"
    COMMERCE = "commerce", "商贸强镇"
    TOURISM = "tourism", "文旅名镇"


class CentralTown(Deliverable):
    division = models.OneToOneField(
        "registry.Division", verbose_name="乡镇", on_delete=models.PROTECT, related_name="central_town",
        error_messages={"unique": "该乡镇已是中心镇，不能重复认定。"},
    )
    county = county_field("central_towns")
    track = models.CharField("发展类型", max_length=20, choices=CentralTownTrack.choices, db_index=True)
    batch = models.PositiveSmallIntegerField("批次", choices=Batch.choices, default=Batch.FIRST, db_index=True)
    plan = plan_field("一镇一策方案")
    driven_townships = models.ManyToManyField(
        WeakTownship, verbose_name="带动的相对薄弱乡镇（大镇带小乡）", blank=True, related_name="driving_towns"
    )

    class Meta:
        verbose_name = "中心镇"
        verbose_name_plural = "中心镇"
        ordering = ["division__code"]

    def __str__(self):
        return self.division.name

    @property
    def name(self):
        return self.division.name

    def clean(self):
        _require_level(self.division, DivisionLevel.TOWNSHIP, "division", "只有乡镇级区划才能认定为中心镇。")

    def clean_relations(self, *, driven_townships=None, **_):
        for weak in driven_townships or ():
            if weak.county_id != self.county_id:
                raise ValidationError({"driven_townships": f"带动的薄弱乡镇“{weak}”须与中心镇在同一县（市、区）。"})


# --- 乡村片区组团 ----------------------------------------------------------------------------------


class ClusterModel(models.Model):
    """The 八大模式 of village clusters, kept as an editable list."""

    name = models.CharField("模式名称", max_length=50, unique=True, error_messages={"unique": "已有同名模式。"})
    description = models.TextField("说明", blank=True)
    position = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "片区组团模式"
        verbose_name_plural = "片区组团模式"
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


class ClusterLevel(models.TextChoices):
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"


class VillageCluster(Deliverable):
    name = models.CharField("片区组团名称", max_length=100)
    level = models.CharField("级别", max_length=12, choices=ClusterLevel.choices, db_index=True)
    county = county_field("village_clusters")
    key_village = models.ForeignKey(
        "registry.Division", verbose_name="重点村", on_delete=models.PROTECT, related_name="key_village_clusters"
    )
    members = models.ManyToManyField("registry.Division", verbose_name="成员村", related_name="member_of_clusters")
    radiated_villages = models.ManyToManyField(
        "registry.Division", verbose_name="辐射带动村", blank=True, related_name="radiated_by_clusters"
    )
    cross_county_counties = models.ManyToManyField(
        "registry.Division", verbose_name="跨县组团涉及县（市、区）", blank=True, related_name="+"
    )
    model = models.ForeignKey(
        ClusterModel, verbose_name="发展模式", null=True, blank=True, on_delete=models.PROTECT, related_name="clusters"
    )
    operating_company = models.CharField("运营公司", max_length=128, blank=True)
    joint_party_organisation = models.CharField("联合党组织", max_length=128, blank=True)

    class Meta:
        verbose_name = "乡村片区组团"
        verbose_name_plural = "乡村片区组团"
        ordering = ["county__code", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "name"], name="cluster_unique_name_per_county",
                violation_error_message="本县已有同名片区组团。",
            ),
        ]
        indexes = [models.Index(fields=["name", "id"], name="cluster_name_id")]

    def __str__(self):
        return self.name

    def clean(self):
        _require_level(self.key_village, DivisionLevel.VILLAGE, "key_village", "重点村只能选择村级区划。")

    def clean_relations(self, *, members=(), radiated_villages=(), cross_county_counties=(), **_):
        counties = [self.county, *cross_county_counties]
        for county in cross_county_counties:
            _require_level(county, DivisionLevel.COUNTY, "cross_county_counties", "跨县组团只能选择县级区划。")

        def inside(division):
            return any(c.contains(division) for c in counties)

        if self.key_village_id and not inside(self.key_village):
            raise ValidationError({"key_village": "重点村须位于组团所在县或声明的跨县组团县内。"})
        if self.key_village_id and self.key_village_id not in {m.pk for m in members}:
            raise ValidationError({"members": "重点村必须是组团成员村之一。"})
        for field, villages in (("members", members), ("radiated_villages", radiated_villages)):
            for village in villages:
                if village.level != DivisionLevel.VILLAGE:
                    raise ValidationError({field: f"“{village.full_name}”不是村级区划。"})
                if not inside(village):
                    raise ValidationError({field: f"“{village.full_name}”不在组团所在县或声明的跨县组团县内。"})
        overlap = {m.pk for m in members} & {v.pk for v in radiated_villages}
        if overlap:
            raise ValidationError({"radiated_villages": "辐射带动村不能同时是成员村。"})


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


class WorkshopReport(models.Model):
    """One month's figures of a workshop. A month is reported once; corrections update the row and the
    old values stay in the change history."""

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


# --- 结对帮扶 --------------------------------------------------------------------------------------


class PairingKind(models.TextChoices):
    ONE_PLUS_THREE = "one_plus_three", "“1+3”结对帮扶"
    MOUNTAIN_SEA = "mountain_sea", "山海协作"
    ENCLAVE = "enclave", "飞地"


class PairingRelationship(Deliverable):
    county = county_field("pairings")
    kind = models.CharField("帮扶类型", max_length=20, choices=PairingKind.choices, db_index=True)
    year = models.PositiveSmallIntegerField(
        "年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)], db_index=True
    )
    lead_unit = models.ForeignKey(
        "registry.Organisation", verbose_name="省级部门组团牵头单位", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    member_units = models.ManyToManyField(
        "registry.Organisation", verbose_name="省级部门组团成员单位", blank=True, related_name="+"
    )
    partner_county = models.ForeignKey(
        "registry.Division", verbose_name="结对强县（协作县）", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", limit_choices_to={"level": DivisionLevel.COUNTY},
    )
    soe = models.ForeignKey(
        "registry.Organisation", verbose_name="结对省属国企", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    provincial_leader = models.CharField("联系省领导", max_length=32, blank=True)
    project_name = models.CharField("飞地（协作）项目名称", max_length=128, blank=True)
    revenue_sharing_terms = models.TextField("收益分成约定", blank=True)

    class Meta:
        verbose_name = "结对帮扶关系"
        verbose_name_plural = "结对帮扶关系"
        ordering = ["county__code", "-year", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year"], condition=models.Q(kind="one_plus_three"),
                name="pairing_one_plus_three_per_year",
                violation_error_message="该县本年度已有“1+3”结对帮扶关系。",
            ),
        ]

    def __str__(self):
        return f"{self.county} {self.year}年 {self.get_kind_display()}"

    def clean(self):
        county = self.county if self.county_id else None
        partner = self.partner_county if self.partner_county_id else None
        if partner is not None:
            _require_level(partner, DivisionLevel.COUNTY, "partner_county", "结对县只能选择县级区划。")
            if partner == county:
                raise ValidationError({"partner_county": "结对县不能是受帮扶县本身。"})
        if self.kind == PairingKind.ONE_PLUS_THREE:
            if county is not None and not county.is_mountain_island:
                raise ValidationError({"county": "“1+3”结对帮扶只适用于山区海岛县。"})
            errors = {}
            if self.lead_unit_id is None:
                errors["lead_unit"] = "请选择省级部门组团牵头单位。"
            elif self.lead_unit.kind != OrganisationKind.PROVINCIAL_DEPARTMENT:
                errors["lead_unit"] = "牵头单位须为省级部门。"
            if partner is None:
                errors["partner_county"] = "请选择结对强县。"
            elif partner.is_mountain_island:
                errors["partner_county"] = "结对强县不能是山区海岛县。"
            if self.soe_id is None:
                errors["soe"] = "请选择结对省属国企。"
            elif self.soe.kind != OrganisationKind.STATE_OWNED_ENTERPRISE:
                errors["soe"] = "结对国企须为国有企业。"
            if errors:
                raise ValidationError(errors)
        elif self.kind == PairingKind.MOUNTAIN_SEA and partner is None:
            raise ValidationError({"partner_county": "山海协作须选择协作县。"})
        elif self.kind == PairingKind.ENCLAVE:
            errors = {}
            if partner is None:
                errors["partner_county"] = "飞地须选择飞地所在（合作）县。"
            if not self.revenue_sharing_terms.strip():
                errors["revenue_sharing_terms"] = "飞地须填写收益分成约定。"
            if errors:
                raise ValidationError(errors)

    def clean_relations(self, *, member_units=(), **_):
        for unit in member_units:
            if unit.kind != OrganisationKind.PROVINCIAL_DEPARTMENT:
                raise ValidationError({"member_units": f"“{unit.name}”不是省级部门，不能作为组团成员单位。"})
            if unit.pk == self.lead_unit_id:
                raise ValidationError({"member_units": "牵头单位不必再列为成员单位。"})
