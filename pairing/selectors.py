"""Reads of the pairing loop, all through the one scoping rule (for_user): the dashboard's rows, a
pairing's page, a partner unit's own counties and tasks, and the board's pairing section."""
import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from cases import clock
from cases.models import OPEN_STATES, CaseState, JointConfirmation
from registry.models import PairingGroup, PairingKind, PairingRelationship

from .models import Enclave, LeaderVisit, PairingProject, PairingTask
from .results import figures_for


def pairings_for(user, year: int):
    return (PairingRelationship.objects.for_user(user).filter(kind=PairingKind.ONE_PLUS_THREE, year=year)
            .select_related("county", "leader_user").order_by("county__code"))


@dataclass
class DashboardRow:
    pairing: PairingRelationship
    figures: object


def dashboard_rows(user, year: int, quarter: int) -> list[DashboardRow]:
    """One row per visible "1+3" pairing of the year (28 at province scale) with its quarter's figures."""
    pairings = list(pairings_for(user, year))
    figures = figures_for([p.pk for p in pairings], year, quarter)
    return [DashboardRow(p, figures[p.pk]) for p in pairings]


def pairing_detail(user, pk):
    from registry.scoping import get_for_user_or_404

    groups = PairingGroup.objects.select_related("lead_unit").prefetch_related("members").order_by("kind")
    qs = PairingRelationship.objects.select_related("county", "leader_user").prefetch_related(Prefetch("groups", groups))
    return get_for_user_or_404(qs.filter(kind=PairingKind.ONE_PLUS_THREE), user, pk=pk)


def _tasks(user):
    pending = JointConfirmation.objects.filter(case=OuterRef("case_id"), confirmed_at__isnull=True)
    parties = JointConfirmation.objects.select_related("party").order_by("id")
    return (PairingTask.objects.for_user(user).select_related("case__lead_unit", "pairing__county")
            .prefetch_related("groups", Prefetch("case__joint_parties", parties))
            .annotate(awaiting=Exists(pending)).order_by("pairing__county__code", "number"))


def task_list(user, pairing):
    return _tasks(user).filter(pairing=pairing)


def pairing_records(user, pairing) -> dict:
    """What a pairing's page lists besides its tasks: enclaves (with their revenue), projects, visits."""
    return {
        "enclaves": Enclave.objects.for_user(user).filter(pairing=pairing).select_related("origin", "host")
        .prefetch_related("revenues"),
        "projects": PairingProject.objects.for_user(user).filter(pairing=pairing).select_related("project", "partner_county"),
        "visits": LeaderVisit.objects.for_user(user).filter(pairing=pairing).prefetch_related("problems__case"),
    }


def partner_home(user) -> dict:
    """A partner unit's counties (its pairings) and the tasks it is responsible for or must confirm."""
    org = user.organisation_id
    mine = Q(groups__lead_unit=org) | Q(groups__members=org) | Q(case__lead_unit=org) | Q(case__co_units=org) \
        | Q(case__joint_parties__party=org)
    tasks = _tasks(user).filter(pk__in=PairingTask.objects.filter(mine).values("pk"))
    my_pending = JointConfirmation.objects.filter(case=OuterRef("case_id"), party=org, confirmed_at__isnull=True)
    tasks = tasks.annotate(my_turn=Exists(my_pending.filter(case__state=CaseState.FEEDBACK)))
    pairings = (PairingRelationship.objects.for_user(user).filter(kind=PairingKind.ONE_PLUS_THREE)
                .filter(Q(groups__lead_unit=org) | Q(groups__members=org)).distinct()
                .select_related("county").order_by("-year", "county__code"))
    return {"tasks": tasks, "pairings": pairings}


# --- the board's and bulletin's pairing section --------------------------------------------------------

def section_rows(user=None, *, division=None, today: dt.date | None = None, soon_days: int = 30) -> list[dict]:
    """Per county with "1+3" pairing tasks the user sees (or, for a bulletin, within `division`): its tasks
    due within soon_days, closed, overdue and awaiting joint confirmation — one grouped query."""
    today = today or clock.today()
    pending = JointConfirmation.objects.filter(case=OuterRef("case_id"), confirmed_at__isnull=True)
    open_ = Q(case__state__in=OPEN_STATES)
    tasks = PairingTask.objects.for_user(user) if division is None else PairingTask.objects.within(division)
    rows = (tasks.filter(pairing__kind=PairingKind.ONE_PLUS_THREE)
            .annotate(pending=Exists(pending))
            .values("pairing__county__code", "pairing__county__name")
            .annotate(
                total=Count("pk", filter=~Q(case__state=CaseState.CANCELLED)),
                due=Count("pk", filter=open_ & Q(case__deadline__gte=today, case__deadline__lte=today + dt.timedelta(days=soon_days))),
                closed=Count("pk", filter=Q(case__state=CaseState.CLOSED)),
                overdue=Count("pk", filter=open_ & Q(case__deadline__lt=today)),
                awaiting=Count("pk", filter=Q(case__state=CaseState.FEEDBACK, pending=True)),
            ).order_by("pairing__county__code"))
    return [{"code": r.pop("pairing__county__code"), "county": r.pop("pairing__county__name"), **r} for r in rows]
