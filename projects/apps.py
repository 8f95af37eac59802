"""The projects app: its menu entries, signals and start-up."""
from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "重大项目"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from cases.concerns import add_concern_types
        from cases.excel import add_concerns_column
        from registry.excel import Column, Kind
        from registry.home import HomeCard, register_card
        from registry.models import Role
        from registry.navigation import NavItem, register

        from .cache import figures_changed
        from .home import projects_card
        from .models import MonthlyReport, Project, ProjectCategory, ProjectRecordLink, ProjectYearPlan

        for model in (Project, ProjectYearPlan, ProjectRecordLink, MonthlyReport, ProjectCategory):
            post_save.connect(figures_changed, sender=model, dispatch_uid=f"projects-figures-save-{model.__name__}")
            post_delete.connect(figures_changed, sender=model, dispatch_uid=f"projects-figures-delete-{model.__name__}")

        register(
            NavItem("重大项目", "project-list", order=30, section="重大项目"),
            NavItem("月度进度填报", "project-monthly-report", frozenset({Role.COUNTY_STAFF}), order=31, section="重大项目"),
            NavItem("月度审核", "project-month-review", frozenset({Role.CLERK}), order=32, section="重大项目"),
            NavItem("月份锁定", "project-month-lock", frozenset({Role.CLERK}), order=33, section="重大项目"),
        )
        register_card(HomeCard("重大项目年度投资完成率", frozenset(Role.values), projects_card, order=30))
        # A task list's row may name the project its case concerns (cases knows no app above it).
        add_concern_types("projects.project", "projects.monthlyreport")
        add_concerns_column(Column("关联项目编号", "concerns", Kind.FK, model=Project, to_field="code",
                                   help="事项涉及的重大项目（选填）"))
