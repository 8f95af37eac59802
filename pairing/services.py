"""Every write of the pairing loop: one function per use case, each in one transaction.

A task of the annual list is a case (cases.services.case_create) that concerns the pairing record, with
a PairingTask row naming the responsible groups; its joint close-out parties start as those groups'
leads and are edited through cases.joint_parties. A problem raised on a leader's visit is a case with
source 省领导协调, so the problems solved are counted from the ledger.
"""
import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cases import clock
from cases.joint_parties import joint_parties_set
from cases.models import Case, CaseCategory, CaseSource
from cases.services import case_create, case_update, perform_action
from registry.history import record_changes, snapshot
from registry.models import Division, PairingGroup, PairingKind, PairingRelationship
from registry.scoping import can_see, user_can_see_division

from .models import Enclave, EnclaveRevenue, LeaderVisit, PairingProject, PairingTask, QuarterInput, VisitProblem

TASK_CATEGORY = "帮扶任务"
PROVINCE_ONLY = "只有省工作专班工作人员可以执行此操作。"


def check_province_clerk(user) -> None:
    if not (user.is_superuser or (user.is_clerk and user.sees_everything)):
        raise PermissionDenied(PROVINCE_ONLY)


def check_pairing_clerk(user, pairing) -> None:
    """The province's or the paired county's task force (or the city's above it) keeps the loop's records."""
    if not (user.is_superuser or (user.is_clerk and user_can_see_division(user, pairing.county))):
        raise PermissionDenied("只有该县（或上级）工作专班工作人员可以维护结对帮扶台账。")


def _one_plus_three(pairing) -> None:
    if pairing.kind != PairingKind.ONE_PLUS_THREE:
        raise ValidationError({"pairing": "请选择“1+3”结对帮扶关系。"})


def default_joint_parties(pairing, groups) -> list:
    """The parties a task's joint close-out starts with: the leads of its responsible groups (all three
    groups' leads when the task names none)."""
    chosen = list(groups) or list(pairing.groups.select_related("lead_unit"))
    return list(dict.fromkeys(g.lead_unit for g in chosen))


def _check_groups(pairing, groups) -> list:
    groups = list(groups)
    strangers = [g for g in groups if g.pairing_id != pairing.pk]
    if strangers:
        raise ValidationError({"groups": "责任组团须属于该结对帮扶关系。"})
    return groups


# --- the annual task list ----------------------------------------------------------------------------

@transaction.atomic
def task_create(*, by, pairing: PairingRelationship, number: str, title: str, groups=(), description: str = "",
                is_takeover: bool = False, joint_parties=None, lead_unit=None, co_units=(), deadline: dt.date | None = None,
                category: CaseCategory | None = None) -> PairingTask:
    """Log a task of the pairing's list: a case in the pairing's county (source 帮扶计划) concerning the
    pairing, its joint parties pre-filled from the groups' leads unless given; assigned at once when a
    lead unit and deadline are given."""
    _one_plus_three(pairing)
    number = (number or "").strip()
    if not number:
        raise ValidationError({"number": "请填写任务编号。"})
    if PairingTask.objects.filter(pairing=pairing, number=number).exists():
        raise ValidationError({"number": f"该结对关系已有编号为 {number} 的任务。"})
    groups = _check_groups(pairing, groups)
    parties = default_joint_parties(pairing, groups) if joint_parties is None else list(joint_parties)
    case = case_create(
        by=by, title=title, description=description, county=pairing.county, source=CaseSource.PAIRING_PLAN,
        category=category or CaseCategory.objects.get(name=TASK_CATEGORY), concerns=pairing, joint_parties=parties,
    )
    task = PairingTask.objects.create(case=case, pairing=pairing, number=number, is_takeover=is_takeover)
    task.groups.set(groups)
    if lead_unit is not None:
        if deadline is None:
            raise ValidationError({"deadline": "交办时请填写办理期限。"})
        perform_action(case=case, action="assign", by=by, version=case.version, lead_unit=lead_unit,
                       co_units=list(co_units), deadline=deadline)
    return task


@transaction.atomic
def task_update(*, by, task: PairingTask, title=None, description=None, groups=None, is_takeover=None,
                joint_parties=None, comment: str = "Excel 导入") -> tuple[PairingTask, bool]:
    """Change a task's list fields; the case's own fields and parties through the case's services (events
    recorded there). Answers (task, whether anything changed)."""
    task = PairingTask.objects.select_for_update().select_related("case", "pairing").get(pk=task.pk)
    changed = False
    case_fields = {k: v for k, v in (("title", title), ("description", description)) if v is not None and getattr(task.case, k) != v}
    if case_fields:
        case_update(case=task.case, by=by, version=task.case.version, comment=comment, **case_fields)
        changed = True
    if joint_parties is not None:
        case = Case.objects.get(pk=task.case_id)
        current = set(case.joint_parties.values_list("party_id", flat=True))
        if current != {p.pk for p in joint_parties}:
            joint_parties_set(case=case, by=by, parties=joint_parties, version=case.version, comment=comment)
            changed = True
    if groups is not None:
        groups = _check_groups(task.pairing, groups)
        if {g.pk for g in groups} != set(task.groups.values_list("pk", flat=True)):
            _check_task_writer(by, task)
            task.groups.set(groups)
            changed = True
    if is_takeover is not None and is_takeover != task.is_takeover:
        _check_task_writer(by, task)
        task.is_takeover = is_takeover
        task.save(update_fields=["is_takeover"])
        changed = True
    return task, changed


