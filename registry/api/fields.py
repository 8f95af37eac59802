"""Serializer fields the APIs share: months, and choice labels read without DRF's per-value inspection."""
import re

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry.inputs import month_from_text

MONTH_PATTERN = r"^\d{4}-\d{2}$"


class MonthText(serializers.RegexField):
    """A month typed as "YYYY-MM", within the plausible years (registry.inputs); stays text."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "月份，格式 YYYY-MM，如 2026-10")
        kwargs.setdefault("error_messages", {"invalid": "月份格式应为 YYYY-MM，如 2026-10。"})
        super().__init__(MONTH_PATTERN, **kwargs)
        self.validators.append(_plausible_month)


@extend_schema_field({"type": "string", "pattern": MONTH_PATTERN, "example": "2026-10"})
class MonthOutput(serializers.DateField):
    """A month (stored as its first day) answered as "YYYY-MM"; the schema says so, not format: date."""

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", read_only=True, **kwargs)


def _plausible_month(value):
    if not re.fullmatch(MONTH_PATTERN, value):
        return  # the pattern's own message says what is wrong
    try:
        month_from_text(value)
    except ValueError as error:
        raise serializers.ValidationError(str(error)) from None


@extend_schema_field(serializers.CharField())
class ChoiceLabel(serializers.Field):
    """The label of a model's choice field: ChoiceLabel("level") answers get_level_display().

    A CharField with source="get_level_display" gives the same text, but DRF inspects the method's
    signature for every value it reads through a callable source: two labels on a 50-row page were
    a sixth of the division list API's time.
    """

    def __init__(self, field_name: str, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)
        self.method = f"get_{field_name}_display"

    def to_representation(self, instance):
        label = getattr(instance, self.method)()
        return None if label is None else str(label)  # a null value without a choice, as CharField gives it
