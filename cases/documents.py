"""The printable forms of a case: 交办单 (when assigned) and 销号单 (when closed), as GB/T 9704 documents.

A4, margins 37/35/28/26 mm, title in 小标宋 二号, body in 仿宋 三号, the number as the task force numbers
its documents (cases.numbering).

One content (`case_document`) feeds both renderings: the print page (cases/case_document.html, print
CSS at A4) and the .docx (`render_docx`) clerks open in WPS or Word."""
import datetime as dt
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone

from registry import documents

from .models import CaseEvent, CaseState
from .numbering import case_number


@dataclass(frozen=True)
class Kind:
    slug: str
    title: str
    states: tuple  # the states in which the document exists


ASSIGN = Kind("assign", "交办单", (CaseState.ASSIGNED, CaseState.RECTIFYING, CaseState.FEEDBACK, CaseState.CLOSED))
CLOSE = Kind("close", "销号单", (CaseState.CLOSED,))
KINDS = {k.slug: k for k in (ASSIGN, CLOSE)}


@dataclass(frozen=True)
class CaseDocument:
    kind: Kind
    issuer: str  # 发文机关
    number: str
    rows: list  # (label, text)
    signed_by: str
    day: dt.date | None  # 成文日期

    @property
    def date(self) -> str:
        return chinese_date(self.day)

    @property
    def title(self) -> str:
        return f"交办事项{self.kind.title}"

    @property
    def filename(self) -> str:
        return f"{self.kind.title}-{self.number}.docx"


def local_day(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    return value


def chinese_date(value) -> str:
    value = local_day(value)
    return "" if value is None else f"{value.year}年{value.month}月{value.day}日"


def _last_events(case, actions):
    """The latest event of each action (the last assignment, feedback and close-out count)."""
    events = CaseEvent.objects.filter(case=case, action__in=actions).select_related("actor", "actor_unit").order_by("seq")
    return {e.action: e for e in events}


def case_document(case, slug: str) -> CaseDocument:
    """The document `slug` of a case the caller may see; 404 when there is no such document (yet)."""
    kind = KINDS.get(slug)
    if kind is None or case.state not in kind.states:
        raise Http404("该事项当前没有此文书。")
    number = case_number(case)
    common = [("编号", number), ("标题", case.title), ("县（市、区）", case.county.full_name)]
    lead = case.lead_unit.name if case.lead_unit else "—"
    if kind is ASSIGN:
        assign = _last_events(case, ["assign"]).get("assign")
        rows = [
            *common[:2], ("来源", case.get_source_display()), common[2], ("牵头责任单位", lead),
            ("协同责任单位", "、".join(u.name for u in case.co_units.all()) or "—"),
            ("办理期限", chinese_date(case.deadline) or "—"),
            ("交办意见/要求", (assign.comment if assign else "") or case.description or "—"),
        ]
        signed_by, day = case.assigning_unit.name, local_day(case.assigned_at or case.created_at)
    else:
        events = _last_events(case, ["feedback", "close"])
        feedback, close = events.get("feedback"), events.get("close")
        closer = "—"
        if close and close.actor:
            closer = f"{close.actor}（{close.actor_unit.name}）" if close.actor_unit else str(close.actor)
        rows = [
            *common, ("牵头责任单位", lead), ("办理期限", chinese_date(case.deadline) or "—"),
            ("整改反馈", (feedback.comment if feedback else "") or "—"),
            ("佐证材料", f"{case.attachments.count()} 份"),
            ("审核意见", (close.comment if close else "") or "—"),
            ("销号日期", chinese_date(case.closed_at)), ("销号人", closer),
        ]
        signed_by, day = case.owner.name, local_day(case.closed_at)
    return CaseDocument(kind=kind, issuer=case.assigning_unit.name, number=number, rows=rows, signed_by=signed_by, day=day)


# --- .docx ------------------------------------------------------------------------------------

def render_docx(document: CaseDocument) -> bytes:
    """The form on the official page of registry.documents (page, fonts, page numbers, signature)."""
    doc = documents.official_document()
    doc.add_paragraph(document.issuer, style=documents.TITLE_STYLE)
    documents.add_title(doc, document.title)
    doc.add_paragraph(document.number, style=documents.TITLE_STYLE).runs[0].font.size = documents.BODY_SIZE
    columns = [documents.DocColumn("项目", no_wrap=True), documents.DocColumn("内容")]
    documents.add_table(doc, columns, [[label, str(text)] for label, text in document.rows])
    documents.add_signature(doc, document.signed_by, document.day)
    return documents.to_bytes(doc)
