"""Demo cases. Small scale goes through the services (real events, notifications, hash chains); the
province scale writes years of history with bulk inserts, hashing the chains in Python."""
import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from registry.bulk import bulk_insert
from registry.models import Division, DivisionLevel, Organisation, OrganisationKind, User

from .clock import recorded_at
from .demo_titles import places_by_county
from .ledger import chain_event
from .models import Case, CaseCategory, CaseEvent, CaseLevel, CaseSource, CaseState
from .numbering import number_unnumbered
from .reference import seed_reference_data
from .services import attachment_upload, case_create, deadline_check, perform_action

DEMO_TAG = "演示数据"
SMALL_COUNTIES = ["330782", "330783", "331123", "330381"]  # 义乌、东阳、遂昌、瑞安
# A one-pixel PNG: enough for the demo's evidence to be a real, downloadable image.
PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cf"
    "c00000030101009a1c8c6b0000000049454e44ae426082"
)


def seed(*, scale="small", seed=20261122, history=1, **_) -> dict:
    seed_reference_data()
    summary = {"small": _seed_small(rng=random.Random(seed))}
    if scale == "province":
        summary["province"] = _seed_province(rng=random.Random(seed), years=max(1, history))
    return summary


def _people(code):
    clerk = User.objects.get(username=f"clerk_{code}")
    staff = User.objects.get(username=f"staff_{code}")
    return clerk, staff


def _act(case, action, by, **inputs):
    case.refresh_from_db()
    return perform_action(case=case, action=action, by=by, version=case.version, **inputs)


def _photo(case, by):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return attachment_upload(case=case, by=by, file=SimpleUploadedFile("现场照片.png", PIXEL_PNG, "image/png")).pk


class Replay:
    """Moments of one case's history, so that its events are spread over the weeks it took.

    `at(days_ago)` records what the services do inside it at that many days before now (a few hours
    either way, never before the case's previous step): timestamps are set before each event is
    chained, through the same services a clerk uses (see cases.clock)."""

    def __init__(self, rng):
        self.rng = rng
        self.now = timezone.now()
        self.last = None

    def at(self, days_ago: float):
        moment = self.now - dt.timedelta(days=days_ago, hours=self.rng.uniform(0, 6))
        if self.last is not None:
            moment = max(moment, self.last + dt.timedelta(minutes=self.rng.randint(20, 180)))
        self.last = min(moment, self.now - dt.timedelta(minutes=5))
        return recorded_at(self.last)


