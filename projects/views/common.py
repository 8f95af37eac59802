"""What the projects' pages share: the month asked for and a refusal's text."""
from django.core.exceptions import ValidationError

from registry.periods import parse_month


def month_param(request, default):
    try:
        return parse_month(request.GET.get("month") or request.POST.get("month") or "")
    except ValueError:
        return default


def error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)
