"""Who may write what on projects and reports, and the fields each form carries."""
from django.core.exceptions import PermissionDenied

from registry.models import Division, DivisionLevel, Role
from registry.scoping import user_can_see_division

# Fields of a report county staff type; everything else is derived or stamped.
REPORT_FIELDS = ("completed", "progress", "problems", "note")
PROJECT_FIELDS = (
    "name", "category", "township", "owner_unit", "contact_name", "contact_phone", "total_investment",
    "planned_start", "planned_completion", "kind", "stage", "actual_start",
)


def _clerk_level(user) -> int | None:
    """The division level a clerk works at (1 province … 3 county); superusers act as the province."""
    if user.is_superuser:
        return DivisionLevel.PROVINCE
    if not user.is_clerk or user.division is None:
        return None
    return user.division.level


def _require_clerk(user, county: Division, *, levels: tuple[int, ...], action: str):
    level = _clerk_level(user)
    if level not in levels or not user_can_see_division(user, county):
        raise PermissionDenied(f"只有{'、'.join(_LEVEL_NAMES[lv] for lv in levels)}专班工作人员可以{action}。")


_LEVEL_NAMES = {DivisionLevel.PROVINCE: "省级", DivisionLevel.CITY: "市级", DivisionLevel.COUNTY: "县级"}


def _require_county_staff(user, county: Division):
    if not (user.is_superuser or (user.role == Role.COUNTY_STAFF and not user.is_partner and user_can_see_division(user, county))):
        raise PermissionDenied("只有本县（市、区）的县乡工作人员可以填报月度进度。")
