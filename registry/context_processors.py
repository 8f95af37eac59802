"""The navigation every page shows, built from the apps' registered menu entries."""
from .navigation import groups_for, items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    items = items_for(user)
    match = request.resolver_match
    current = match.view_name if match else ""
    return {"nav_items": items, "nav_groups": groups_for(items), "current_url_name": current}