def _seed_small(rng) -> dict:
    if Case.objects.filter(tags__contains=DEMO_TAG).exists():
        return {"cases": Case.objects.filter(tags__contains=DEMO_TAG).count(), "created": False}
    categories = list(CaseCategory.objects.order_by("order"))
    today = timezone.localdate()
    counties = list(Division.objects.filter(code__in=SMALL_COUNTIES).order_by("code"))
    places = places_by_county(counties)
    for county in counties:
        clerk, staff = _people(county.code)
        lead = staff.organisation

        def new(replay, days_ago):
            title, township = places[county.pk].title(rng)
            with replay.at(days_ago):
                return case_create(
                    by=clerk, title=title, category=rng.choice(categories), county=county, township=township,
                    description=f"{title}，需限期整改。", source=rng.choice(CaseSource.values), tags=DEMO_TAG,
                )

        def act(replay, days_ago, case, action, by, **inputs):
            with replay.at(days_ago):
                return _act(case, action, by, **inputs)

        def assigned(days_ago, deadline):
            """A case logged `days_ago` days ago and assigned the next working hours, due on `deadline`."""
            replay = Replay(rng)
            case = new(replay, days_ago)
            case = act(replay, days_ago - 0.5, case, "assign", clerk, lead_unit=lead, deadline=deadline, comment="请按期整改")
            return replay, case

        days = dt.timedelta
        new(Replay(rng), rng.uniform(0.5, 3))  # 待交办
        assigned(rng.uniform(4, 8), today + days(20))  # 已交办
        replay, rectifying = assigned(rng.uniform(10, 16), today + days(25))
        rectifying = act(replay, 9, rectifying, "accept", staff)
        act(replay, 4, rectifying, "progress", staff, comment="已完成现场踏勘，正在组织施工。")
        replay, feedback = assigned(rng.uniform(20, 28), today + days(10))
        feedback = act(replay, 18, feedback, "accept", staff)
        with replay.at(2):
            _act(feedback, "feedback", staff, comment="已整改完毕。", attachments=[_photo(feedback, staff)])
        replay, closed = assigned(rng.uniform(40, 55), today - days(5))
        closed = act(replay, 38, closed, "accept", staff)
        with replay.at(25):
            _act(closed, "feedback", staff, comment="已整改。", attachments=[_photo(closed, staff)])
        act(replay, 22, closed, "reject", clerk, comment="照片不能反映整改效果，请补充。")
        with replay.at(15):
            _act(closed, "feedback", staff, comment="已补充整改前后对比照片。", attachments=[_photo(closed, staff)])
        act(replay, 12, closed, "close", clerk, comment="经核查整改到位，同意销号。")
        replay = Replay(rng)
        act(replay, 6, new(replay, rng.uniform(7, 9)), "cancel", clerk, comment="与已登记事项重复。")
        # Due soon (a yellow card from the deadline job), overdue (a red card, urged) and escalated.
        replay, soon = assigned(rng.uniform(17, 19), today + days(2))
        act(replay, 16, soon, "accept", staff)
        replay, overdue = assigned(rng.uniform(33, 36), today - days(6))
        overdue = act(replay, 30, overdue, "accept", staff)
        act(replay, 4, overdue, "urge", clerk, comment="请加快进度，本周内报送进展。")
        replay, escalated = assigned(rng.uniform(26, 30), today + days(5))
        escalated = act(replay, 24, escalated, "accept", staff)
        act(replay, 10, escalated, "escalate", clerk, comment="涉及跨部门协调，提请市专班督办。")
        act(replay, 7, escalated, "extend", staff, comment="需等待市级资金下达。", deadline=today + days(45))
    _seed_joint_case(Replay(rng), today)
    cards = deadline_check(today=today)
    return {"cases": Case.objects.filter(tags__contains=DEMO_TAG).count(), "created": True, "deadline_job": cards}


def _seed_joint_case(replay, today):
    """A "1+3" pairing task for 遂昌 awaiting joint close-out: the city task force has confirmed, the
    provincial department and the SOE have not."""
    county = Division.objects.get(code="331123")
    clerk, staff = _people("331123")
    province = Division.objects.get(level=DivisionLevel.PROVINCE)
    parties = [
        Organisation.objects.filter(division=province, kind=OrganisationKind.PROVINCIAL_DEPARTMENT).order_by("name").first(),
        Organisation.objects.filter(division=province, kind=OrganisationKind.STATE_OWNED_ENTERPRISE).order_by("name").first(),
        Organisation.objects.get(division=county.parent, kind=OrganisationKind.CITY_TASK_FORCE),
    ]
    with replay.at(30):
        case = case_create(
            by=clerk,
            title="遂昌县“1+3”结对帮扶重点任务：共富工坊提质扩面",
            category=CaseCategory.objects.get(name="帮扶任务"),
            county=county,
            description="结对帮扶年度重点任务，须结对各方联合确认后销号。",
            source=CaseSource.PAIRING_PLAN,
            tags=DEMO_TAG,
            joint_parties=[p for p in parties if p is not None],
        )
    with replay.at(29):
        _act(case, "assign", clerk, lead_unit=staff.organisation, deadline=today + dt.timedelta(days=30))
    with replay.at(27):
        _act(case, "accept", staff)
    with replay.at(5):
        _act(case, "feedback", staff, comment="新增共富工坊 12 家，带动就业 860 人。", attachments=[_photo(case, staff)])
    with replay.at(3):
        _act(case, "confirm", User.objects.get(username=f"clerk_{county.parent.code}"), comment="同意。")


