"""结对帮扶 (pairing relationships)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from registry.models.divisions import DivisionLevel
from registry.models.organisations import OrganisationKind
from registry.scoping import JurisdictionManager
from .base import Deliverable, county_field, _require_level

# --- 结对帮扶 --------------------------------------------------------------------------------------

class PairingKind(models.TextChoices):
    ONE_PLUS_THREE = "one_plus_three", "“1+3”结对帮扶"
    MOUNTAIN_SEA = "mountain_sea", "山海协作"
    ENCLAVE = "enclave", "飞地"

class PairingRelationship(Deliverable):
    county = county_field("pairings")
    kind = models.CharField("帮扶类型", max_length=20, choices=PairingKind.choices, db_index=True)
    year = models.PositiveSmallIntegerField(
        "年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)], db_index=True
    )
    lead_unit = models.ForeignKey(
        "registry.Organisation", verbose_name="省级部门组团牵头单位", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    member_units = models.ManyToManyField(
        "registry.Organisation", verbose_name="省级部门组团成员单位", blank=True, related_name="+"
    )
    partner_county = models.ForeignKey(
        "registry.Division", verbose_name="结对强县（协作县）", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", limit_choices_to={"level": DivisionLevel.COUNTY},
    )
    soe = models.ForeignKey(
        "registry.Organisation", verbose_name="结对省属国企", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    provincial_leader = models.CharField("联系省领导", max_length=32, blank=True)
    # The leader as a person with an account (who then sees the pairing's pages), or only named above.
    leader_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="联系省领导（系统用户）", null=True, blank=True, on_delete=models.PROTECT,
        related_name="led_pairings",
    )
    project_name = models.CharField("飞地（协作）项目名称", max_length=128, blank=True)
    revenue_sharing_terms = models.TextField("收益分成约定", blank=True)

    class Meta:
        verbose_name = "结对帮扶关系"
        verbose_name_plural = "结对帮扶关系"
        ordering = ["county__code", "-year", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year"], condition=models.Q(kind="one_plus_three"),
                name="pairing_one_plus_three_per_year",
                violation_error_message="该县本年度已有“1+3”结对帮扶关系。",
            ),
        ]

    def __str__(self):
        return f"{self.county} {self.year}年 {self.get_kind_display()}"

    def clean(self):
        county = self.county if self.county_id else None
        partner = self.partner_county if self.partner_county_id else None
        if partner is not None:
            _require_level(partner, DivisionLevel.COUNTY, "partner_county", "结对县只能选择县级区划。")
            if partner == county:
                raise ValidationError({"partner_county": "结对县不能是受帮扶县本身。"})
        if self.kind == PairingKind.ONE_PLUS_THREE:
            if county is not None and not county.is_mountain_island:
                raise ValidationError({"county": "“1+3”结对帮扶只适用于山区海岛县。"})
            errors = {}
            if self.lead_unit_id is None:
                errors["lead_unit"] = "请选择省级部门组团牵头单位。"
            elif self.lead_unit.kind != OrganisationKind.PROVINCIAL_DEPARTMENT:
                errors["lead_unit"] = "牵头单位须为省级部门。"
            if partner is None:
                errors["partner_county"] = "请选择结对强县。"
            elif partner.is_mountain_island:
                errors["partner_county"] = "结对强县不能是山区海岛县。"
            if self.soe_id is None:
                errors["soe"] = "请选择结对省属国企。"
            elif self.soe.kind != OrganisationKind.STATE_OWNED_ENTERPRISE:
                errors["soe"] = "结对国企须为国有企业。"
            if errors:
                raise ValidationError(errors)
        elif self.kind == PairingKind.MOUNTAIN_SEA and partner is None:
            raise ValidationError({"partner_county": "山海协作须选择协作县。"})
        elif self.kind == PairingKind.ENCLAVE:
            errors = {}
            if partner is None:
                errors["partner_county"] = "飞地须选择飞地所在（合作）县。"
            if not self.revenue_sharing_terms.strip():
                errors["revenue_sharing_terms"] = "飞地须填写收益分成约定。"
            if errors:
                raise ValidationError(errors)

    def clean_relations(self, *, member_units=(), **_):
        for unit in member_units:
            if unit.kind != OrganisationKind.PROVINCIAL_DEPARTMENT:
                raise ValidationError({"member_units": f"“{unit.name}”不是省级部门，不能作为组团成员单位。"})
            if unit.pk == self.lead_unit_id:
                raise ValidationError({"member_units": "牵头单位不必再列为成员单位。"})


# --- "1+3" groups ----------------------------------------------------------------------------------

class PairingGroupKind(models.TextChoices):
    PROVINCIAL = "provincial", "省级单位组团"
    STRONG_COUNTY = "strong_county", "强县组团"
    SOE = "soe", "省属国企组团"


K = OrganisationKind
# Who may lead and who may join each group, as the documents name them: a lead department with
# schools, hospitals, research institutes and social organisations; strong counties (their government
# or task force stands for them); state-owned enterprises.
GROUP_LEAD_KINDS = {
    PairingGroupKind.PROVINCIAL: {K.PROVINCIAL_DEPARTMENT},
    PairingGroupKind.STRONG_COUNTY: {K.COUNTY_GOVERNMENT, K.COUNTY_TASK_FORCE},
    PairingGroupKind.SOE: {K.STATE_OWNED_ENTERPRISE},
}
GROUP_MEMBER_KINDS = {
    PairingGroupKind.PROVINCIAL: {K.PROVINCIAL_DEPARTMENT, K.SCHOOL, K.HOSPITAL, K.RESEARCH_INSTITUTE, K.SOCIAL_ORGANISATION},
    PairingGroupKind.STRONG_COUNTY: {K.COUNTY_GOVERNMENT, K.COUNTY_TASK_FORCE},
    PairingGroupKind.SOE: {K.STATE_OWNED_ENTERPRISE},
}


def _kinds_text(kinds) -> str:
    return "、".join(str(K(k).label) for k in sorted(kinds))


def group_unit_error(group_kind, unit, county, *, as_lead: bool) -> str | None:
    """Why `unit` cannot lead / join a `group_kind` group of `county`'s pairing (None: it can)."""
    allowed = (GROUP_LEAD_KINDS if as_lead else GROUP_MEMBER_KINDS)[group_kind]
    role = "牵头单位" if as_lead else "成员单位"
    if unit.kind not in allowed:
        return f"“{unit.name}”是{unit.get_kind_display()}，不能作为{PairingGroupKind(group_kind).label}的{role}（只能是{_kinds_text(allowed)}）。"
    if group_kind == PairingGroupKind.STRONG_COUNTY:
        place = unit.division
        if place.level != DivisionLevel.COUNTY:
            return f"“{unit.name}”不是县级单位，不能代表结对强县。"
        if place.is_mountain_island:
            return f"“{unit.name}”所在的{place.name}是山区海岛县，不能作为结对强县。"
        if county is not None and place.pk == county.pk:
            return f"“{unit.name}”属于受帮扶县本身。"
    elif unit.division.level != DivisionLevel.PROVINCE:
        return f"“{unit.name}”不是省级单位。"
    return None


