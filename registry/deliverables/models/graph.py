"""The programme's own structure as closure rows: for every axis, central town and village cluster (and
for each county's whole structure), one row per record or village it reaches, however many routes lead
there. registry/deliverables/graph.py writes the rules and rebuilds the rows; roll-ups and list filters
read them, so "what belongs to what" is decided in one place."""
from django.contrib.contenttypes.models import ContentType
from django.db import models


class GraphNodeKind(models.TextChoices):
    AXIS = "axis", "发展轴"
    TOWN = "town", "中心镇"
    CLUSTER = "cluster", "乡村片区组团"
    # The union of every node of one county (node_id is the county's id): its distinct totals.
    COUNTY = "county", "县域台账结构"


class GraphReach(models.Model):
    """Node `node_kind:node_id` reaches `member` (an axis, central town, cluster or a village division).
    (node, member) is unique: a village in two of a town's clusters is one row with paths = 2."""

    node_kind = models.CharField("节点类型", max_length=10, choices=GraphNodeKind.choices)
    node_id = models.PositiveBigIntegerField("节点ID")
    county = models.ForeignKey(
        "registry.Division", verbose_name="所属县（市、区）", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    member_type = models.ForeignKey(ContentType, verbose_name="成员类型", on_delete=models.CASCADE, related_name="+")
    member_id = models.PositiveBigIntegerField("成员ID")
    paths = models.PositiveIntegerField("到达路径数", default=1)

    class Meta:
        verbose_name = "台账结构覆盖关系"
        verbose_name_plural = "台账结构覆盖关系"
        constraints = [
            models.UniqueConstraint(
                fields=["node_kind", "node_id", "member_type", "member_id"], name="graph_reach_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["member_type", "member_id"], name="graph_reach_member"),
            models.Index(fields=["county", "node_kind"], name="graph_reach_county"),
        ]

    def __str__(self):
        return f"{self.node_kind}:{self.node_id} → {self.member_type_id}:{self.member_id}"