# --- province scale: bulk history ------------------------------------------------------------------

CASES_PER_YEAR = 20_000
BATCH = 2_000


def _seed_province(rng, years: int) -> dict:
    marker = f"{DEMO_TAG}（全省）"
    if Case.objects.filter(tags=marker).exists():
        return {"cases": Case.objects.filter(tags=marker).count(), "created": 0}
    counties = list(Division.objects.filter(level=DivisionLevel.COUNTY).select_related("parent"))
    task_forces = {o.division_id: o for o in Organisation.objects.filter(kind=OrganisationKind.COUNTY_TASK_FORCE)}
    governments = {o.division_id: o for o in Organisation.objects.filter(kind=OrganisationKind.COUNTY_GOVERNMENT)}
    clerks = {u.organisation.division_id: u for u in User.objects.filter(username__startswith="clerk_3", organisation__kind=OrganisationKind.COUNTY_TASK_FORCE).select_related("organisation")}
    staff = {u.organisation.division_id: u for u in User.objects.filter(username__startswith="staff_3").select_related("organisation")}
    counties = [c for c in counties if c.pk in task_forces and c.pk in governments and c.pk in clerks and c.pk in staff]
    categories = list(CaseCategory.objects.all())
    places = places_by_county(counties)
    now = timezone.now()
    start = now - dt.timedelta(days=365 * years)
    total = CASES_PER_YEAR * years
    created = events = 0
    for offset in range(0, total, BATCH):
        plans = [_plan_case(rng, counties, places, categories, start, now) for _ in range(min(BATCH, total - offset))]
        with transaction.atomic():
            cases = bulk_insert(
                Case,
                [
                    Case(
                        title=p["title"],
                        description=f"{p['title']}，需限期整改。",
                        township=p["township"],
                        category=p["category"],
                        source=p["source"],
                        county=p["county"],
                        assigning_unit=task_forces[p["county"].pk],
                        owner=task_forces[p["county"].pk],
                        lead_unit=governments[p["county"].pk] if p["assigned"] else None,
                        deadline=p["deadline"],
                        level=CaseLevel.COUNTY,
                        tags=marker,
                        state=p["state"],
                        version=len(p["steps"]),
                        red_card=p["red"],
                        created_by=clerks[p["county"].pk],
                        created_at=p["created_at"],
                        assigned_at=p["assigned_at"],
                        closed_at=p["closed_at"],
                    )
                    for p in plans
                ],
            )
            rows = []
            for case, plan in zip(cases, plans):
                rows.extend(_events(case, plan, clerks[plan["county"].pk], staff[plan["county"].pk]))
            bulk_insert(CaseEvent, rows)
        created += len(cases)
        events += len(rows)
    # Bulk-inserted past case_create: numbered afterwards, in order of registration (no one else writes yet).
    number_unnumbered(Case)
    return {"cases": created, "events": events}


# Where a historical case ended up, with weights; the route to each state is fixed below.
ENDINGS = [(CaseState.CLOSED, 70), (CaseState.RECTIFYING, 12), (CaseState.FEEDBACK, 5), (CaseState.ASSIGNED, 5),
           (CaseState.DISCOVERED, 3), (CaseState.CANCELLED, 5)]
ROUTES = {
    CaseState.DISCOVERED: ["create"],
    CaseState.ASSIGNED: ["create", "assign"],
    CaseState.RECTIFYING: ["create", "assign", "accept", "progress"],
    CaseState.FEEDBACK: ["create", "assign", "accept", "progress", "feedback"],
    CaseState.CLOSED: ["create", "assign", "accept", "progress", "feedback", "close"],
    CaseState.CANCELLED: ["create", "cancel"],
}
NEXT_STATE = {
    "create": CaseState.DISCOVERED, "assign": CaseState.ASSIGNED, "accept": CaseState.RECTIFYING,
    "progress": CaseState.RECTIFYING, "feedback": CaseState.FEEDBACK, "close": CaseState.CLOSED,
    "cancel": CaseState.CANCELLED, "reject": CaseState.RECTIFYING,
}
COMMENTS = {"assign": "请按期整改", "progress": "正在推进", "feedback": "已整改完毕", "close": "同意销号", "cancel": "重复登记",
            "reject": "材料不全，请补充"}


