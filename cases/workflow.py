"""The one table of the assign – track – close workflow (发现—交办—整改—反馈—销号).

Services, pages and the API all read this module: which action may be taken from which state, by
which side, needing which inputs. Nothing else decides whether an action is allowed.
"""
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from .models import OPEN_STATES, CaseLevel, CaseState

S = CaseState

# The sides a user can stand on towards a case (each is a predicate in SIDES below).
OWNER_CLERK = "owner_clerk"  # clerk of the task force that owns the case (the assigning side)
CLERK_ABOVE = "clerk_above"  # clerk of the owning task force or of any task force above it
RESPONSIBLE = "responsible"  # member of the lead or a co-responsible unit
LEAD = "lead"  # member of the lead responsible unit
JOINT_PARTY = "joint_party"  # member of a joint close-out party that has not confirmed yet

SIDE_LABELS = {
    OWNER_CLERK: "责任专班工作人员",
    CLERK_ABOVE: "责任专班或上级专班工作人员",
    RESPONSIBLE: "责任单位",
    LEAD: "牵头责任单位",
    JOINT_PARTY: "尚未确认的联合销号单位",
}

# Inputs an action may require.
COMMENT = "comment"
EVIDENCE = "evidence"
DEADLINE = "deadline"
LEAD_UNIT = "lead_unit"


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    from_states: tuple
    to_state: str | None  # None: the state does not change
    sides: tuple
    requires: frozenset = frozenset()
    comment_label: str = "说明"


ACTIONS = {
    a.name: a
    for a in [
        Action("assign", "交办", (S.DISCOVERED,), S.ASSIGNED, (OWNER_CLERK,), frozenset({LEAD_UNIT, DEADLINE}), "交办要求"),
        Action("accept", "签收", (S.ASSIGNED,), S.RECTIFYING, (RESPONSIBLE,)),
        Action("progress", "报送进展", (S.RECTIFYING,), None, (RESPONSIBLE,), frozenset({COMMENT}), "进展情况"),
        Action("feedback", "反馈", (S.RECTIFYING,), S.FEEDBACK, (LEAD,), frozenset({COMMENT, EVIDENCE}), "整改情况"),
        Action("confirm", "联合确认", (S.FEEDBACK,), None, (JOINT_PARTY,), frozenset(), "确认意见"),
        Action("close", "销号", (S.FEEDBACK,), S.CLOSED, (OWNER_CLERK,), frozenset({COMMENT}), "审核意见"),
        Action("reject", "退回", (S.FEEDBACK,), S.RECTIFYING, (OWNER_CLERK,), frozenset({COMMENT}), "退回原因"),
        Action("urge", "督办", OPEN_STATES, None, (CLERK_ABOVE,), frozenset({COMMENT}), "督办要求"),
        Action("escalate", "提级", OPEN_STATES, None, (CLERK_ABOVE,), frozenset({COMMENT}), "提级理由"),
        Action("extend", "申请延期", (S.ASSIGNED, S.RECTIFYING), None, (RESPONSIBLE,), frozenset({COMMENT, DEADLINE}), "延期理由"),
        Action("approve_extension", "同意延期", (S.ASSIGNED, S.RECTIFYING), None, (OWNER_CLERK,), frozenset(), "审批意见"),
        Action("deny_extension", "不同意延期", (S.ASSIGNED, S.RECTIFYING), None, (OWNER_CLERK,), frozenset({COMMENT}), "不同意理由"),
        Action("cancel", "撤销", OPEN_STATES, S.CANCELLED, (OWNER_CLERK,), frozenset({COMMENT}), "撤销原因"),
        Action("reopen", "回头看重启", (S.CLOSED,), S.RECTIFYING, (CLERK_ABOVE,), frozenset({COMMENT}), "复查发现的问题"),
    ]
}

# Events the system records on its own (daily deadline job); never offered to users.
# Events that are not workflow actions: recorded by the system, or (edit) a change of the case's own
# fields, which the table's "edit" rule below governs.
SYSTEM_ACTIONS = {
    "create": "登记",
    "edit": "修改事项信息",
    "joint_parties": "调整联合销号单位",
    "yellow_card": "亮黄牌（临期）",
    "red_card": "亮红牌（逾期）",
    "auto_escalate": "逾期自动提级",
}


# A manager's 批示 (cases.instructions): an event on the ledger outside the workflow; it changes nothing.
MANAGER_ACTIONS = {"instruct": "领导批示"}


def action_label(name: str) -> str:
    if name in ACTIONS:
        return ACTIONS[name].label
    return SYSTEM_ACTIONS.get(name) or MANAGER_ACTIONS.get(name, name)


class ActionNotAllowed(ValidationError):
    """The action cannot be taken on this case by this user now; the message says why and what can."""


