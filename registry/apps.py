"""The registry app (the ground, and its deliverables package): menu entries, checks and start-up."""
from django.apps import AppConfig

from . import inputs, widgets

# Before any form class is built: form fields copy their validators then (see registry.inputs).
inputs.install_form_validators()
inputs.install_text_limit()
widgets.install_blank_label()


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "基础信息与成果台账"

    def ready(self):
        from . import checks, signals  # noqa: F401
        from . import deliverables
        from .generations import connect_reference_model
        from .models import Division, Role
        from .navigation import NavItem, register

        connect_reference_model(Division)
        register(
            NavItem("首页", "home", order=0),
            NavItem("行政区划", "division-list", order=80, section="基础信息"),
            NavItem("单位", "organisation-list", frozenset({Role.CLERK, Role.MANAGER}), order=81, section="基础信息"),
            NavItem("关于", "about", order=99),
        )
        # The deliverables package shares this app (and its label); it registers its own pages here.
        deliverables.ready()
        inputs.install_api_validators()
