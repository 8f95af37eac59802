"""The "1+3" pairing's closed loop (实施—跟踪—办结): the annual task list (each task a case), enclaves
and their shared revenue, mountain–sea projects, the provincial leader's visits, the quarter's inputs
and the annual evaluation. The pairing itself and its groups are the registry's (registry.PairingGroup)."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from registry.models.divisions import DivisionLevel
from registry.scoping import JurisdictionManager

MONEY = {"max_digits": 14, "decimal_places": 2}
YEAR = [MinValueValidator(2000), MaxValueValidator(2100)]
QUARTER = [MinValueValidator(1), MaxValueValidator(4)]
# The partners a pairing's records involve: they see them wherever they sit (registry.scoping).
PAIRING_PARTIES = ("pairing__groups__lead_unit", "pairing__groups__members")


class PairingTask(models.Model):
    """A task of a county's annual list: the case that carries it through the workflow, the pairing
    and the group(s) responsible, and whether the county takes it over (承接)."""

    case = models.OneToOneField("cases.Case", verbose_name="交办事项", on_delete=models.PROTECT, related_name="pairing_task")
    pairing = models.ForeignKey("registry.PairingRelationship", verbose_name="结对帮扶关系", on_delete=models.PROTECT,
                                related_name="tasks")
    groups = models.ManyToManyField("registry.PairingGroup", verbose_name="责任组团", related_name="tasks")
    number = models.CharField("任务编号", max_length=64, help_text="年度任务清单中的编号，同一结对关系内不重复")
    is_takeover = models.BooleanField("承接任务", default=False, help_text="由受帮扶县承接落实的任务")

    objects = JurisdictionManager("pairing__county", involved=PAIRING_PARTIES)

    class Meta:
        verbose_name = "结对帮扶任务"
        verbose_name_plural = "结对帮扶任务"
        ordering = ["pairing_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pairing", "number"], name="pairing_task_unique_number",
                                    violation_error_message="该结对关系已有相同编号的任务。"),
        ]

    def __str__(self):
        return f"{self.number} {self.case.title}"


class EnclaveKind(models.TextChoices):
    SCIENCE = "science", "科创飞地"
    POVERTY = "poverty", "消薄飞地"
    INDUSTRY = "industry", "产业飞地"


def _county(name, verbose):
    return models.ForeignKey("registry.Division", verbose_name=verbose, on_delete=models.PROTECT, related_name="+",
                             limit_choices_to={"level": DivisionLevel.COUNTY})


class Enclave(models.Model):
    """An enclave (飞地): built by the county that flies out (飞出地) on land of the county it flies into
    (飞入地), sharing revenue on agreed terms."""

    pairing = models.ForeignKey("registry.PairingRelationship", verbose_name="结对帮扶关系", on_delete=models.PROTECT,
                                related_name="enclaves")
    name = models.CharField("飞地名称", max_length=128)
    kind = models.CharField("飞地类型", max_length=16, choices=EnclaveKind.choices)
    origin = _county("origin", "飞出地")
    host = _county("host", "飞入地")
    revenue_terms = models.TextField("收益分成约定")
    started_on = models.DateField("启用日期", null=True, blank=True)

    objects = JurisdictionManager("pairing__county", involved=PAIRING_PARTIES)

    class Meta:
        verbose_name = "飞地"
        verbose_name_plural = "飞地"
        ordering = ["pairing_id", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["pairing", "name"], name="enclave_unique_name")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.origin_id and self.host_id and self.origin_id == self.host_id:
            raise ValidationError({"host": "飞入地不能与飞出地相同。"})
        if self.pairing_id and self.origin_id and self.host_id and self.pairing.county_id not in (self.origin_id, self.host_id):
            raise ValidationError({"origin": "飞出地或飞入地须有一方是受帮扶县。"})
        if not (self.revenue_terms or "").strip():
            raise ValidationError({"revenue_terms": "请填写收益分成约定。"})


class EnclaveRevenue(models.Model):
    """The revenue an enclave shared with the mountain county in one quarter (万元); a year's amount is
    the sum of its quarters."""

    enclave = models.ForeignKey(Enclave, verbose_name="飞地", on_delete=models.PROTECT, related_name="revenues")
    year = models.PositiveSmallIntegerField("年度", validators=YEAR)
    quarter = models.PositiveSmallIntegerField("季度", validators=QUARTER)
    amount = models.DecimalField("分成收益（万元）", validators=[MinValueValidator(0)], **MONEY)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("填报时间", auto_now=True)

    objects = JurisdictionManager("enclave__pairing__county", involved=tuple(f"enclave__{p}" for p in PAIRING_PARTIES))

    class Meta:
        verbose_name = "飞地分成收益"
        verbose_name_plural = "飞地分成收益"
        ordering = ["enclave_id", "year", "quarter"]
        constraints = [models.UniqueConstraint(fields=["enclave", "year", "quarter"], name="enclave_revenue_one_per_quarter")]


class PairingProject(models.Model):
    """A mountain–sea cooperation project (山海协作项目): a project of the projects app linked to the
    pairing, so that its investment is what its monthly reports say."""

    pairing = models.ForeignKey("registry.PairingRelationship", verbose_name="结对帮扶关系", on_delete=models.PROTECT,
                                related_name="mountain_sea_projects")
    project = models.OneToOneField("projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="pairing_link")
    partner_county = models.ForeignKey("registry.Division", verbose_name="协作县", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+", limit_choices_to={"level": DivisionLevel.COUNTY})

    objects = JurisdictionManager("pairing__county", involved=PAIRING_PARTIES)

    class Meta:
        verbose_name = "山海协作项目"
        verbose_name_plural = "山海协作项目"
        ordering = ["pairing_id", "id"]


class LeaderVisit(models.Model):
    """The provincial leader's visit to the county (每季一次): where, whom, what was raised."""

    pairing = models.ForeignKey("registry.PairingRelationship", verbose_name="结对帮扶关系", on_delete=models.PROTECT,
                                related_name="visits")
    visited_on = models.DateField("调研日期")
    leader = models.CharField("省领导", max_length=32)
    places = models.CharField("调研地点", max_length=500)
    people_met = models.CharField("座谈对象", max_length=500, blank=True)
    summary = models.TextField("调研情况", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = JurisdictionManager("pairing__county", involved=PAIRING_PARTIES)

    class Meta:
        verbose_name = "省领导调研"
        verbose_name_plural = "省领导调研"
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.leader} {self.visited_on:%Y-%m-%d}"


