"""What every deliverable record shares: its county (the scoping path), timestamps, batches and
the level/county checks the records' clean() methods use."""

from django.core.exceptions import ValidationError
from django.db import models

from registry.scoping import JurisdictionManager

from registry.models.divisions import DivisionLevel

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
