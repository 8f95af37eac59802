"""The working calendar's state where administrators look (the admin home)."""
from django import template
from django.utils import timezone

from cases.workdays import missing_year_notices, missing_year_text

register = template.Library()


@register.simple_tag
def calendar_notices() -> list[str]:
    """One Chinese warning per year that should be loaded now and is not (see cases.checks)."""
    return [missing_year_text(year) for year in missing_year_notices(timezone.localdate())]
