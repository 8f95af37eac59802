"""Template helpers for the pages' look (form fields styled for Tabler)."""
from django import forms, template

register = template.Library()


@register.filter
def styled(bound_field):
    """Render a form field with the Tabler class its widget needs."""
    widget = bound_field.field.widget
    if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    if bound_field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    return bound_field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.simple_tag(takes_context=True)
def sort_header(context, key, label, css=""):
    """A column header that sorts the list by `key` (registry.listing); a plain header when the list
    does not sort by it or is being printed."""
    from django.utils.html import format_html

    from registry.listing import sort_link

    sorting = context.get("sorting")
    if not sorting or key not in sorting["keys"] or context.get("printing"):
        return format_html('<th class="{}">{}</th>', css, label)
    url, direction = sort_link(sorting, key)
    aria = {"asc": "ascending", "desc": "descending"}.get(direction, "none")
    arrow = {"asc": "▲", "desc": "▼"}.get(direction, "⇅")
    return format_html(
        '<th class="{}" aria-sort="{}"><a class="sort-link text-reset text-nowrap" href="{}" data-sort="{}" title="按{}排序">{}'
        ' <span class="sort-arrow text-secondary">{}</span></a></th>', css, aria, url, key, label, label, arrow,
    )
