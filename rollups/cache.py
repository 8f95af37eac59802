"""The board's cached reads, invalidated by generation (registry.generations).

- The live pipeline of a division: generation "cases:<division key>" moves (at once and after the commit) for the
  county, its city and the province whenever a case in the county changes state, deadline or record (every
  such change writes a case event); "cases" moves for edits, which may move a case between counties. Beneath,
  each county's counts are kept under its own generation, so a city or the province recounts only the
  counties that changed.
- The running month's figures per county (rollups.running): generation "month:<county id>", moved by
  every case event in the county.
- Reference data (divisions, categories) for the board's filters: generation "reference" (registry.generations).
- The month's snapshot figures (table, totals, trend): generation "snapshots", moved by every roll-up
  run after it writes a month.
Timeouts bound what a change made outside the services (bulk loads, the admin) can leave stale."""
from registry.generations import REFERENCE_SECONDS, bump_now_and_on_commit  # noqa: F401  (the board's reference reads)
from registry.models import DivisionLevel
from registry.models.divisions import KEY_LENGTH

PIPELINE_SECONDS = 120
SNAPSHOTS = "snapshots"
SNAPSHOT_SECONDS = 600
# Actions that change no case's state, deadline, category, county or record: the pipeline stands.
PIPELINE_NEUTRAL_ACTIONS = frozenset({"progress", "urge", "escalate", "extend", "confirm", "instruct"})


def county_generations(county_key: str) -> list[str]:
    """The pipeline generations a change in a county moves: its own, its city's and the province's."""
    levels = (DivisionLevel.PROVINCE, DivisionLevel.CITY, DivisionLevel.COUNTY)
    return [f"cases:{county_key[: KEY_LENGTH[level]]}" for level in levels]


def month_generation(county_id) -> str:
    """The running month's live counts of a county (rollups.running): moved by every case event in it."""
    return f"month:{county_id}"


def _county_of(event):
    case = event._state.fields_cache.get("case")  # the services create events with their case loaded
    if case is not None:
        return case.county_id
    from cases.models import Case

    return Case.objects.filter(pk=event.case_id).values_list("county_id", flat=True).first()


def case_event_saved(sender, instance, created, **kwargs):
    if not created:
        return
    # Every event may move a figure of the running month (an urge, an escalation, a confirmation too).
    county_id = _county_of(instance)
    if county_id is not None:
        bump_now_and_on_commit(month_generation(county_id))
    if instance.action in PIPELINE_NEUTRAL_ACTIONS:
        return
    from cases.models import Case

    if instance.action == "edit":
        generations = ["cases"]
    else:
        # The services save an event with its case and county in hand: read them only when not.
        case = instance._state.fields_cache.get("case")
        county = case._state.fields_cache.get("county") if case is not None else None
        county_key = county.key if county is not None and county.pk == case.county_id else (
            Case.objects.filter(pk=instance.case_id).values_list("county__key", flat=True).first())
        if county_key is None:
            return
        generations = county_generations(county_key)
    bump_now_and_on_commit(*generations)

