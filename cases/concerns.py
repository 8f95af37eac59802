"""What a case may concern: a registry record or project of the programme, checked on every write.

Named "app_label.model" so that cases do not import the apps built on top of them. A case's concern is
a content type and an id, which nothing in the database keeps to these types or to the writer's
jurisdiction: every write checks it here, through the record's scoped manager (for_user)."""
from django.apps import apps
from django.core.exceptions import ValidationError

from registry.scoping import can_see

# The ground's programme records; apps above cases add theirs at start-up (projects: its projects and
# monthly reports) through add_concern_types, since cases imports nothing above it.
CONCERN_TYPES = [
    "registry.division",
    "registry.developmentaxis",
    "registry.centraltown",
    "registry.villagecluster",
    "registry.workshop",
    "registry.weaktownship",
    "registry.weakvillage",
    "registry.pairingrelationship",
]
MAX_ID = 2**63 - 1  # object_id is a bigint


def add_concern_types(*labels: str) -> None:
    CONCERN_TYPES.extend(label for label in labels if label not in CONCERN_TYPES)


def concern_model(type_name: str):
    """The model a case may concern named `type_name`, or None."""
    label = str(type_name).strip().lower()
    return apps.get_model(label) if label in CONCERN_TYPES else None


def _types_text() -> str:
    return "、".join(str(apps.get_model(label)._meta.verbose_name) for label in CONCERN_TYPES)


def wrong_type() -> ValidationError:
    return ValidationError({"concerns_type": f"关联对象类型无效：只能是{_types_text()}（如 projects.project）。"})


def out_of_reach() -> ValidationError:
    return ValidationError({"concerns_id": "关联对象不存在或不在您的管辖范围内。"})


def concern_for_user(user, type_name: str, object_id):
    """The record `type_name`:`object_id` if a case may concern it and the user may see it."""
    model = concern_model(type_name)
    if model is None:
        raise wrong_type()
    if object_id is None or not 0 < int(object_id) <= MAX_ID:
        raise out_of_reach()
    target = model.objects.for_user(user).filter(pk=object_id).first()
    if target is None:
        raise out_of_reach()
    return target


def check_concern(user, concerns) -> None:
    """The service's check of a concern given as an object (API, form, import, other services)."""
    if concerns is None:
        return
    meta = concerns._meta
    if f"{meta.app_label}.{meta.model_name}" not in CONCERN_TYPES:
        raise ValidationError({"concerns": f"关联对象类型无效：只能是{_types_text()}。"})
    if not can_see(user, concerns):
        raise ValidationError({"concerns": "关联对象不存在或不在您的管辖范围内。"})
