"""Reads for the monitoring pages and API: one scoping rule for values and snapshots."""
from .catalogue import DEMO_NOTICE
from .models import CatalogueVersion, Domain


def catalogue_context() -> dict:
    versions = list(CatalogueVersion.objects.prefetch_related("indicators__domain").order_by("-valid_from"))
    return {
        "versions": versions,
        "domains": list(Domain.objects.all()),
        "demo_notice": DEMO_NOTICE if any(v.is_demonstration for v in versions) else "",
    }