class VisitProblem(models.Model):
    """A problem raised on a visit: the case (source 省领导协调) that carries it to closure."""

    visit = models.ForeignKey(LeaderVisit, verbose_name="调研", on_delete=models.PROTECT, related_name="problems")
    case = models.OneToOneField("cases.Case", verbose_name="交办事项", on_delete=models.PROTECT, related_name="visit_problem")

    objects = JurisdictionManager("visit__pairing__county", involved=tuple(f"visit__{p}" for p in PAIRING_PARTIES))

    class Meta:
        verbose_name = "调研发现问题"
        verbose_name_plural = "调研发现问题"
        ordering = ["visit_id", "id"]


class QuarterInput(models.Model):
    """What a quarter's results need that no ledger holds: the funds put in (帮扶资金, 万元)."""

    pairing = models.ForeignKey("registry.PairingRelationship", verbose_name="结对帮扶关系", on_delete=models.PROTECT,
                                related_name="quarter_inputs")
    year = models.PositiveSmallIntegerField("年度", validators=YEAR)
    quarter = models.PositiveSmallIntegerField("季度", validators=QUARTER)
    funds = models.DecimalField("帮扶资金（万元）", validators=[MinValueValidator(0)], **MONEY)
    note = models.CharField("说明", max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("填报时间", auto_now=True)

    objects = JurisdictionManager("pairing__county", involved=PAIRING_PARTIES)

    class Meta:
        verbose_name = "季度帮扶资金"
        verbose_name_plural = "季度帮扶资金"
        constraints = [models.UniqueConstraint(fields=["pairing", "year", "quarter"], name="quarter_input_one_per_quarter")]


class Metric(models.TextChoices):
    """What a criterion measures: each one computed from the ledger and reports (pairing.results)."""

    COMPLETION = "completion", "任务完成率"
    ON_TIME = "on_time", "按期办结率"
    INVESTMENT = "investment", "山海协作项目投资完成率"
    REVENUE = "revenue", "飞地分成收益（较上年）"
    TAKEOVER = "takeover", "承接任务完成率"


class EvaluationCriterion(models.Model):
    """One line of the annual score sheet: its metric, weight and the value that earns full marks.
    Editable data: the shipped set is a demonstration (the documents name the criteria, not the weights)."""

    name = models.CharField("评价指标", max_length=64)
    metric = models.CharField("计算口径", max_length=16, choices=Metric.choices)
    weight = models.DecimalField("权重（分）", max_digits=5, decimal_places=2, validators=[MinValueValidator(0)])
    full_marks_at = models.DecimalField("满分对应值", max_digits=7, decimal_places=4, default=1,
                                        validators=[MinValueValidator(0)], help_text="比率填 1 表示 100%")
    position = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "年度评价指标"
        verbose_name_plural = "年度评价指标"
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


class EvaluationState(models.TextChoices):
    DRAFT = "draft", "待定稿"
    FINAL = "final", "已定稿"


class PairingEvaluation(models.Model):
    """The annual evaluation (年度综合评价) of one pairing: the computed sheet, the province's comment and
    its finalisation. A finalised sheet is kept as it was; the figures are not recomputed."""

    pairing = models.ForeignKey("registry.PairingRelationship", verbose_name="结对帮扶关系", on_delete=models.PROTECT,
                                related_name="evaluations")
    year = models.PositiveSmallIntegerField("年度", validators=YEAR)
    lines = models.JSONField("评分明细", default=list)
    total = models.DecimalField("总分", max_digits=6, decimal_places=2, default=0)
    comment = models.TextField("省专班评语", blank=True)
    state = models.CharField("状态", max_length=8, choices=EvaluationState.choices, default=EvaluationState.DRAFT)
    computed_at = models.DateTimeField("计算时间")
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="定稿人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    finalised_at = models.DateTimeField("定稿时间", null=True, blank=True)

    objects = JurisdictionManager("pairing__county", involved=PAIRING_PARTIES)

    class Meta:
        verbose_name = "结对帮扶年度评价"
        verbose_name_plural = "结对帮扶年度评价"
        ordering = ["pairing_id", "-year"]
        constraints = [models.UniqueConstraint(fields=["pairing", "year"], name="pairing_evaluation_one_per_year")]
