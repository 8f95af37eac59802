from django.apps import AppConfig

from . import inputs

# Before any form class is built: form fields copy their validators then (see registry.inputs).
inputs.install_form_validators()


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "基础信息与成果台账"

    def ready(self):
        from . import checks, signals  # noqa: F401
        from .deliverable_views import RECORD_TYPES
        from .models import Role
        from .home import HomeCard, register_card
        from .navigation import NavItem, register

        register(
            NavItem("首页", "home", order=0),
            NavItem("行政区划", "division-list", order=80, section="基础信息"),
            NavItem("单位", "organisation-list", frozenset({Role.CLERK, Role.MANAGER}), order=81, section="基础信息"),
            *(NavItem(r.label, f"{r.key}_list", order=r.nav_order, section="成果台账") for r in RECORD_TYPES),
            NavItem("关于", "about", order=99),
        )
        inputs.install_api_validators()
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
