"""Organisations: task forces, departments, governments and enterprises, each placed at a division."""
from django.db import models

from registry.scoping import JurisdictionManager


class OrganisationKind(models.TextChoices):
    PROVINCE_TASK_FORCE = "province_task_force", "省工作专班"
    CITY_TASK_FORCE = "city_task_force", "市工作专班"
    COUNTY_TASK_FORCE = "county_task_force", "县工作专班"
    PROVINCIAL_DEPARTMENT = "provincial_department", "省级部门"
    CITY_GOVERNMENT = "city_government", "市政府"
    COUNTY_GOVERNMENT = "county_government", "县（市、区）政府"
    TOWNSHIP_GOVERNMENT = "township_government", "乡镇政府（街道办）"
    STATE_OWNED_ENTERPRISE = "soe", "国有企业"
    # The kinds a "1+3" provincial group gathers around its lead department (registry.PairingGroup).
    SCHOOL = "school", "学校"
    HOSPITAL = "hospital", "医院"
    RESEARCH_INSTITUTE = "research_institute", "科研院所"
    SOCIAL_ORGANISATION = "social_organisation", "社会组织"
    ENTERPRISE = "enterprise", "企业"
    OTHER = "other", "其他单位"


TASK_FORCE_KINDS = {
    OrganisationKind.PROVINCE_TASK_FORCE,
    OrganisationKind.CITY_TASK_FORCE,
    OrganisationKind.COUNTY_TASK_FORCE,
}


class Organisation(models.Model):
    name = models.CharField("单位名称", max_length=128)
    short_name = models.CharField("简称", max_length=64, blank=True)
    kind = models.CharField("单位类型", max_length=32, choices=OrganisationKind.choices, db_index=True)
    division = models.ForeignKey(
        "registry.Division", verbose_name="所在区划", on_delete=models.PROTECT, related_name="organisations"
    )
    is_active = models.BooleanField("启用", default=True)

    objects = JurisdictionManager("division")

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["division__code", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["division", "name"], name="organisation_unique_name_per_division"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_task_force(self) -> bool:
        return self.kind in TASK_FORCE_KINDS
