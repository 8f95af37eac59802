from django.apps import AppConfig


class RollupsConfig(AppConfig):
    name = "cases.rollups"
    label = "rollups"
    verbose_name = "月度统计与调度"

    def ready(self):
        from registry.home import HomeCard, register_card
        from registry.models import Role
        from registry.navigation import NavItem, register

        from .selectors import home_card

        roles = frozenset({Role.CLERK, Role.MANAGER})
        register(NavItem("调度看板", "rollups:board", roles, order=20))
        register_card(HomeCard("本月交办销号", roles, build=home_card, order=20))