def _check_task_writer(by, task) -> None:
    from cases.workflow import check_edit

    check_edit(Case.objects.select_related("owner__division").get(pk=task.case_id), by)


# --- enclaves, revenue, mountain–sea projects ------------------------------------------------------------

@transaction.atomic
def enclave_create(*, by, pairing, name: str, kind: str, origin: Division, host: Division, revenue_terms: str,
                   started_on: dt.date | None = None) -> Enclave:
    check_pairing_clerk(by, pairing)
    enclave = Enclave(pairing=pairing, name=name.strip(), kind=kind, origin=origin, host=host,
                      revenue_terms=revenue_terms.strip(), started_on=started_on)
    enclave.full_clean()
    enclave.save()
    return enclave


@transaction.atomic
def enclave_revenue_record(*, by, enclave: Enclave, year: int, quarter: int, amount: Decimal, reason: str = "") -> EnclaveRevenue:
    """The quarter's shared revenue; recording a quarter again corrects it (the latest figure counts),
    with a reason, and the earlier figure stays in the change history."""
    check_pairing_clerk(by, enclave.pairing)
    row = EnclaveRevenue.objects.select_for_update().filter(enclave=enclave, year=year, quarter=quarter).first()
    row = row or EnclaveRevenue(enclave=enclave, year=year, quarter=quarter)
    return _recorded(row, by=by, reason=reason, field="amount", amount=amount, recorded_by=by)


def _recorded(row, *, by, reason: str, field: str, **values):
    """Save a quarter's typed figure with its change history (who, when, from, to, why); correcting a
    figure already recorded needs a reason."""
    before = snapshot(row) if row.pk else {}
    if row.pk and getattr(row, field) != values[field] and not reason.strip():
        raise ValidationError({"reason": "更正已填报的数值须说明原因。"})
    for name, value in values.items():
        setattr(row, name, value)
    row.full_clean()
    row.save()
    record_changes(row, actor=by, before=before, after=snapshot(row), reason=reason.strip()[:500])
    return row


@transaction.atomic
def project_link(*, by, pairing, project, partner_county: Division | None = None) -> PairingProject:
    """Name a project of the pairing's county as a mountain–sea cooperation project of the pairing."""
    check_pairing_clerk(by, pairing)
    if project.county_id != pairing.county_id:
        raise ValidationError({"project": "山海协作项目须位于受帮扶县。"})
    if not can_see(by, project):
        raise ValidationError({"project": "项目不存在或不在您的管辖范围内。"})
    link = PairingProject(pairing=pairing, project=project, partner_county=partner_county or pairing.partner_county)
    link.full_clean()
    link.save()
    return link


# --- the provincial leader's visits ----------------------------------------------------------------------

@transaction.atomic
def visit_record(*, by, pairing, visited_on: dt.date, leader: str, places: str, people_met: str = "", summary: str = "",
                 problems=()) -> LeaderVisit:
    """Log a visit; each problem raised ({"title", "description"?, "lead_unit"?, "deadline"?}) becomes a
    case with source 省领导协调 concerning the visit, assigned at once when a lead unit is named."""
    check_pairing_clerk(by, pairing)
    if visited_on > clock.today():
        raise ValidationError({"visited_on": "调研日期不能晚于今天。"})
    visit = LeaderVisit(pairing=pairing, visited_on=visited_on, leader=leader.strip() or pairing.provincial_leader,
                        places=places.strip(), people_met=people_met.strip(), summary=summary.strip(), recorded_by=by)
    visit.full_clean()
    visit.save()
    for number, problem in enumerate(problems, start=1):
        title = (problem.get("title") or "").strip()
        if not title:
            raise ValidationError({"problems": f"第{number}个问题缺少标题。"})
        case = case_create(by=by, title=title[:200], description=problem.get("description", ""), county=pairing.county,
                           source=CaseSource.LEADER_VISIT, category=CaseCategory.objects.get(name=TASK_CATEGORY),
                           concerns=visit)
        VisitProblem.objects.create(visit=visit, case=case)
        if problem.get("lead_unit") is not None:
            perform_action(case=case, action="assign", by=by, version=case.version, lead_unit=problem["lead_unit"],
                           co_units=[], deadline=problem.get("deadline") or clock.today() + dt.timedelta(days=30))
    return visit


# --- the quarter's funds ------------------------------------------------------------------------------

@transaction.atomic
def quarter_funds_record(*, by, pairing, year: int, quarter: int, funds: Decimal, note: str = "", reason: str = "") -> QuarterInput:
    check_pairing_clerk(by, pairing)
    row = QuarterInput.objects.select_for_update().filter(pairing=pairing, year=year, quarter=quarter).first()
    row = row or QuarterInput(pairing=pairing, year=year, quarter=quarter)
    return _recorded(row, by=by, reason=reason, field="funds", funds=funds, note=note.strip()[:500], recorded_by=by)


def group_of(pairing, kind) -> PairingGroup | None:
    return pairing.groups.filter(kind=kind).first()
