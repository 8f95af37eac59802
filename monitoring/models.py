"""Outcome monitoring: the indicator catalogue (data, revised over time), the values imported from the
statistics bureau, the computed index snapshots and the annual evaluation.

The documents name the four domains, the count (18), the three county classes and the method; they do
not name the 18 indicators. The catalogue is therefore data, and the shipped one is a demonstration set
(CatalogueVersion.is_demonstration) to be replaced by the province's official catalogue."""
from django.conf import settings
from django.db import models

from registry.models import DivisionLevel
from registry.scoping import JurisdictionManager

VALUE = {"max_digits": 18, "decimal_places": 4}


class CatalogueVersion(models.Model):
    """One edition of the indicator system (动态迭代完善): a revision is a new version, and periods
    computed under an older one keep it."""

    code = models.CharField("版本代码", max_length=32, unique=True)
    name = models.CharField("版本名称", max_length=100)
    is_demonstration = models.BooleanField("演示目录", default=False, help_text="演示用指标集，须由省里正式目录替换")
    valid_from = models.PositiveSmallIntegerField("起始年度")
    valid_to = models.PositiveSmallIntegerField("截止年度", null=True, blank=True, help_text="空表示仍在使用")
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "指标体系版本"
        verbose_name_plural = "指标体系版本"
        ordering = ["-valid_from"]

    def __str__(self):
        return self.name


class Domain(models.Model):
    code = models.CharField("领域代码", max_length=16, unique=True)
    name = models.CharField("领域名称", max_length=32, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "指数领域"
        verbose_name_plural = "指数领域"
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Direction(models.TextChoices):
    HIGHER = "higher", "正向（越高越好）"
    LOWER = "lower", "逆向（越低越好）"
    BAND = "band", "适度（目标区间内最好）"


class Frequency(models.TextChoices):
    QUARTER = "quarter", "季度"
    YEAR = "year", "年度"


class Accumulation(models.TextChoices):
    """How a quarter's year-to-date figure relates to the year's target (the time-proportional path)."""

    CUMULATIVE = "cumulative", "年内累计（从零起算）"
    LEVEL = "level", "水平值（从上年值起算）"


class Indicator(models.Model):
    version = models.ForeignKey(CatalogueVersion, verbose_name="指标体系版本", on_delete=models.PROTECT, related_name="indicators")
    code = models.CharField("指标代码", max_length=16)
    name = models.CharField("指标名称", max_length=100)
    domain = models.ForeignKey(Domain, verbose_name="所属领域", on_delete=models.PROTECT, related_name="indicators")
    unit = models.CharField("单位", max_length=20, blank=True)
    direction = models.CharField("指标方向", max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    band_low = models.DecimalField("适度区间下限", null=True, blank=True, **VALUE)
    band_high = models.DecimalField("适度区间上限", null=True, blank=True, **VALUE)
    frequency = models.CharField("报送频率", max_length=8, choices=Frequency.choices, default=Frequency.YEAR)
    accumulation = models.CharField("季度口径", max_length=12, choices=Accumulation.choices, default=Accumulation.LEVEL)
    source_department = models.CharField("数据来源部门", max_length=64, blank=True)
    at_province = models.BooleanField("省级适用", default=True)
    at_city = models.BooleanField("设区市适用", default=True)
    at_county = models.BooleanField("县级适用", default=True)
    is_key = models.BooleanField("重点指标（按季度报送）", default=False)
    subjective_weight = models.DecimalField("主观权重", max_digits=6, decimal_places=4, default=1,
                                            help_text="专家打分等主观权重，按本期参与计算的指标归一化")
    valid_from = models.DateField("启用日期", null=True, blank=True)
    valid_to = models.DateField("停用日期", null=True, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "指数指标"
        verbose_name_plural = "指数指标"
        ordering = ["version", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="indicator_unique_code")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.direction == Direction.BAND:
            if self.band_low is None or self.band_high is None:
                raise ValidationError({"band_low": "适度指标须填写目标区间的上下限。"})
            if self.band_low > self.band_high:
                raise ValidationError({"band_high": "适度区间上限不能小于下限。"})
        if self.subjective_weight is not None and self.subjective_weight < 0:
            raise ValidationError({"subjective_weight": "主观权重不能为负数。"})
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "停用日期不能早于启用日期。"})

    def applies_at(self, level: int) -> bool:
        return {DivisionLevel.PROVINCE: self.at_province, DivisionLevel.CITY: self.at_city,
                DivisionLevel.COUNTY: self.at_county}.get(level, False)


class IndicatorValue(models.Model):
    """One figure of one indicator for one division and period (a year, or a quarter's year-to-date),
    imported from the statistics bureau's workbook; corrections carry a reason in the change history."""

    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="values")
    division = models.ForeignKey("registry.Division", verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    period = models.CharField("期别", max_length=7, help_text="年度如 2026，季度如 2026Q3")
    value = models.DecimalField("数值", **VALUE)
    target = models.DecimalField("目标值", null=True, blank=True, **VALUE)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = JurisdictionManager("division")

    class Meta:
        verbose_name = "指标数值"
        verbose_name_plural = "指标数值"
        ordering = ["period", "indicator__code", "division__code"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "division", "period"], name="indicator_value_unique"),
        ]
        indexes = [models.Index(fields=["period", "division"], name="indicator_value_period_div")]

    def __str__(self):
        return f"{self.period} {self.division_id} {self.indicator_id}={self.value}"


