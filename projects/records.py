"""The registry records a project can serve. Named by "app_label.model" and resolved at run time, so the
projects app does not depend on the deliverable classes (built and changed by the registry).

A link is a content type and an id, so nothing in the database keeps it to these types or to the
writer's jurisdiction: every write goes through `check_records` and every page that names a linked
record through `record_names`, both reading the records through ``for_user``.
"""
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

# Each servable record type, with the relations its str() reads.
RECORD_TYPES = {
    "registry.developmentaxis": ("county",),
    "registry.centraltown": ("division",),
    "registry.villagecluster": (),
    "registry.pairingrelationship": ("county",),
}
CHOICES_PER_TYPE = 500
FIELD_LABEL = "服务的台账记录"
MAX_ID = 2**63 - 1  # object_id is a bigint: a larger id is no record, and PostgreSQL would refuse it


def _label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def servable_model(content_type_id):
    """The record class of a servable content type, None for any other type."""
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return model if model is not None and _label(model) in RECORD_TYPES else None


def parse_record(value: str) -> tuple[ContentType, int] | None:
    """'registry.centraltown:12' → (its content type, 12); None when it names no servable type or id."""
    label, _, object_id = str(value).partition(":")
    label, object_id = label.strip().lower(), object_id.strip()
    if label not in RECORD_TYPES or not object_id.isdigit() or not 0 < int(object_id) <= MAX_ID:
        return None
    return ContentType.objects.get_for_model(apps.get_model(label)), int(object_id)


def _types_text() -> str:
    return "、".join(str(apps.get_model(label)._meta.verbose_name) for label in RECORD_TYPES)


def invalid_reference(value) -> ValidationError:
    return ValidationError(
        {"records": f"{FIELD_LABEL}“{value}”无效：格式为“应用.模型:ID”，类型只能是{_types_text()}。"}
    )


def check_records(user, pairs) -> None:
    """Each (content_type_id, object_id) pair must be a servable record the user may see; otherwise a
    ValidationError naming the field (the same answer for a missing record and one outside the
    jurisdiction, so that ids cannot be probed)."""
    wanted: dict = {}
    for content_type_id, object_id in pairs:
        model = servable_model(content_type_id)
        if model is None or not 0 < object_id <= MAX_ID:
            raise invalid_reference(f"{content_type_id}:{object_id}")
        wanted.setdefault(model, set()).add(object_id)
    for model, ids in wanted.items():
        missing = ids - set(model.objects.for_user(user).filter(pk__in=ids).values_list("pk", flat=True))
        if missing:
            raise ValidationError(
                {"records": f"{FIELD_LABEL}“{_label(model)}:{min(missing)}”不存在或不在您的管辖范围内。"}
            )


def record_names(user, pairs) -> dict:
    """{(content_type_id, object_id): "类型：名称"} for the linked records the user may see; a record
    of another type, or one the user may not see, has no entry (pages show its id only)."""
    wanted: dict = {}
    for content_type_id, object_id in pairs:
        wanted.setdefault(content_type_id, set()).add(object_id)
    names = {}
    for content_type_id, ids in wanted.items():
        model = servable_model(content_type_id)
        if model is None:
            continue
        records = model.objects.for_user(user).select_related(*RECORD_TYPES[_label(model)])
        for pk, record in records.in_bulk(ids).items():
            names[(content_type_id, pk)] = f"{model._meta.verbose_name}：{record}"
    return names


def record_choices(user, county=None, current=()) -> list:
    """Grouped (value "content_type_id:object_id", label) choices of the records the user may link,
    with the project's `current` links kept as choices (named only if the user may see them) so that
    saving the form does not drop a link the user cannot list."""
    groups = []
    offered = set()
    for label, related in RECORD_TYPES.items():
        model = apps.get_model(label)
        content_type = ContentType.objects.get_for_model(model)
        records = model.objects.for_user(user).select_related(*related)
        if county is not None:
            records = records.within(county)
        options = [(f"{content_type.pk}:{obj.pk}", str(obj)) for obj in records[:CHOICES_PER_TYPE]]
        offered.update(value for value, _ in options)
        if options:
            groups.append((str(model._meta.verbose_name), options))
    current = [pair for pair in current if f"{pair[0]}:{pair[1]}" not in offered]
    if current:
        names = record_names(user, current)
        groups.append(("已关联", [(f"{ct}:{oid}", names.get((ct, oid), f"#{oid}")) for ct, oid in current]))
    return groups
