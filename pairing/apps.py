from django.apps import AppConfig


class PairingConfig(AppConfig):
    name = "pairing"
    label = "pairing"
    verbose_name = "结对帮扶"

    def ready(self):
        from cases.concerns import add_concern_types
        from registry.models import Role
        from registry.navigation import NavItem, register

        register(
            NavItem("结对帮扶总览", "pairing-dashboard", order=40, section="结对帮扶"),
            NavItem("我的结对任务", "pairing-partner-home", order=41, section="结对帮扶"),
            NavItem("年度评价", "pairing-evaluations", frozenset({Role.CLERK, Role.MANAGER}), order=42, section="结对帮扶"),
        )
        add_concern_types("pairing.enclave", "pairing.leadervisit")