class PeriodStatus(models.TextChoices):
    COMPUTED = "computed", "已计算（未发布）"
    PUBLISHED = "published", "已发布"


class IndexPeriod(models.Model):
    """The state of one period's index under one catalogue version: computed, published (frozen)."""

    period = models.CharField("期别", max_length=7)
    version = models.ForeignKey(CatalogueVersion, verbose_name="指标体系版本", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=12, choices=PeriodStatus.choices, default=PeriodStatus.COMPUTED)
    alpha = models.DecimalField("主观权重系数 α", max_digits=4, decimal_places=3)
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    method_note = models.TextField("计算说明", blank=True, help_text="α、缺失值处理、各组未参与计算的指标")
    row_count = models.PositiveIntegerField("快照行数", default=0)

    class Meta:
        verbose_name = "指数期别"
        verbose_name_plural = "指数期别"
        ordering = ["-period"]
        constraints = [models.UniqueConstraint(fields=["period", "version"], name="index_period_unique")]

    def __str__(self):
        return f"{self.period} {self.get_status_display()}"

    @property
    def is_published(self) -> bool:
        return self.status == PeriodStatus.PUBLISHED


class RunKind(models.TextChoices):
    COMPUTE = "compute", "计算"
    PUBLISH = "publish", "发布"
    REPUBLISH = "republish", "重新发布"
    SKIPPED = "skipped", "已跳过（已发布期别冻结）"


class IndexRun(models.Model):
    """Every computation and publication of a period: who, when, why (a re-publication needs a reason)."""

    period = models.CharField("期别", max_length=7)
    version = models.ForeignKey(CatalogueVersion, verbose_name="指标体系版本", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=12, choices=RunKind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT,
                           related_name="+")
    reason = models.CharField("原因", max_length=500, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)
    row_count = models.PositiveIntegerField("快照行数", default=0)
    changed_rows = models.PositiveIntegerField("变化行数", default=0)

    class Meta:
        verbose_name = "指数计算与发布记录"
        verbose_name_plural = "指数计算与发布记录"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.period} {self.get_kind_display()}"


class Group(models.TextChoices):
    """The comparison groups: counties within their class, cities among cities, the province on the
    cities' scale."""

    URBANISED = "urbanised", "高度城镇化地区"
    MOUNTAIN_ISLAND = "mountain_island", "山区海岛地区"
    OTHER = "other", "其他地区"
    CITY = "city", "设区市"
    PROVINCE = "province", "全省"


