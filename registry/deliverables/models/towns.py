"""中心镇 (central towns) and their tracks."""

from django.core.exceptions import ValidationError
from django.db import models

from registry.models.divisions import DivisionLevel
from .plans import plan_field
from .base import Batch, Deliverable, county_field, _require_level
from .places import WeakTownship

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
