"""相对薄弱乡镇 / 村 (relatively weak townships and villages)."""

from django.db import models

from registry.models.divisions import DivisionLevel
from .plans import plan_field
from .base import Deliverable, county_field, _require_level

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
