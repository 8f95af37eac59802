"""The division table's rows as HTML, written out in Python as cases/tables.py writes the case table.

The template loop over a page of 50 villages (a URL reversed, two choice labels and a parent read
per row) was three quarters of the division list page. Values are escaped as the template escaped
them.
"""
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .links import id_link
from .models import Division


def division_rows_html(divisions) -> str:
    """A page of divisions (their parents selected with them) as the table body's <tr> elements."""
    link = id_link("division-detail")
    levels = dict(Division._meta.get_field("level").flatchoices)
    classes = dict(Division._meta.get_field("index_class").flatchoices)
    out = []
    for d in divisions:
        parent = d.parent.name if d.parent_id else ""
        out.append(
            f'<tr><td><a href="{escape(link(d.code))}">{escape(d.code)}</a></td><td>{escape(d.full_name)}</td>'
            f'<td>{escape(levels.get(d.level, d.level))}</td><td>{escape(parent or "—")}</td>'
            f'<td>{"是" if d.is_mountain_island else ""}</td><td>{escape(classes.get(d.index_class, d.index_class))}</td></tr>'
        )
    return mark_safe("".join(out))
