from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "基础信息与成果台账"

    def ready(self):
        from . import signals  # noqa: F401
        from .deliverable_views import RECORD_TYPES
        from .models import Role
        from .navigation import NavItem, register

        register(
            NavItem("首页", "home", order=0),
            NavItem("行政区划", "division-list", order=80, section="基础信息"),
            NavItem("单位", "organisation-list", frozenset({Role.CLERK, Role.MANAGER}), order=81, section="基础信息"),
            *(NavItem(r.label, f"{r.key}_list", order=r.nav_order, section="成果台账") for r in RECORD_TYPES),
            NavItem("关于", "about", order=99),
        )
