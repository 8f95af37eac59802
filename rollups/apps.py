"""The rollups app: its menu entry and home card, and the hooks keeping the board's cache and the
ledger's snapshot digest current."""
from django.apps import AppConfig


class RollupsConfig(AppConfig):
    name = "rollups"
    label = "rollups"
    verbose_name = "月度统计与调度"

    def ready(self):
        from django.db.models.signals import post_save

        from cases.anchors import register_snapshot_digest
        from cases.models import CaseEvent
        from registry.home import HomeCard, register_card
        from registry.models import Role
        from registry.navigation import NavItem, register

        from .cache import case_event_saved
        from .digest import snapshot_digest
        from .home import home_card

        post_save.connect(case_event_saved, sender=CaseEvent, dispatch_uid="rollups-pipeline")
        register_snapshot_digest(snapshot_digest)

        roles = frozenset({Role.CLERK, Role.MANAGER})
        register(NavItem("调度看板", "rollups:board", roles, order=20))
        register_card(HomeCard("本月交办销号", roles, build=home_card, order=20))
