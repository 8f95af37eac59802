"""{% pairing_board %}: the board's pairing section, one include, read for the signed-in user."""
from django import template

from ..pairing_section import board_rows

register = template.Library()


@register.inclusion_tag("rollups/_pairing_section.html", takes_context=True)
def pairing_board(context):
    return {"pairing_rows": board_rows(context["request"].user)}
