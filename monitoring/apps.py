from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """The top layer: outcome monitoring (城乡一体融合高质量发展指数). It reads registry, cases, projects
    and rollups; nothing imports it."""

    name = "monitoring"
    label = "monitoring"
    verbose_name = "指数监测"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from registry.models import Role
        from registry.navigation import NavItem, register

        managers = frozenset({Role.CLERK, Role.MANAGER})
        everyone = frozenset(Role.values)
        register(
            NavItem("指数看板", "monitoring:board", everyone, order=25, section="指数监测"),
            NavItem("季度重点指标", "monitoring:quarterly", managers, order=26, section="指数监测"),
            NavItem("年度综合评价", "monitoring:evaluation", managers, order=26, section="指数监测"),
            NavItem("指标数值", "monitoring:values", everyone, order=27, section="指数监测"),
            NavItem("指标目录", "monitoring:catalogue", managers, order=28, section="指数监测"),
        )
