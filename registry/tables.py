"""The division list's rows: templates/jinja2/registry/division_rows.html, rendered by the Jinja2 backend
because Django's template loop was too slow for them (docs/performance.md)."""
from .jinja import render_fragment
from .models import Division


def division_rows_html(divisions) -> str:
    """A page of divisions (their parents selected with them) as the table body's <tr> elements."""
    return render_fragment(
        "registry/division_rows.html", divisions=divisions,
        levels=dict(Division._meta.get_field("level").flatchoices),
        classes=dict(Division._meta.get_field("index_class").flatchoices),
    )
