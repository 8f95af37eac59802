"""Demo data for the pairing loop (`seed_demo`): each "1+3" pairing's three groups, a short annual task
list carried through the workflow by the same services a clerk uses, enclaves with shared revenue,
a leader's visit with the problems it raised, and a login for each pairing's lead department.

The documents name the mountain–sea partners of 磐安 (义乌、东阳) and 武义 (永康): their strong-county
groups use them. Everything else here (task titles, enclave terms, amounts) is demonstration data,
labelled as such, not the documents' facts.
"""
import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction

from cases import clock
from registry.deliverables.named_examples import MOUNTAIN_SEA
from registry.deliverables.pairing_groups import county_unit, pairing_groups_set
from registry.models import Division, PairingGroup, PairingKind, PairingRelationship, Role, User

from projects.models import Project

from . import services
from .models import EnclaveKind, PairingTask

TASKS = ["共建山区共富产业园（示例）", "县医院专科托管帮扶（示例）", "教育结对共建学校（示例）", "农产品进商超直通车（示例）",
         "消薄飞地项目招商（示例）"]
ENCLAVE_TERMS = "飞地项目税收地方留成部分按约定比例分成（示例条款）。"


def _strong_units(pairing) -> tuple:
    """The strong-county group's lead and members: the documents' mountain–sea partners where named."""
    named = [code for county, code in MOUNTAIN_SEA if county == pairing.county.code]
    counties = [Division.objects.get(code=c) for c in named] or [pairing.partner_county]
    units = [u for u in (county_unit(c) for c in counties if c is not None) if u is not None]
    return (units[0], units[1:]) if units else (None, [])


def _groups(pairing) -> dict:
    groups = {}
    if pairing.lead_unit_id:
        groups["provincial"] = (pairing.lead_unit, list(pairing.member_units.all()))
    lead, members = _strong_units(pairing)
    if lead is not None:
        groups["strong_county"] = (lead, members)
    if pairing.soe_id:
        groups["soe"] = (pairing.soe, [])
    return groups


def _partner_login(pairing, password_hash):
    username = f"partner_{pairing.county.code}"
    user, _ = User.objects.get_or_create(username=username, defaults={
        "organisation": pairing.lead_unit, "role": Role.COUNTY_STAFF, "password": password_hash,
        "last_name": pairing.lead_unit.short_name or pairing.lead_unit.name, "first_name": "结对联络员"})
    return user


def _tasks(pairing, clerk, lead_staff, partner, rng, today):
    groups = list(pairing.groups.all())
    for number, title in enumerate(rng.sample(TASKS, 3), start=1):
        task = services.task_create(
            by=clerk, pairing=pairing, number=f"{pairing.year}-{number:03d}", title=title, groups=rng.sample(groups, 1),
            is_takeover=number == 3, lead_unit=lead_staff.organisation, deadline=today + dt.timedelta(days=rng.randint(20, 90)))
        if number == 1:
            _close(task.case, clerk, lead_staff, partner)


def _close(case, clerk, staff, partner):
    """The first task goes the whole way: accepted, fed back with a photo, confirmed by the parties, closed."""
    from cases.demo import _photo
    from cases.models import Case, JointConfirmation
    from cases.services import perform_action

    def step(action, by, **inputs):
        current = Case.objects.get(pk=case.pk)
        perform_action(case=current, action=action, by=by, version=current.version, **inputs)

    step("accept", staff)
    step("feedback", staff, comment="已完成（示例）", attachments=[_photo(case, staff)])
    for confirmation in JointConfirmation.objects.filter(case=case).select_related("party"):
        confirmer = User.objects.filter(organisation=confirmation.party, role=Role.COUNTY_STAFF).first()
        if confirmer is None:
            return  # a party without a demo login leaves the task awaiting its confirmation
        step("confirm", confirmer, comment="同意销号（示例）")
    step("close", clerk, comment="联合销号（示例）")


@transaction.atomic
def seed(*, password: str, seed: int, **_) -> dict:
    if PairingTask.objects.exists():
        return {"skipped": "already seeded", "tasks": PairingTask.objects.count()}
    rng = random.Random(f"{seed}-pairing")
    password_hash = make_password(password)
    province_clerk = User.objects.filter(username="clerk").first()
    today = clock.today()
    counts = {"groups": 0, "tasks": 0, "enclaves": 0, "visits": 0}
    pairings = PairingRelationship.objects.filter(kind=PairingKind.ONE_PLUS_THREE).select_related("county", "partner_county")
    for pairing in pairings.order_by("county__code"):
        clerk = User.objects.filter(username=f"clerk_{pairing.county.code}").first()
        staff = User.objects.filter(username=f"staff_{pairing.county.code}").first()
        if clerk is None or staff is None or province_clerk is None:
            continue
        if not PairingGroup.objects.filter(pairing=pairing).exists():
            groups = _groups(pairing)
            pairing_groups_set(actor=province_clerk, pairing=pairing, groups=groups, reason="演示数据")
            counts["groups"] += len(groups)
        partner = _partner_login(pairing, password_hash) if pairing.lead_unit_id else None
        _tasks(pairing, clerk, staff, partner, rng, today)
        counts["tasks"] += 3
        if pairing.partner_county_id:
            enclave = services.enclave_create(
                by=clerk, pairing=pairing, name=f"{pairing.county.name}在{pairing.partner_county.name}的消薄飞地（示例）",
                kind=rng.choice(list(EnclaveKind)), origin=pairing.county, host=pairing.partner_county, revenue_terms=ENCLAVE_TERMS)
            quarter = (today.month - 1) // 3 + 1
            for q in range(1, quarter + 1):
                services.enclave_revenue_record(by=clerk, enclave=enclave, year=today.year, quarter=q,
                                                amount=Decimal(rng.randint(50, 400)))
            counts["enclaves"] += 1
        project = Project.objects.filter(county=pairing.county, pairing_link__isnull=True).order_by("code").first()
        if project is not None:
            services.project_link(by=clerk, pairing=pairing, project=project)
        services.visit_record(by=clerk, pairing=pairing, visited_on=today - dt.timedelta(days=rng.randint(1, 60)),
                              leader=pairing.provincial_leader or "联系省领导", places=f"{pairing.county.name}（示例）",
                              problems=[{"title": f"{pairing.county.name}产业园配套道路待协调（示例）",
                                         "lead_unit": staff.organisation}])
        counts["visits"] += 1
    return counts

