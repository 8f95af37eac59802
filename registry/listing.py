"""What every list page offers besides its rows: the filters applied, shown as chips that remove one
each; sorting by a column header (only the keys a list whitelists); a print view; and the query string
that paging, exporting and printing carry, so that no filter is lost on the way.

A list view mixes in ListTools and names its sort keys; templates use includes/filter_form.html (the
form, collapsed on a phone, and the chips), includes/list_tools.html (print link) and the sort_header tag."""
from dataclasses import dataclass

from django import forms
from django.http import QueryDict

SORT_PARAM = "sort"
PRINT_PARAM = "print"
# Parameters that are not filters: never shown as chips.
NOT_FILTERS = {"page", SORT_PARAM, PRINT_PARAM}
# The print view lists this many rows on one page (and says so when there are more).
PRINT_ROWS = 500


@dataclass(frozen=True)
class Chip:
    name: str
    label: str
    value: str
    remove_url: str


def _query(params: QueryDict, drop=(), **replace) -> str:
    query = params.copy()
    for name in (*drop, "page"):
        query.pop(name, None)
    for name, value in replace.items():
        query[name] = value
    return query.urlencode()


def _display(field: forms.Field, raw: list[str], cleaned) -> str:
    """The value a user chose, as they read it in the form (a choice's label, not its code)."""
    if isinstance(field, forms.ModelChoiceField) and cleaned is not None:
        return str(cleaned)
    widget_choices = getattr(field.widget, "choices", None)
    if widget_choices is not None and not isinstance(field, forms.ModelChoiceField):
        labels = {str(value): str(label) for value, label in widget_choices}
        return "、".join(labels.get(v, v) for v in raw)
    display = getattr(field.widget, "display", None)  # e.g. a division's name for its code
    if display is not None:
        return display(raw[0])
    return "、".join(raw)


def filter_groups(filterset, params: QueryDict) -> dict:
    """The form's fields: `main` shown, `more` under 更多条件 (the filter set's `more_filters`), opened
    when one of them is chosen or refused."""
    if filterset is None:
        return {"main": [], "more": [], "more_open": False}
    form, more_names = filterset.form, set(getattr(filterset, "more_filters", ()))
    main = [form[name] for name in form.fields if name not in more_names]
    more = [form[name] for name in form.fields if name in more_names]
    more_open = any(params.get(f.name) for f in more if not f.is_hidden) or any(f.errors for f in more if filterset.is_bound)
    return {"main": main, "more": more, "more_open": more_open}


def applied_chips(filterset, params: QueryDict) -> list[Chip]:
    """One chip per filter the user chose (in the form's order), each with the URL that drops it."""
    if filterset is None or not filterset.is_bound:
        return []
    form = filterset.form
    cleaned = form.cleaned_data if form.is_valid() else {}
    chips = []
    for name, field in form.fields.items():
        raw = [v for v in params.getlist(name) if v.strip()]
        if not raw or name in NOT_FILTERS:
            continue
        chips.append(Chip(name, str(field.label or name), _display(field, raw, cleaned.get(name)), "?" + _query(params, drop=[name])))
    return chips


def sort_order(sort_keys: dict, key: str, default=()) -> list[str]:
    """The order_by fields of a sort key ('-key' reverses them); `default` for an unknown or no key.
    Exports call this with the list's keys, so a download is in the order the list showed."""
    fields = sort_keys.get(key.lstrip("-")) if key else None
    if fields is None:
        return list(default)
    if key.startswith("-"):
        fields = tuple(f[1:] if f.startswith("-") else f"-{f}" for f in fields)
    return list(fields)


class ListTools:
    """Mixin for a ListView: sorting by whitelisted keys, the print view, chips and query strings.

    `sort_keys`: {key: the order_by fields} (a key given with a leading '-' reverses them);
    `default_sort`: the key used without ?sort=. Unknown keys are ignored, never an error."""

    sort_keys: dict[str, tuple[str, ...]] = {}
    default_sort = ""

    @property
    def printing(self) -> bool:
        return self.request.GET.get(PRINT_PARAM) == "1"

    def sort_key(self) -> str:
        key = self.request.GET.get(SORT_PARAM, "")
        return key if key.lstrip("-") in self.sort_keys else self.default_sort

    def sort_fields(self) -> list[str]:
        return sort_order(self.sort_keys, self.sort_key())

    def sorted(self, queryset):
        fields = self.sort_fields()
        return queryset.order_by(*fields) if fields else queryset

    def get_paginate_by(self, queryset):
        return PRINT_ROWS if self.printing else super().get_paginate_by(queryset)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        params = self.request.GET
        filterset = getattr(self, "filterset", None)
        ctx["chips"] = applied_chips(filterset, params)
        ctx["filter_groups"] = filter_groups(filterset, params)
        ctx["querystring"] = _query(params, drop=[PRINT_PARAM])
        ctx["print_query"] = _query(params, **{PRINT_PARAM: "1"})
        ctx["sorting"] = {"key": self.sort_key(), "params": params, "keys": self.sort_keys}
        ctx["printing"] = self.printing
        ctx["print_rows"] = PRINT_ROWS
        return ctx


def sort_link(sorting: dict, key: str) -> tuple[str, str]:
    """(URL, direction shown) of a column header: the first click sorts ascending, the next descending;
    the filters stay, the page goes back to the first."""
    current = sorting["key"]
    direction = "asc" if current == key else "desc" if current == f"-{key}" else ""
    target = f"-{key}" if direction == "asc" else key
    return "?" + _query(sorting["params"], drop=[PRINT_PARAM], **{SORT_PARAM: target}), direction
