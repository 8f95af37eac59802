"""The registry records a project can serve. Named by "app_label.model" and resolved at run time, so the
projects app does not depend on the deliverable classes (built and changed by the registry)."""
from django.apps import apps
from django.contrib.contenttypes.models import ContentType

# Each servable record type, with the relations its str() reads.
RECORD_TYPES = {
    "registry.developmentaxis": ("county",),
    "registry.centraltown": ("division",),
    "registry.villagecluster": (),
    "registry.pairingrelationship": ("county",),
}
CHOICES_PER_TYPE = 500


def record_choices(user, county=None) -> list:
    """Grouped (value "content_type_id:object_id", label) choices of the records the user may link."""
    groups = []
    for label, related in RECORD_TYPES.items():
        model = apps.get_model(label)
        content_type = ContentType.objects.get_for_model(model)
        records = model.objects.for_user(user).select_related(*related)
        if county is not None:
            records = records.within(county)
        options = [(f"{content_type.pk}:{obj.pk}", str(obj)) for obj in records[:CHOICES_PER_TYPE]]
        if options:
            groups.append((str(model._meta.verbose_name), options))
    return groups

