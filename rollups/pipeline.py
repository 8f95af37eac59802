"""The board's live pipeline (交办—跟踪—销号): cases in each state now, and how many of them are overdue
or due soon, added up from per-county counts cached until a case in that county moves."""
import datetime as dt

from django.db.models import Count, Q

from cases.models import Case, CaseState
from cases.services import DEADLINE_STATES, DUE_SOON_WORKDAYS, local_today
from cases.workdays import add_working_days
from registry.generations import cached, cached_many

from . import cache
from .links import case_list_url
from .running import counties

PIPELINE_STATES = (
    (CaseState.DISCOVERED, "待交办"),
    (CaseState.ASSIGNED, "已交办"),
    (CaseState.RECTIFYING, "整改中"),
    (CaseState.FEEDBACK, "已反馈"),
    (CaseState.CLOSED, "已销号"),
)
def pipeline(user, f) -> list[dict]:
    """Per step of assign – track – close: cases now, and how many of them are overdue or due soon.

    Cached per division until a case below it changes state, deadline or record (see rollups.cache),
    and, beneath, per county: a city or the province adds up its counties' counts, so after a change
    it recounts that county's cases, not the province's 100,000 (at month-end some county changes
    every few seconds)."""
    today = local_today()
    # The counts depend on the place, the filters and the day only, not on who asks: the board's
    # division lies within the user's jurisdiction (board_filters), and so do its counties.
    filters = (f.category.pk if f.category else "", f.record_type.pk if f.record_type else "", today.isoformat())
    totals = cached("pipeline", ["cases", f"cases:{f.division.key}"], (f.division.key, f.mountain_only, *filters),
                    lambda: _add_up_counties(user, f, filters, today), cache.PIPELINE_SECONDS)
    return [_step(f, state, label, totals.get(state.value, (0, 0, 0))) for state, label in PIPELINE_STATES]


def _add_up_counties(user, f, filters: tuple, today: dt.date) -> dict:
    """{state: (cases, overdue, due soon)} of the division, as the sum of its counties' cached counts."""
    entries = {pk: (["cases", f"cases:{key}"], (key, *filters)) for pk, key in counties(f.division, f.mountain_only)}
    per_county = cached_many("pipeline-county", entries, lambda ids: _county_counts(user, f, ids, today),
                             cache.PIPELINE_SECONDS)
    totals = {}
    for counts in per_county.values():
        for state, numbers in counts.items():
            totals[state] = tuple(map(sum, zip(totals.get(state, (0, 0, 0)), numbers)))
    return totals


def _step(f, state: CaseState, label: str, numbers: tuple) -> dict:
    owed = state in DEADLINE_STATES
    count, overdue, due_soon = numbers
    return {
        "state": state.value,
        "label": label,
        "count": count,
        "url": case_list_url(f, state=state.value),
        "overdue": overdue if owed else None,
        "overdue_url": case_list_url(f, state=state.value, overdue="true") if owed else None,
        "due_soon": due_soon if owed else None,
        "due_soon_url": case_list_url(f, state=state.value, due_soon="true") if owed else None,
    }


def _county_counts(user, f, county_ids: list[int], today: dt.date) -> dict:
    """{county id: {state: (cases, overdue, due soon)}} in one query over those counties' cases."""
    soon = add_working_days(today, DUE_SOON_WORKDAYS)
    cases = Case.objects.for_user(user).filter(county__in=county_ids)
    if f.category is not None:
        cases = cases.filter(category=f.category)
    if f.record_type is not None:
        cases = cases.filter(content_type=f.record_type)
    # One row per county and state with three counts: filtered counts per step cost twice as much.
    rows = (
        cases.order_by().values_list("county_id", "state")
        .annotate(count=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=today)),
                  due_soon=Count("pk", filter=Q(deadline__gte=today, deadline__lte=soon)))
    )
    counts = {pk: {} for pk in county_ids}
    for county_id, state, *numbers in rows:
        counts[county_id][state] = tuple(numbers)
    return counts
