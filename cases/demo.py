"""Demo cases. Small scale goes through the services (real events, notifications, hash chains); the
province scale writes years of history with bulk inserts, hashing the chains in Python."""
import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from registry.bulk import bulk_insert
from registry.models import Division, DivisionLevel, Organisation, OrganisationKind, User

from .ledger import chain_event
from .models import Case, CaseCategory, CaseEvent, CaseLevel, CaseSource, CaseState
from .numbering import number_unnumbered
from .reference import seed_reference_data
from .services import attachment_upload, case_create, deadline_check, perform_action

DEMO_TAG = "演示数据"
SMALL_COUNTIES = ["330782", "330783", "331123", "330381"]  # 义乌、东阳、遂昌、瑞安
PROBLEMS = [
    "村道破损未修复", "共富工坊用工台账不全", "中心镇污水管网建设滞后", "重点村组团片区规划未编制", "帮扶项目资金拨付慢",
    "飞地项目土地指标未落实", "农村生活垃圾分类不到位", "县城公交线路未延伸至中心镇", "薄弱村集体经济增收措施不实",
    "项目月度投资完成率偏低", "山海协作产业园入驻企业少", "乡村片区组团运营机制未建立",
]
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


def _seed_small(rng) -> dict:
    if Case.objects.filter(tags__contains=DEMO_TAG).exists():
        return {"cases": Case.objects.filter(tags__contains=DEMO_TAG).count(), "created": False}
    categories = list(CaseCategory.objects.order_by("order"))
    today = timezone.localdate()
    for code in SMALL_COUNTIES:
        county = Division.objects.get(code=code)
        clerk, staff = _people(code)
        lead = staff.organisation

        def new(title, **kw):
            return case_create(
                by=clerk,
                title=f"{county.name}{title}",
                category=rng.choice(categories),
                county=county,
                description=f"{county.name}：{title}，需限期整改。",
                source=rng.choice(CaseSource.values),
                tags=DEMO_TAG,
                **kw,
            )

        def assigned(title, days=20):
            case = new(title)
            return _act(case, "assign", clerk, lead_unit=lead, deadline=today + dt.timedelta(days=days), comment="请按期整改")

        titles = rng.sample(PROBLEMS, len(PROBLEMS))
        new(titles[0])  # 待交办
        assigned(titles[1])  # 已交办
        rectifying = _act(assigned(titles[2]), "accept", staff)
        _act(rectifying, "progress", staff, comment="已完成现场踏勘，正在组织施工。")
        feedback = _act(assigned(titles[3]), "accept", staff)
        _act(feedback, "feedback", staff, comment="已整改完毕。", attachments=[_photo(feedback, staff)])
        closed = _act(assigned(titles[4]), "accept", staff)
        _act(closed, "feedback", staff, comment="已整改。", attachments=[_photo(closed, staff)])
        _act(closed, "reject", clerk, comment="照片不能反映整改效果，请补充。")
        _act(closed, "feedback", staff, comment="已补充整改前后对比照片。", attachments=[_photo(closed, staff)])
        _act(closed, "close", clerk, comment="经核查整改到位，同意销号。")
        _act(new(titles[5]), "cancel", clerk, comment="与已登记事项重复。")
        # Due soon, overdue and escalated: deadlines moved as if assigned weeks ago.
        _act(assigned(titles[6], days=2), "accept", staff)  # due soon: yellow card below
        overdue = _act(assigned(titles[7]), "accept", staff)
        _act(overdue, "urge", clerk, comment="请加快进度，本周内报送进展。")
        Case.objects.filter(pk=overdue.pk).update(deadline=today - dt.timedelta(days=5))
        escalated = _act(assigned(titles[8]), "accept", staff)
        _act(escalated, "escalate", clerk, comment="涉及跨部门协调，提请市专班督办。")
        _act(escalated, "extend", staff, comment="需等待市级资金下达。", deadline=today + dt.timedelta(days=45))
    _seed_joint_case(today)
    cards = deadline_check(today=today)
    return {"cases": Case.objects.filter(tags__contains=DEMO_TAG).count(), "created": True, "deadline_job": cards}


def _seed_joint_case(today):
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
    _act(case, "assign", clerk, lead_unit=staff.organisation, deadline=today + dt.timedelta(days=30))
    _act(case, "accept", staff)
    _act(case, "feedback", staff, comment="新增共富工坊 12 家，带动就业 860 人。", attachments=[_photo(case, staff)])
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
    now = timezone.now()
    start = now - dt.timedelta(days=365 * years)
    total = CASES_PER_YEAR * years
    created = events = 0
    for offset in range(0, total, BATCH):
        plans = [_plan_case(rng, counties, categories, start, now) for _ in range(min(BATCH, total - offset))]
        with transaction.atomic():
            cases = bulk_insert(
                Case,
                [
                    Case(
                        title=f"{p['county'].name}{p['title']}",
                        description=p["title"],
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


def _plan_case(rng, counties, categories, start, now):
    state = rng.choices([s for s, _ in ENDINGS], weights=[w for _, w in ENDINGS])[0]
    steps = list(ROUTES[state])
    if state in (CaseState.CLOSED, CaseState.FEEDBACK) and rng.random() < 0.2:
        i = steps.index("feedback")
        steps[i + 1:i + 1] = ["reject", "feedback"]
    span = (now - start).total_seconds()
    created_at = start + dt.timedelta(seconds=rng.random() * span * 0.95)
    times = [created_at]
    for _ in steps[1:]:
        times.append(min(times[-1] + dt.timedelta(hours=rng.randint(2, 24 * 12)), now))
    assigned_at = times[1] if "assign" in steps else None
    deadline = (assigned_at + dt.timedelta(days=rng.choice([15, 30, 60, 90]))).date() if assigned_at else None
    red = state in (CaseState.ASSIGNED, CaseState.RECTIFYING) and deadline is not None and deadline < timezone.localdate()
    return {
        "county": rng.choice(counties),
        "title": rng.choice(PROBLEMS),
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
