"""The case table's rows as HTML, written out in Python.

The rows were a template loop: 50 rows of eight cells cost about 15 ms of Django template rendering
(variable lookups, auto-escaping, a date filter per row), a third of a to-do or review page. The
markup is cases/includes/case_table.html's; values are escaped as the template escaped them.
"""
from django.utils.html import escape
from django.utils.safestring import mark_safe

_CARDS = {
    "red": '<span class="badge bg-red text-red-fg" title="已逾期">红牌</span>',
    "yellow": '<span class="badge bg-yellow text-yellow-fg" title="即将到期">黄牌</span>',
}


def case_rows_html(rows) -> str:
    """Rows from cases.selectors.case_table_rows, as the table body's <tr> elements."""
    out = []
    for c in rows:
        card = _CARDS["red"] if c["red_card"] else _CARDS["yellow"] if c["yellow_card"] else ""
        deadline = c["deadline"].isoformat() if c["deadline"] else "—"
        out.append(
            f'<tr data-case="{c["id"]}"><td>{c["id"]}</td><td><a href="{escape(c["url"])}">{escape(c["title"])}</a></td>'
            f'<td>{escape(c["category__name"])}</td><td>{escape(c["county__name"])}</td>'
            f'<td><span class="badge {c["state_badge"]}">{escape(c["state_label"])}</span></td><td>{escape(c["level_label"])}</td>'
            f'<td>{escape(c["lead_unit__name"] or "—")}</td><td>{deadline} {card}</td></tr>'
        )
    return mark_safe("".join(out))
