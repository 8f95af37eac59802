"""The project list's rows as HTML, written out in Python (as cases.tables does for cases): the
template loop over a page of 30 rows × 11 cells was a quarter of the page. The markup is
projects/project_list.html's; values are escaped as the template escaped them."""
from django.utils.html import escape
from django.utils.safestring import mark_safe

_STATUS = {
    "reported": '<span class="badge bg-green-lt">已报</span>',
    "draft": '<span class="badge badge-yellow">草稿</span>',
    "missing": '<span class="badge bg-secondary-lt">未报</span>',
}


def _gap(p) -> str:
    if not p["schedule_gap"]:
        return "—"
    if p["is_lagging"]:
        return f'<span class="badge badge-red" title="滞后于序时进度">{escape(p["schedule_gap"])}</span>'
    return escape(p["schedule_gap"])


def project_rows_html(rows) -> str:
    """Rows from projects.views.project_table_rows, as the table body's <tr> elements."""
    out = []
    for p in rows:
        status = "reported" if p["reported"] else "draft" if p["month_status"] == "draft" else "missing"
        rate = f'{escape(p["completion_rate"])}%' if p["completion_rate"] else "—"
        out.append(
            f'<tr><td><a href="{escape(p["url"])}">{escape(p["code"])}</a></td><td>{escape(p["name"])}</td>'
            f'<td>{escape(p["category__name"])}</td><td>{escape(p["county__name"])}</td>'
            f'<td>{escape(p["kind_label"])} / {escape(p["stage_label"])}</td>'
            f'<td class="text-end">{escape(p["total_investment"])}</td><td class="text-end">{escape(p["year_plan"])}</td>'
            f'<td class="text-end">{escape(p["completed_year"])}</td><td class="text-end">{rate}</td>'
            f'<td class="text-end">{_gap(p)}</td><td>{_STATUS[status]}</td></tr>'
        )
    return mark_safe("".join(out))
