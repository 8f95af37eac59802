"""Navigation registry: each app registers its entries in AppConfig.ready(); the layout shows a user
only the entries their role may use."""
from dataclasses import dataclass, field

from django.urls import reverse

from .models import Role

ALL_ROLES = frozenset(Role.values)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset = field(default=ALL_ROLES)
    order: int = 100
    section: str = ""


_ITEMS: list[NavItem] = []


def register(*items: NavItem):
    for item in items:
        if item not in _ITEMS:
            _ITEMS.append(item)
    _ITEMS.sort(key=lambda i: i.order)


def groups_for(items):
    """Entries of one section under one menu; a section the user sees one entry of stays a plain link."""
    groups, by_section = [], {}
    for item in items:
        section = item["section"]
        if not section:
            groups.append({"label": item["label"], "items": [item]})
        elif section in by_section:
            by_section[section]["items"].append(item)
        else:
            by_section[section] = {"label": section, "items": [item]}
            groups.append(by_section[section])
    return groups


def items_for(user):
    if not user.is_authenticated:
        return []
    return [
        {"label": i.label, "url": reverse(i.url_name), "url_name": i.url_name, "section": i.section}
        for i in _ITEMS
        if user.is_superuser or user.role in i.roles
    ]
