"""The case table's rows (to-do page, review queue, case list): templates/jinja2/cases/case_rows.html,
rendered by the Jinja2 backend because Django's template loop was too slow for them (docs/performance.md)."""
from registry.jinja import render_fragment


def case_rows_html(rows) -> str:
    """Rows from cases.selectors.case_table_rows, as the table body's <tr> elements."""
    return render_fragment("cases/case_rows.html", rows=rows)