# The share of open cases past their deadline: a task force keeps it near one in eight (the bulletins
# compare counties on it); a history with every open case's deadline drawn blindly left half overdue.
OVERDUE_SHARE = 0.12
# Open cases in the deadline states are most of the open ones (ENDINGS): their own share is higher.
OVERDUE_AMONG_DEADLINE_STATES = OVERDUE_SHARE * (12 + 5 + 5 + 3) / (12 + 5)


def _plan_case(rng, counties, places, categories, start, now):
    state = rng.choices([s for s, _ in ENDINGS], weights=[w for _, w in ENDINGS])[0]
    steps = list(ROUTES[state])
    if state in (CaseState.CLOSED, CaseState.FEEDBACK) and rng.random() < 0.2:
        i = steps.index("feedback")
        steps[i + 1:i + 1] = ["reject", "feedback"]
    county = rng.choice(counties)
    title, township = places[county.pk].title(rng)
    term = dt.timedelta(days=rng.choice([15, 30, 60, 90]))
    assign_at = None
    if state in (CaseState.CLOSED, CaseState.CANCELLED):
        # Finished cases lie anywhere in the history.
        created_at = start + dt.timedelta(seconds=rng.random() * (now - start).total_seconds() * 0.95)
    elif state in (CaseState.ASSIGNED, CaseState.RECTIFYING):
        # The deadline first: passed 1 to 30 days ago for the overdue share, still ahead for the rest.
        if rng.random() < OVERDUE_AMONG_DEADLINE_STATES:
            due = now - dt.timedelta(days=rng.uniform(1, 30))
        else:
            due = now + dt.timedelta(days=1) + (term - dt.timedelta(days=1)) * rng.random() * 0.9
        assign_at = due - term
        created_at = assign_at - dt.timedelta(hours=rng.uniform(2, 72))
    else:
        created_at = now - term * rng.random() * 0.9
    created_at = max(created_at, start)
    times = [created_at]
    for index in range(1, len(steps)):
        # Each step a share of what is left of the time until now: spread over the case's life.
        times.append(assign_at if index == 1 and assign_at else times[-1] + (now - times[-1]) * rng.uniform(0.05, 0.4))
    assigned_at = times[1] if "assign" in steps else None
    deadline = (assigned_at + term).date() if assigned_at else None
    red = state in (CaseState.ASSIGNED, CaseState.RECTIFYING) and deadline is not None and deadline < timezone.localdate()
    return {
        "county": county,
        "title": title,
        "township": township,
        "category": rng.choice(categories),
        "source": rng.choice(CaseSource.values),
        "state": state,
        "steps": steps,
        "times": times,
        "created_at": created_at,
        "assigned_at": assigned_at,
        "closed_at": times[-1] if state == CaseState.CLOSED else None,
        "deadline": deadline,
        "assigned": assigned_at is not None,
        "red": red,
    }


def _events(case, plan, clerk, staff):
    rows, prev_hash, state = [], "", ""
    for seq, (action, at) in enumerate(zip(plan["steps"], plan["times"]), start=1):
        actor = staff if action in ("accept", "progress", "feedback") else clerk
        to_state = NEXT_STATE[action]
        event = chain_event(
            case_id=case.pk,
            seq=seq,
            action=action,
            from_state=state,
            to_state=to_state,
            actor_id=actor.pk,
            actor_unit_id=actor.organisation_id,
            created_at=at,
            comment=COMMENTS.get(action, ""),
            new_deadline=plan["deadline"] if action == "assign" else None,
            payload={"lead_unit": case.lead_unit_id, "co_units": []} if action == "assign" else {},
            prev_hash=prev_hash,
            case_version=seq,  # the demo's cases are at version len(steps): one per step
        )
        rows.append(event)
        prev_hash, state = event.hash, to_state
    return rows
