"""The cases app: its menu entries, checks and start-up."""
from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "交办事项"

    def ready(self):
        from registry.generations import connect_reference_model
        from registry.home import HomeCard, register_card
        from registry.models import Role
        from registry.navigation import NavItem, register

        from . import checks, home  # noqa: F401 (checks registers the deploy checks)
        from .models import CaseCategory

        connect_reference_model(CaseCategory)

        from django.db.models.signals import post_save

        from .instructions import case_event_saved
        from .models import CaseEvent

        post_save.connect(case_event_saved, sender=CaseEvent, dispatch_uid="cases-manager-alerts")

        register(
            NavItem("交办事项", "case-list", order=10, section="交办跟踪销号"),
            NavItem("我的待办", "case-todo", frozenset({Role.COUNTY_STAFF}), order=11, section="交办跟踪销号"),
            NavItem("待审核反馈", "case-review", frozenset({Role.CLERK}), order=12, section="交办跟踪销号"),
        )
        register_card(HomeCard("我的待办", frozenset({Role.COUNTY_STAFF}), home.todo_card, order=10))
        register_card(HomeCard("待审核反馈", frozenset({Role.CLERK}), home.review_card, order=10))
        register_card(HomeCard("逾期事项", frozenset(Role.values), home.overdue_card, order=11))