# --- sides -----------------------------------------------------------------------------------

def _owner_division(case):
    return case.owner.division


def _is_owner_clerk(case, user, ctx) -> bool:
    return user.is_clerk and user.organisation_id is not None and user.division.pk == _owner_division(case).pk


def _is_clerk_above(case, user, ctx) -> bool:
    return user.is_clerk and user.division is not None and user.division.contains(_owner_division(case))


def _is_responsible(case, user, ctx) -> bool:
    return user.can_write and user.organisation_id is not None and user.organisation_id in ctx["responsible_ids"]


def _is_lead(case, user, ctx) -> bool:
    return user.can_write and user.organisation_id is not None and user.organisation_id == case.lead_unit_id


def _is_joint_party(case, user, ctx) -> bool:
    return user.can_write and user.organisation_id is not None and user.organisation_id in ctx["pending_party_ids"]


SIDES = {
    OWNER_CLERK: _is_owner_clerk,
    CLERK_ABOVE: _is_clerk_above,
    RESPONSIBLE: _is_responsible,
    LEAD: _is_lead,
    JOINT_PARTY: _is_joint_party,
}


# --- conditions beyond state and side ----------------------------------------------------------

def _guard(action: Action, case, ctx) -> str | None:
    """Why the action cannot be taken although state and side allow it (None: it can)."""
    if action.name == "escalate" and case.level >= CaseLevel.PROVINCE:
        return "该事项已是省级，不能再提级。"
    if action.name == "extend" and case.extension_deadline is not None:
        return "已有一项延期申请待审批。"
    if action.name in ("approve_extension", "deny_extension") and case.extension_deadline is None:
        return "没有待审批的延期申请。"
    if action.name == "close" and ctx["pending_party_ids"]:
        return f"联合销号尚缺以下单位确认：{'、'.join(ctx['pending_party_names'])}。"
    return None


def case_context(case) -> dict:
    """What the rules need beyond the case row: responsible units and pending joint parties."""
    responsible = {case.lead_unit_id} if case.lead_unit_id else set()
    responsible |= {u.pk for u in case.co_units.all()}
    pending = [jc.party for jc in case.joint_parties.all() if jc.confirmed_at is None]
    return {
        "responsible_ids": responsible,
        "pending_party_ids": {p.pk for p in pending},
        "pending_party_names": [p.name for p in pending],
    }


def _user_sides(case, user, ctx) -> set:
    if user is None or not user.is_authenticated:
        return set()
    return {name for name, test in SIDES.items() if test(case, user, ctx)}


def available_actions(case, user, ctx=None) -> list[Action]:
    """The actions `user` may take on `case` now, in table order (the case must be visible to them)."""
    ctx = ctx if ctx is not None else case_context(case)
    sides = _user_sides(case, user, ctx)
    return [
        a
        for a in ACTIONS.values()
        if case.state in a.from_states and sides.intersection(a.sides) and _guard(a, case, ctx) is None
    ]


def check_action(case, user, name: str, ctx=None) -> Action:
    """The action if `user` may take it now, else ActionNotAllowed naming the state and what is allowed."""
    ctx = ctx if ctx is not None else case_context(case)
    allowed = available_actions(case, user, ctx)
    allowed_text = "、".join(a.label for a in allowed) or "无"
    state_label = CaseState(case.state).label
    action = ACTIONS.get(name)
    if action is None:
        raise ActionNotAllowed(f"未知的操作“{name}”。当前可执行的操作：{allowed_text}。", code="unknown_action")
    if action in allowed:
        return action
    if case.state not in action.from_states:
        reason = f"事项当前状态为“{state_label}”，不能执行“{action.label}”。"
    elif not _user_sides(case, user, ctx).intersection(action.sides):
        who = "或".join(SIDE_LABELS[s] for s in action.sides)
        reason = f"事项当前状态为“{state_label}”，“{action.label}”只能由{who}执行。"
    else:
        reason = f"事项当前状态为“{state_label}”，暂不能“{action.label}”：{_guard(action, case, ctx)}"
    raise ActionNotAllowed(f"{reason}您当前可执行的操作：{allowed_text}。", code="action_not_allowed")


# Editing the case's descriptive fields (title, description, category, …): the assigning side, while open.
EDIT = Action("edit", "修改事项信息", OPEN_STATES, None, (OWNER_CLERK,))


def check_edit(case, user) -> None:
    if case.state in EDIT.from_states and _is_owner_clerk(case, user, {}):
        return
    state_label = CaseState(case.state).label
    raise ActionNotAllowed(
        f"事项当前状态为“{state_label}”，事项信息只能由{SIDE_LABELS[OWNER_CLERK]}在事项销号前修改。", code="edit_not_allowed"
    )
