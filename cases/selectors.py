"""Reads of cases: querysets scoped to the user's jurisdiction, ready for lists, pages and exports."""
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.db.models.functions import ExtractYear
from registry.generations import REFERENCE_SECONDS, cached
from registry.links import id_link
from registry.models import Division, DivisionLevel, Organisation

from .models import Case, CaseCategory, CaseState, JointConfirmation, WorkCalendarYear
from .numbering import row_numbers
from .services import DEADLINE_STATES, DUE_SOON_WORKDAYS, local_today, unit_todo_generation
from .workdays import add_working_days


def case_list(*, user):
    return Case.objects.for_user(user).select_related("category", "county", "lead_unit", "owner")


# What a page of the case list shows, read as plain rows: building five model instances for each of
# 50 cases cost more than the query itself. The category's name and the county's code and name are
# added from reference data by `labelled`.
LIST_COLUMNS = (
    "id", "title", "category_id", "county_id", "state", "level", "deadline",
    "lead_unit_id", "lead_unit__name", "owner_id", "owner__name", "yellow_card", "red_card", "version", "created_at",
    "assigning_unit_id", "doc_year", "doc_seq",
)


def labelled(rows) -> list[dict]:
    """LIST_COLUMNS rows with their category's name (category__name) and their county's code and name
    (county__code, county__name), taken from the reference data cached for the board. Joined in SQL,
    the two tables made PostgreSQL plan a five-table join for every page, which took longer than
    reading the rows (docs/performance.md, "Case list API")."""
    rows = list(rows)
    labels = cached("case-list-labels", ["reference"], (), lambda: _list_labels(Q(level=DivisionLevel.COUNTY), Q()),
                    REFERENCE_SECONDS)
    categories, counties = labels["categories"], labels["counties"]
    new_categories = {r["category_id"] for r in rows} - categories.keys()
    new_counties = {r["county_id"] for r in rows} - counties.keys()
    if new_categories or new_counties:  # newer than the cached data (a bulk load), read as they are
        more = _list_labels(Q(pk__in=new_counties), Q(pk__in=new_categories))
        categories, counties = {**categories, **more["categories"]}, {**counties, **more["counties"]}
    for row in rows:
        row["category__name"] = categories[row["category_id"]]
        row["county__code"], row["county__name"] = counties[row["county_id"]]
    return rows


def _list_labels(counties: Q, categories: Q) -> dict:
    places = Division.objects.filter(counties).order_by().values_list("pk", "code", "name")
    return {"categories": dict(CaseCategory.objects.filter(categories).order_by().values_list("pk", "name")),
            "counties": {pk: (code, name) for pk, code, name in places}}


def case_list_rows(*, user, cases):
    """The list's rows of `cases` (a filtered queryset of all cases) that `user` may see."""
    return cases.for_user(user, filtered=True).values(*LIST_COLUMNS)


STATE_BADGES = {CaseState.CLOSED: "bg-green-lt", CaseState.CANCELLED: "bg-secondary-lt", CaseState.FEEDBACK: "bg-blue-lt"}


def case_table_rows(rows) -> list[dict]:
    """A page of LIST_COLUMNS rows with what the case table shows besides: labels, badge, link."""
    states, levels = dict(Case._meta.get_field("state").flatchoices), dict(Case._meta.get_field("level").flatchoices)
    link = id_link("case-detail")
    rows = labelled(rows)
    numbers = row_numbers(rows)
    return [
        {
            **row, "url": link(row["id"]), "number": numbers[row["id"]], "state_label": states.get(row["state"], row["state"]),
            "state_badge": STATE_BADGES.get(row["state"], "bg-yellow-lt"), "level_label": levels.get(row["level"], row["level"]),
        }
        for row in rows
    ]


def case_details():
    """Cases with everything their page and API answer show. Unscoped: one case is read with
    registry.scoping.get_for_user_or_404, which judges that case alone (the jurisdiction's union of
    subqueries is right for lists, too costly for one case).

    Four joins, the rest by id: planning the orders of a ten-table join cost PostgreSQL many times
    reading the one row (docs/performance.md, "Case page and case writes")."""
    # Units by id need no order: the organisations' default one joins their divisions.
    units = Organisation.objects.order_by()
    with_division = units.select_related("division")  # the division names the task force (cases.numbering)
    return (
        Case.objects.select_related("category", "county", "township", "lead_unit")
        .prefetch_related(Prefetch("owner", with_division), Prefetch("assigning_unit", with_division),
                          "content_type", "created_by", "co_units", Prefetch("joint_parties__party", units),
                          "joint_parties__confirmed_by")
    )


