"""The project list's rows: templates/jinja2/projects/project_rows.html, rendered by the Jinja2 backend
because Django's template loop was too slow for them (docs/performance.md)."""
from registry.jinja import render_fragment


def project_rows_html(rows) -> str:
    """Rows from projects.views.project_list.project_table_rows, as the table body's <tr> elements."""
    return render_fragment("projects/project_rows.html", rows=rows)
