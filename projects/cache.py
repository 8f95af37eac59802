"""The project list's totals and roll-up rows, cached per jurisdiction, filter and month.

They cost a pass over every project a user may see (1,833 at province scale) with the year's plans and
reports, so they are kept (registry.generations) until a project, a year plan, a record link or a
report changes. Saves move the generation through signals; the services' bulk writes move it
themselves. Names of registry records in the "by record" roll-up may lag by up to the timeout."""
from registry.generations import bump_now_and_on_commit, cached
from registry.scoping import scope_key

GENERATION = "projects"
FIGURES_SECONDS = 600


def figures_changed(**kwargs):
    bump_now_and_on_commit(GENERATION)


def cached_figures(user, parts: tuple, compute):
    return cached("project-figures-html", [GENERATION], (scope_key(user), *parts), compute, FIGURES_SECONDS)


def cached_filter_fields(query: list, render):
    """The project filter form's fields as HTML, per query: its only choices from the database are
    the project categories, whose changes move the same generation."""
    return cached("project-filter-fields-html", [GENERATION], tuple(query), render, FIGURES_SECONDS)
