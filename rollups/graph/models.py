"""Monthly figures per node of the programme's structure, and per county and city of the administrative
tree for comparison; written by the roll-up run (rollups.graph.services), upserted by key."""
from django.db import models

from registry.scoping import JurisdictionManager

MONEY = {"max_digits": 16, "decimal_places": 2}


class NodeKind(models.TextChoices):
    AXIS = "axis", "发展轴"
    TOWN = "town", "中心镇"
    CLUSTER = "cluster", "乡村片区组团"
    COUNTY = "county", "县域台账结构（去重合计）"
    ADMIN_COUNTY = "admin_county", "县（市、区）行政区划合计"
    ADMIN_CITY = "admin_city", "设区市行政区划合计"


GRAPH_KINDS = (NodeKind.AXIS, NodeKind.TOWN, NodeKind.CLUSTER)


class GraphSnapshot(models.Model):
    """One node's figures for a month. Projects are year to date at the month's end; workshop jobs and
    income gain are the month's; collective income both the month's and the year's to date; cases open
    and overdue at the month's end, closed during it. Each project, village, workshop and case counts once
    per row however many routes reach it (registry/deliverables/graph.py)."""

    month = models.DateField("月份", help_text="当月1日")
    node_kind = models.CharField("节点类型", max_length=14, choices=NodeKind.choices)
    node_id = models.PositiveBigIntegerField("节点ID", help_text="发展轴、中心镇、片区组团或区划的ID")
    county = models.ForeignKey(
        "registry.Division", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+",
        help_text="节点所在县；设区市合计行为该市",
    )
    name = models.CharField("名称", max_length=150)

    project_count = models.PositiveIntegerField("项目数", default=0)
    year_plan = models.DecimalField("年度计划投资（万元）", default=0, **MONEY)
    completed_year = models.DecimalField("年度累计完成投资（万元）", default=0, **MONEY)
    completion_rate = models.FloatField("投资完成率（%）", null=True, blank=True)
    schedule_gap = models.FloatField("与序时进度差（百分点）", null=True, blank=True)
    new_due = models.PositiveIntegerField("年内计划开工新建项目", default=0)
    new_started = models.PositiveIntegerField("其中已开工", default=0)
    start_rate = models.FloatField("新建项目开工率（%）", null=True, blank=True)

    villages = models.PositiveIntegerField("覆盖村数", default=0)
    workshops = models.PositiveIntegerField("共富工坊数", default=0)
    jobs = models.PositiveIntegerField("带动就业人数", default=0)
    low_income_jobs = models.PositiveIntegerField("其中低收入农户", default=0)
    income_gain = models.DecimalField(
        "人均月增收（元，按就业人数加权）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    collective_income = models.DecimalField("本月村集体增收（万元）", default=0, max_digits=16, decimal_places=4)
    collective_income_year = models.DecimalField("年度累计村集体增收（万元）", default=0, max_digits=16, decimal_places=4)

    cases_open = models.PositiveIntegerField("月末在办事项", default=0)
    cases_overdue = models.PositiveIntegerField("月末逾期事项", default=0)
    cases_closed = models.PositiveIntegerField("本月销号事项", default=0)

    # On the county rows only: what the sum over the county's nodes counts more than once.
    village_node_links = models.PositiveIntegerField("各节点覆盖村数之和", default=0)
    shared_villages = models.PositiveIntegerField("被多个节点覆盖的村", default=0)
    project_node_links = models.PositiveIntegerField("各节点项目数之和", default=0)
    shared_projects = models.PositiveIntegerField("挂在多个节点的项目", default=0)

    objects = JurisdictionManager("county")

    class Meta:
        verbose_name = "台账结构月度快照"
        verbose_name_plural = "台账结构月度快照"
        ordering = ["-month", "node_kind", "node_id"]
        constraints = [
            models.UniqueConstraint(fields=["month", "node_kind", "node_id"], name="graph_snapshot_unique_key"),
        ]
        indexes = [models.Index(fields=["month", "county", "node_kind"], name="graph_snapshot_month_county")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.node_kind}:{self.node_id}"
