"""The project list: a page of projects with their figures, and the totals and roll-up over all of them."""
from decimal import ROUND_HALF_UP, Decimal

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from registry.links import id_link
from registry.models import DivisionLevel
from registry.views import ScopedListView

from .. import selectors
from ..cache import cached_figures, cached_filter_fields
from ..filters import ProjectFilter
from ..models import COUNTED_STATUSES, Project, ProjectKind, ProjectStage
from ..records import record_names
from ..tables import project_rows_html
from .common import month_param


ROLLUP_LABELS = {"county": "按县", "city": "按设区市", "category": "按类别", "record": "按服务的台账记录"}


def _rollup_rows(by: str, rows, user) -> list[dict]:
    """Roll-up rows with a display label; records are named as the user may see them (one query per
    record type), any other by its id only."""
    rows = list(rows)
    fields = {"county": "county__name", "city": "county__parent__name", "category": "category__name"}
    if by == "record":
        keys = [(row["record_links__content_type_id"], row["record_links__object_id"]) for row in rows]
        names = record_names(user, keys)
        for row, key in zip(rows, keys):
            row["label"] = names.get(key, f"#{key[1]}")
        return rows
    for row in rows:
        row["label"] = row[fields[by]]
    return rows


# What a page of the project list shows, read as plain rows with the figures projects_with_figures
# annotates: model instances, floatformat and the display lookups were most of the page.
PROJECT_COLUMNS = (
    "id", "code", "name", "category__name", "county__name", "kind", "stage", "total_investment", "year_plan",
    "completed_year", "month_status",
)


def _fixed(value, places: int) -> str:
    """What the template's floatformat shows (half-up rounding, no negative zero), computed once."""
    if value is None:
        return ""
    rounded = Decimal(repr(value) if isinstance(value, float) else str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return str(abs(rounded) if rounded == 0 else rounded)


def project_table_rows(rows, month) -> list[dict]:
    kinds, stages = dict(ProjectKind.choices), dict(ProjectStage.choices)
    link = id_link("project-detail")
    table = []
    for row in rows:
        # The rates from the two figures read: selecting the annotated rates repeated both subqueries
        # in the SQL once per expression that refers to them.
        figures = selectors.completion_figures(row["year_plan"], row["completed_year"], month)
        table.append({
            **row, "url": link(row["id"]), "kind_label": kinds.get(row["kind"], row["kind"]),
            "stage_label": stages.get(row["stage"], row["stage"]), "total_investment": _fixed(row["total_investment"], 2),
            "year_plan": _fixed(row["year_plan"], 2), "completed_year": _fixed(row["completed_year"], 2),
            "completion_rate": _fixed(figures["completion_rate"], 1), "schedule_gap": _fixed(figures["schedule_gap"], 1),
            "is_lagging": figures["is_lagging"],
            # Reported is its month's report counted: read with the report's status, not as a second
            # subquery that PostgreSQL hashed over every report of the month.
            "reported": row["month_status"] in COUNTED_STATUSES,
        })
    return table


class ProjectListView(ScopedListView):
    model = Project
    filterset_class = ProjectFilter
    template_name = "projects/project_list.html"
    paginate_by = 30
    sort_keys = {
        "code": ("code",), "name": ("name", "code"), "total_investment": ("total_investment", "code"),
        "year_plan": ("year_plan", "code"), "completed_year": ("completed_year", "code"),
    }

    def get_queryset(self):
        self.month = month_param(self.request, selectors.figures_month())
        queryset = Project.objects.select_related("category", "county").for_user(self.request.user)
        self.filterset = self.filterset_class(self.request.GET or None, queryset=selectors.projects_with_figures(queryset, month=self.month))
        self.projects = self.filterset.qs if self.filterset.is_bound else self.filterset.queryset
        return self.sorted(self.projects.values(*PROJECT_COLUMNS))

    def _figures(self, by: str, querystring: str):
        totals = selectors.figures_rollup(self.projects, by="province", month=self.month)
        rollup = _rollup_rows(by, selectors.figures_rollup(self.projects, by=by, month=self.month), self.request.user)
        html = render_to_string("projects/_figures.html", {
            "totals": totals, "rollup": rollup, "rollup_by": by, "rollup_choices": ROLLUP_LABELS.items(),
            "rollup_querystring": querystring,
        })
        return totals, mark_safe(html)

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        # The totals' project count is the count of this very list, already cached: no COUNT query.
        paginator.count = self.totals["project_count"]
        return paginator

    def get_context_data(self, **kwargs):
        by = self.request.GET.get("by")
        if by not in ROLLUP_LABELS:
            division = self.request.user.division
            by = "category" if division is not None and division.level >= DivisionLevel.COUNTY else "county"
        query = self.request.GET.copy()
        query.pop("by", None)
        query.pop("page", None)
        # Figures over every project the user may see, not just this page, rendered once and cached
        # (see projects.cache): the roll-up table alone is 90 counties × 10 formatted figures.
        self.totals, figures_html = cached_figures(
            # The running month's 序时进度 moves every day: the day's share is part of the key.
            self.request.user, (self.month, selectors.schedule_share(self.month), by, sorted(query.lists())), lambda: self._figures(by, query.urlencode())
        )
        ctx = super().get_context_data(**kwargs)
        ctx.update(month=self.month, rollup_querystring=query.urlencode(), totals=self.totals, figures_html=figures_html,
                   schedule_rule=selectors.schedule_rule(self.month))
        ctx["can_create"] = self.request.user.is_superuser or self.request.user.is_clerk
        ctx["projects"] = project_table_rows(ctx["object_list"], self.month)
        ctx["project_rows_html"] = project_rows_html(ctx["projects"])
        # The filter form's widgets cost 7 ms to render (Django renders each through templates); what
        # they show changes with the query and the category list only.
        ctx["filter_fields_html"] = cached_filter_fields(
            sorted(query.lists()), lambda: render_to_string("includes/filter_fields.html", {"filter_groups": ctx["filter_groups"]})
        )
        ctx["filter_extra"] = "projects/_filter_month.html"
        return ctx
