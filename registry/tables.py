"""The division list's rows: templates/jinja2/registry/division_rows.html, rendered by the Jinja2 backend
because Django's template loop was too slow for them (docs/performance.md)."""
from .jinja import ChoiceLabels, render_fragment
from .models import Division


def division_rows_html(divisions) -> str:
    """A page of divisions (their parents selected with them) as the table body's <tr> elements."""
    return render_fragment(
        "registry/division_rows.html", divisions=divisions,
        levels=ChoiceLabels(Division._meta.get_field("level")),
        classes=ChoiceLabels(Division._meta.get_field("index_class")),
    )