# What an action's answer shows of a case beyond what the service holds: the related rows it names.
ANSWER_RELATIONS = ("category", "township", "lead_unit", "assigning_unit")


def with_details(case: Case) -> Case:
    """What case_details() reads, added to a case an action has just written, in one query: the
    service holds the case with its owner, county, units and joint parties (a handler that changed
    them left them as they now are), so only the related rows it does not hold are read, and whether
    the deadline's year has its official calendar. Read one relation at a time (as prefetches), they
    were five queries, a third of an action's."""
    if case.assigning_unit_id == case.owner_id and "owner" in case._state.fields_cache:
        case.assigning_unit = case.owner
    missing = [name for name in ANSWER_RELATIONS
               if getattr(case, f"{name}_id") is not None and name not in case._state.fields_cache]
    loaded = Exists(WorkCalendarYear.objects.filter(year=ExtractYear(OuterRef("deadline"))))
    row = Case.objects.select_related(*missing).only("pk", *missing).annotate(calendar_loaded=loaded).get(pk=case.pk)
    for name in missing:
        setattr(case, name, getattr(row, name))
    case.calendar_loaded_years = {case.deadline.year} if row.calendar_loaded and case.deadline else set()
    if case.content_type_id is not None:
        case.content_type = ContentType.objects.get_for_id(case.content_type_id)  # cached per process
    prefetch_related_objects([case], "co_units", Prefetch("joint_parties", JointConfirmation.objects.select_related(
        "party", "confirmed_by")))  # no query unless a handler changed them
    return case


def overdue_q(today=None) -> Q:
    return Q(state__in=DEADLINE_STATES, deadline__lt=today or local_today())


def due_soon_q(today=None) -> Q:
    today = today or local_today()
    return Q(state__in=DEADLINE_STATES, deadline__gte=today, deadline__lte=add_working_days(today, DUE_SOON_WORKDAYS))


def responsible_unit_q(unit_id, condition: Q = Q()) -> Q:
    # The ids from two indexed lookups, each narrowed by `condition` inside the union: "lead unit OR an
    # EXISTS on the co-units" made PostgreSQL read every case of the jurisdiction, and a condition left
    # outside the union every owed case of the province (17k rows for one unit's to-do counts).
    led = Case.objects.filter(condition, lead_unit_id=unit_id).order_by().values("pk")
    co = Case.objects.filter(condition, co_units=unit_id).order_by().values("pk")
    return Q(pk__in=led.union(co))


def unit_cases(*, user, condition: Q = Q()):
    """The cases the user's unit leads or shares matching `condition`. No jurisdiction filter is
    needed: a unit always sees the cases it is responsible for (Case's `involved` scoping)."""
    if user.organisation_id is None:
        return Case.objects.none()
    return Case.objects.filter(responsible_unit_q(user.organisation_id, condition))


TODO_COUNTS_SECONDS = 300


def todo_counts(*, user) -> dict:
    """The county staff's to-do list counts for their unit (one query over the cases still owed),
    cached for the day until an action changes a case the unit is or was responsible for; the
    timeout bounds what a working-calendar edit can leave stale."""
    today = local_today()

    def count():
        return unit_cases(user=user, condition=Q(state__in=DEADLINE_STATES)).aggregate(
            to_accept=Count("pk", filter=Q(state=CaseState.ASSIGNED)),
            rectifying=Count("pk", filter=Q(state=CaseState.RECTIFYING)),
            due_soon=Count("pk", filter=due_soon_q(today)),
            overdue=Count("pk", filter=overdue_q(today)),
        )

    unit = user.organisation_id
    return cached("todo-counts", [unit_todo_generation(unit)], (unit, today.isoformat()), count, TODO_COUNTS_SECONDS)


def review_queue(*, user):
    """Feedback waiting for the clerk's task force to close or reject."""
    division = user.division
    if not user.is_clerk or division is None:
        return Case.objects.none()
    # Cases owned by a task force of the clerk's own division are within the jurisdiction: no scoping
    # subqueries needed, the (owner, state) index answers.
    return Case.objects.filter(state=CaseState.FEEDBACK, owner__division=division)

