"""The printable forms of a case: 交办单 (when assigned) and 销号单 (when closed), laid out as GB/T 9704
official documents — A4, margins 37/35/28/26 mm, title in 小标宋 二号, body in 仿宋 三号, the number as
the task force numbers its documents (cases.numbering).

One content (`case_document`) feeds both renderings: the print page (cases/case_document.html, print
CSS at A4) and the .docx (`render_docx`) clerks open in WPS or Word.
"""
import io
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .models import CaseEvent, CaseState
from .numbering import case_number

# GB/T 9704-2012: A4, 版心 156 × 225 mm.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
# The fonts the standard names, then what WPS and Word on most machines have instead.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
SIZE_2, SIZE_3, SIZE_4 = Pt(22), Pt(16), Pt(14)  # 二号, 三号, 四号
LABEL_WIDTH, VALUE_WIDTH = Mm(36), Mm(120)


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
    date: str  # 2026年12月3日

    @property
    def title(self) -> str:
        return f"交办事项{self.kind.title}"

    @property
    def filename(self) -> str:
        return f"{self.kind.title}-{self.number}.docx"


def chinese_date(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日"


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
            ("协办单位", "、".join(u.name for u in case.co_units.all()) or "—"),
            ("办理期限", chinese_date(case.deadline) or "—"),
            ("交办意见/要求", (assign.comment if assign else "") or case.description or "—"),
        ]
        signed_by, date = case.assigning_unit.name, chinese_date(case.assigned_at or case.created_at)
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
        signed_by, date = case.owner.name, chinese_date(case.closed_at)
    return CaseDocument(kind=kind, issuer=case.assigning_unit.name, number=number, rows=rows, signed_by=signed_by, date=date)


# --- .docx ------------------------------------------------------------------------------------

def _east_asian(element_rpr_owner, font: str) -> None:
    """Word picks Chinese glyphs from w:eastAsia, which python-docx's font.name does not set."""
    rpr = element_rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), font)


def _run(paragraph, text, *, font=BODY_FONT, size=SIZE_3, bold=False):
    run = paragraph.add_run(text)
    run.font.size, run.bold = size, bold
    _east_asian(run._r, font)
    return run


def _paragraph(doc, text, *, align, font=BODY_FONT, size=SIZE_3, space_after=Pt(0)):
    paragraph = doc.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = space_after
    _run(paragraph, text, font=font, size=size)
    return paragraph


def _page_number_footer(section) -> None:
    """GB/T 9704 page numbers: "— 1 —", a PAGE field between em dashes."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, "— ", size=SIZE_4)
    run = _run(paragraph, "", size=SIZE_4)
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), tag)
        else:
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = text
        run._r.append(node)
    _run(paragraph, " —", size=SIZE_4)


def render_docx(document: CaseDocument) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    normal = doc.styles["Normal"]
    normal.font.size = SIZE_3
    _east_asian(normal.element, BODY_FONT)
    _page_number_footer(section)

    _paragraph(doc, document.issuer, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=SIZE_2)
    _paragraph(doc, document.title, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=SIZE_2, space_after=Pt(8))
    _paragraph(doc, document.number, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(12))

    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for label, text in document.rows:
        cells = table.add_row().cells
        for cell, value, width, bold in ((cells[0], label, LABEL_WIDTH, True), (cells[1], text, VALUE_WIDTH, False)):
            cell.width = width
            paragraph = cell.paragraphs[0]
            for i, line in enumerate(str(value).splitlines() or [""]):
                if i:
                    paragraph = cell.add_paragraph()
                _run(paragraph, line, size=SIZE_4, bold=bold)

    _paragraph(doc, "", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, document.signed_by, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, document.date, align=WD_ALIGN_PARAGRAPH.RIGHT)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
