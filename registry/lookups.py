"""Names offered while typing into a list's division or unit filter (registry.filters.LookupInput):
a small server search instead of a script library (the intranet loads nothing from outside)."""
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.urls import path

from .filters import unit_label
from .models import Division, Organisation

LOOKUP_ROWS = 20


def _text(request) -> str:
    return request.GET.get("q", "").strip()[:50]


@login_required
def lookup_divisions(request):
    """Divisions whose name contains the text (higher levels first), offered by their full name."""
    text = _text(request)
    rows = Division.objects.filter(name__icontains=text).order_by("level", "code").values_list("full_name", "code")[:LOOKUP_ROWS] if text else []
    return JsonResponse({"results": [{"value": full_name, "label": code} for full_name, code in rows]})


@login_required
def lookup_units(request):
    """Units the user may see whose name contains the text, offered as 名称（区划）."""
    text = _text(request)
    units = (
        Organisation.objects.for_user(request.user).filter(name__icontains=text).select_related("division")
        .order_by("division__code", "name")[:LOOKUP_ROWS] if text else []
    )
    return JsonResponse({"results": [{"value": unit_label(u), "label": u.get_kind_display()} for u in units]})


urlpatterns = [
    path("lookups/divisions/", lookup_divisions, name="lookup-divisions"),
    path("lookups/units/", lookup_units, name="lookup-units"),
]
