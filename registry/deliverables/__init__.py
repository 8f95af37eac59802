"""The programme's deliverables registry (成果台账): axes, central towns, weak places, clusters, workshops
and pairings, with their services, selectors, pages, API, Excel sheets and demo data.

It is a package of the `registry` app (its models keep the app label `registry`, so the tables and
migrations are those of `registry/migrations/`), one layer above the ground it shares the app with: it may
import the ground (`registry.*`), the ground imports it only where Django loads the app by name —
`registry.models` (to register the models) and `registry.apps` (which calls `ready()` below).
"""


def ready():
    """The deliverables' share of the registry app's start-up: admin pages, navigation, home card."""
    from registry.home import HomeCard, register_card
    from registry.models import Role
    from registry.navigation import NavItem, register

    from . import admin  # noqa: F401  (admin.autodiscover imports registry.admin only)
    from . import tasks  # noqa: F401  (Celery autodiscovers registry.tasks only)
    from .views import RECORD_TYPES

    register(*(NavItem(r.label, f"{r.key}_list", order=r.nav_order, section="成果台账") for r in RECORD_TYPES))
    register_card(HomeCard("共富工坊", frozenset(Role.values), _workshop_card, order=20))


def _workshop_card(user):
    from django.urls import reverse

    from .selectors import workshop_summary

    summary = workshop_summary(user)
    note = "尚无月度数据"
    if summary["month"]:
        note = (
            f"{summary['month']:%Y年%m月} 带动就业 {summary['jobs'] or 0:,} 人，"
            f"人均月增收 {summary['gain'] or 0:,.0f} 元"
        )
    return {"value": f"{summary['workshops']:,} 家", "url": reverse("workshop_list"), "note": note}
