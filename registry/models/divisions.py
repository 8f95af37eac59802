"""Administrative divisions (province to village) with their prefix keys and programme attributes."""
from django.db import models

from registry.scoping import JurisdictionManager


class DivisionLevel(models.IntegerChoices):
    PROVINCE = 1, "省"
    CITY = 2, "设区市"
    COUNTY = 3, "县（市、区）"
    TOWNSHIP = 4, "乡镇（街道）"
    VILLAGE = 5, "村（社区）"


# Significant digits of a statistics code at each level: 33 / 3307 / 330782 / 330782001 / 330782001001.
KEY_LENGTH = {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}


class IndexClass(models.TextChoices):
    """The three county classes of the 城乡一体融合高质量发展指数."""

    HIGHLY_URBANISED = "urbanised", "高度城镇化地区"
    MOUNTAIN_ISLAND = "mountain_island", "山区海岛地区"
    OTHER = "other", "其他地区"


class Division(models.Model):
    code = models.CharField("区划代码", max_length=12, unique=True)
    # The code without its trailing zero padding; a division's subtree is every key starting with it.
    key = models.CharField("区划键", max_length=12, unique=True, editable=False)
    name = models.CharField("名称", max_length=64)
    full_name = models.CharField("全称路径", max_length=255, db_index=True, help_text="如 金华市/义乌市/佛堂镇")
    level = models.PositiveSmallIntegerField("层级", choices=DivisionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_mountain_island = models.BooleanField("山区海岛县", default=False, db_index=True)
    index_class = models.CharField("指数分类", max_length=20, choices=IndexClass.choices, blank=True, db_index=True)

    objects = JurisdictionManager("self")

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]
        indexes = [
            # LIKE 'prefix%' needs the pattern opclass on PostgreSQL whatever the database collation.
            models.Index(fields=["key"], name="division_key_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["parent", "level"], name="division_parent_level"),
        ]

    def __str__(self):
        return self.name

    @staticmethod
    def key_for(code: str, level: int) -> str:
        return code[: KEY_LENGTH[level]]

    @property
    def county(self):
        """The county this division lies in (itself if a county), via the ancestor chain."""
        node = self
        while node is not None and node.level > DivisionLevel.COUNTY:
            node = node.parent
        return node if node is not None and node.level == DivisionLevel.COUNTY else None

    def contains(self, other: "Division") -> bool:
        return other.key.startswith(self.key)
