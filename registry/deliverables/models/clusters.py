"""乡村片区组团 (village clusters) and the cluster models they follow."""

from django.core.exceptions import ValidationError
from django.db import models

from registry.models.divisions import DivisionLevel
from .base import Deliverable, county_field, _require_level

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
    # The central town the cluster belongs to (中心镇 → 片区组团), if any: the town's figures include it.
    central_town = models.ForeignKey(
        "registry.CentralTown", verbose_name="所属中心镇", null=True, blank=True, on_delete=models.PROTECT,
        related_name="clusters",
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
        if self.central_town_id and self.county_id and self.central_town.county_id != self.county_id:
            raise ValidationError({"central_town": "所属中心镇须与组团在同一县（市、区）。"})

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