class IndexSnapshot(models.Model):
    """One division's index for one period under one catalogue version (the computation's output)."""

    period = models.CharField("期别", max_length=7)
    division = models.ForeignKey("registry.Division", verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(CatalogueVersion, verbose_name="指标体系版本", on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField("区划层级", choices=DivisionLevel.choices)
    group = models.CharField("比较组", max_length=16, choices=Group.choices)
    composite = models.FloatField("综合指数", null=True, blank=True)
    domain_scores = models.JSONField("领域得分", default=dict, help_text="{领域代码: 得分}")
    rank_in_group = models.PositiveSmallIntegerField("组内排名", null=True, blank=True)
    group_size = models.PositiveSmallIntegerField("组内数量", default=0)
    rank_overall = models.PositiveSmallIntegerField("同级排名", null=True, blank=True)
    previous_rank = models.PositiveSmallIntegerField("上期组内排名", null=True, blank=True)
    change_previous = models.FloatField("较上期变化", null=True, blank=True)
    change_year = models.FloatField("较上年同期变化", null=True, blank=True)
    used = models.PositiveSmallIntegerField("参与计算指标数", default=0)
    missing = models.JSONField("缺失指标", default=list, help_text="本地区缺值、权重已按其余指标重新归一的指标代码")

    objects = JurisdictionManager("division")

    class Meta:
        verbose_name = "指数快照"
        verbose_name_plural = "指数快照"
        ordering = ["period", "group", "rank_in_group"]
        constraints = [
            models.UniqueConstraint(fields=["period", "division", "version"], name="index_snapshot_unique"),
        ]
        indexes = [models.Index(fields=["period", "version", "group"], name="index_snapshot_group")]

    def __str__(self):
        return f"{self.period} {self.division_id} {self.composite}"

    @property
    def rank_movement(self):
        """Places gained since the previous period (positive: moved up)."""
        if self.previous_rank is None or self.rank_in_group is None:
            return None
        return self.previous_rank - self.rank_in_group


class IndicatorScore(models.Model):
    """One indicator's standardised score (0–100) and combined weight for one division and period."""

    period = models.CharField("期别", max_length=7)
    division = models.ForeignKey("registry.Division", verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField("数值", **VALUE)
    score = models.FloatField("标准化得分")
    weight = models.FloatField("综合权重")

    objects = JurisdictionManager("division")

    class Meta:
        verbose_name = "指标标准化得分"
        verbose_name_plural = "指标标准化得分"
        constraints = [
            models.UniqueConstraint(fields=["period", "division", "indicator"], name="indicator_score_unique"),
        ]

    def __str__(self):
        return f"{self.period} {self.division_id} {self.indicator_id} {self.score:.1f}"


class GroupWeight(models.Model):
    """The weights of one comparison group in one period: subjective, entropy and combined (stated)."""

    period = models.CharField("期别", max_length=7)
    version = models.ForeignKey(CatalogueVersion, verbose_name="指标体系版本", on_delete=models.PROTECT, related_name="+")
    group = models.CharField("比较组", max_length=16, choices=Group.choices)
    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="+")
    subjective = models.FloatField("主观权重（归一）")
    objective = models.FloatField("熵值法客观权重")
    combined = models.FloatField("综合权重")

    class Meta:
        verbose_name = "组内指标权重"
        verbose_name_plural = "组内指标权重"
        ordering = ["period", "group", "indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["period", "version", "group", "indicator"], name="group_weight_unique"),
        ]

    def __str__(self):
        return f"{self.period} {self.group} {self.indicator_id} {self.combined:.3f}"


class EvaluationYear(models.Model):
    """The annual evaluation (年度综合评价) of one year: open while clerks write recommendations,
    finalised by the province; its documents are generated by a worker, with progress."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    finalised = models.BooleanField("已定稿", default=False)
    finalised_at = models.DateTimeField("定稿时间", null=True, blank=True)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="定稿人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    documents_total = models.PositiveSmallIntegerField("待生成文档数", default=0)
    documents_done = models.PositiveSmallIntegerField("已生成文档数", default=0)
    documents_error = models.TextField("生成错误", blank=True)
    workbook = models.FileField("汇总表", upload_to="monitoring/", max_length=200, blank=True)

    class Meta:
        verbose_name = "年度综合评价"
        verbose_name_plural = "年度综合评价"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年度综合评价"


class CountyEvaluation(models.Model):
    """One county's evaluation for a year: figures taken from the index and the roll-ups when the
    evaluation is prepared, and the clerk's written recommendation (精准建议)."""

    year = models.ForeignKey(EvaluationYear, verbose_name="年度", on_delete=models.PROTECT, related_name="counties")
    division = models.ForeignKey("registry.Division", verbose_name="县（市、区）", on_delete=models.PROTECT, related_name="+",
                                 limit_choices_to={"level": DivisionLevel.COUNTY})
    composite = models.FloatField("综合指数", null=True, blank=True)
    domain_scores = models.JSONField("领域得分", default=dict)
    rank_in_group = models.PositiveSmallIntegerField("组内排名", null=True, blank=True)
    group_size = models.PositiveSmallIntegerField("组内数量", default=0)
    strengths = models.JSONField("长板优势", default=list)
    weaknesses = models.JSONField("短板不足", default=list)
    closure_rate = models.FloatField("年度交办事项销号率（%）", null=True, blank=True)
    project_completion = models.FloatField("年度项目投资完成率（%）", null=True, blank=True)
    pairing_summary = models.TextField("结对帮扶成效", blank=True, help_text="结对帮扶评价完成后由其模块填入")
    recommendation = models.TextField("精准建议", blank=True)
    docx = models.FileField("评价报告", upload_to="monitoring/", max_length=200, blank=True)

    objects = JurisdictionManager("division")

    class Meta:
        verbose_name = "县（市、区）年度评价"
        verbose_name_plural = "县（市、区）年度评价"
        ordering = ["year", "division__code"]
        constraints = [models.UniqueConstraint(fields=["year", "division"], name="county_evaluation_unique")]

    def __str__(self):
        return f"{self.year_id} {self.division_id}"


class QuarterlyReport(models.Model):
    """The quarterly key-indicator report (季度重点指标进展情况), Word and Excel, one per generation."""

    period = models.CharField("季度", max_length=7)
    version = models.PositiveIntegerField("版本", default=1)
    docx = models.FileField("Word 文件", upload_to="monitoring/", max_length=200, blank=True)
    xlsx = models.FileField("Excel 文件", upload_to="monitoring/", max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "季度重点指标报告"
        verbose_name_plural = "季度重点指标报告"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["period", "version"], name="quarterly_report_unique")]

    def __str__(self):
        return f"{self.period} 第{self.version}版"
