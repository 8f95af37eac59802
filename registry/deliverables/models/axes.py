"""发展轴 (development axes) and their nodes in order along the axis."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from registry.scoping import JurisdictionManager

from registry.models.divisions import DivisionLevel
from .plans import plan_field
from .base import Batch, Deliverable, county_field, _require_level, _require_in_county
from .towns import CentralTown

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
    # A central-town node names the CentralTown record (its track, plan, clusters, driven townships), not
    # a bare township; `division` is kept equal to the town's township so old readers still work.
    central_town = models.ForeignKey(
        "registry.CentralTown", verbose_name="中心镇", null=True, blank=True, on_delete=models.PROTECT,
        related_name="axis_nodes",
    )
    position = models.PositiveSmallIntegerField("顺序", default=0)

    objects = JurisdictionManager("axis__county")

    class Meta:
        verbose_name = "发展轴节点"
        verbose_name_plural = "发展轴节点"
        ordering = ["axis", "position", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.cluster or self.central_town or self.division}"

    @property
    def target(self):
        """The record or division the node stands for (the typed reference)."""
        return self.cluster or self.central_town or self.division

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
        if self.kind == AxisNodeKind.CENTRAL_TOWN:
            if self.central_town_id is None and self.division_id is not None:
                # Forms, the API and Excel may still name the township: it must be a recognised central town.
                self._check_division()
                self.central_town = CentralTown.objects.filter(division_id=self.division_id).first()
                if self.central_town is None:
                    raise ValidationError({"division": f"“{self.division.full_name}”不是已认定的中心镇，请先认定中心镇。"})
            if self.central_town_id is None:
                raise ValidationError({"central_town": "中心镇节点须选择已认定的中心镇。"})
            if self.axis_id and self.central_town.county_id != self.axis.county_id:
                raise ValidationError({"central_town": "节点须位于发展轴所在县（市、区）内。"})
            self.division_id = self.central_town.division_id
            return
        if self.division_id is None:
            raise ValidationError({"division": "请选择节点所在区划。"})
        self._check_division()

    def _check_division(self):
        level, message = self.EXPECTED_LEVEL[self.kind]
        _require_level(self.division, level, "division", message)
        if self.axis_id:
            _require_in_county(self.division, self.axis.county, "division", "节点须位于发展轴所在县（市、区）内。")