class PairingGroup(models.Model):
    """One of a "1+3" pairing's three groups: its lead unit and member units."""

    pairing = models.ForeignKey(PairingRelationship, verbose_name="结对帮扶关系", on_delete=models.PROTECT, related_name="groups")
    kind = models.CharField("组团类型", max_length=20, choices=PairingGroupKind.choices)
    lead_unit = models.ForeignKey(
        "registry.Organisation", verbose_name="牵头单位", on_delete=models.PROTECT, related_name="led_pairing_groups"
    )
    members = models.ManyToManyField("registry.Organisation", verbose_name="成员单位", blank=True, related_name="pairing_groups")

    objects = JurisdictionManager("pairing__county", involved=("lead_unit", "members"))

    class Meta:
        verbose_name = "结对帮扶组团"
        verbose_name_plural = "结对帮扶组团"
        ordering = ["pairing_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["pairing", "kind"], name="pairing_group_one_per_kind",
                                    violation_error_message="同一结对关系每类组团只有一个。"),
        ]

    def __str__(self):
        return f"{self.pairing.county} {self.get_kind_display()}"

    def clean(self):
        if self.pairing_id and self.pairing.kind != PairingKind.ONE_PLUS_THREE:
            raise ValidationError({"pairing": "只有“1+3”结对帮扶关系设组团。"})
        if self.lead_unit_id and self.kind:
            error = group_unit_error(self.kind, self.lead_unit, self.pairing.county if self.pairing_id else None, as_lead=True)
            if error:
                raise ValidationError({"lead_unit": error})

    def clean_relations(self, *, members=(), **_):
        county = self.pairing.county if self.pairing_id else None
        errors = [group_unit_error(self.kind, unit, county, as_lead=False) for unit in members]
        errors += [f"“{unit.name}”已是牵头单位，不必再列为成员单位。" for unit in members if unit.pk == self.lead_unit_id]
        errors = [e for e in errors if e]
        if errors:
            raise ValidationError({"members": errors})
