"""The quarterly pairing report (每季掌握成效): one table of figures per pairing and quarter, as a .docx in
the bulletins' official layout (registry.documents, GB/T 9704) and as an .xlsx. One content feeds both."""
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook

from cases import clock
from registry import documents
from registry.excel.views import xlsx_response
from registry.excel.writer import safe_row

from . import selectors
from .results import figures_for

COLUMNS = [
    ("受帮扶县", False), ("联系省领导", False), ("年度任务", True), ("应完成", True), ("已完成", True), ("完成率", True),
    ("逾期", True), ("待联合确认", True), ("承接完成", True), ("山海协作投资（万元）", True), ("飞地分成（万元）", True),
    ("帮扶资金（万元）", True), ("解决问题", True), ("季度得分", True),
]


def _num(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


def _rate(done, base) -> str:
    return f"{Decimal(done) * 100 / Decimal(base):.1f}%" if base else "—"


def report_rows(pairings, year: int, quarter: int) -> list[list[str]]:
    figures = figures_for([p.pk for p in pairings], year, quarter)
    rows = []
    for p in pairings:
        x = figures[p.pk]
        rows.append([
            p.county.name, p.provincial_leader or "—", _num(x.tasks), _num(x.planned), _num(x.closed), _rate(x.closed, x.planned),
            _num(x.overdue), _num(x.awaiting_joint), f"{x.takeover_closed}/{x.takeover}", _num(x.investment), _num(x.revenue),
            _num(x.funds), f"{x.problems_solved}/{x.problems_raised}", _num(x.score),
        ])
    return rows


def title(year: int, quarter: int) -> str:
    return f"{year}年第{quarter}季度“1+3”结对帮扶工作成效"


def render_docx(pairings, year: int, quarter: int, *, issuer: str = "浙江省城乡融合工作专班") -> bytes:
    doc = documents.official_document()
    documents.add_title(doc, title(year, quarter))
    rows = report_rows(pairings, year, quarter)
    closed = sum(int(r[4]) for r in rows)
    planned = sum(int(r[3]) for r in rows)
    documents.add_paragraph(
        doc, f"截至{year}年第{quarter}季度末，{len(rows)}个山区海岛县结对帮扶应完成任务{planned}项，已完成{closed}项。"
             "各项数据取自交办事项台账、重大项目月报、飞地收益填报和省领导调研问题办理情况。")
    documents.add_heading(doc, "一、分县成效")
    columns = [documents.DocColumn(label, numeric=numeric, no_wrap=numeric) for label, numeric in COLUMNS]
    documents.add_table(doc, columns, rows)
    documents.add_signature(doc, issuer, clock.today())
    return documents.to_bytes(doc)


def render_xlsx(pairings, year: int, quarter: int) -> bytes:
    import io

    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}年第{quarter}季度"
    sheet.append(safe_row(sheet, [title(year, quarter)]))
    sheet.append(safe_row(sheet, [label for label, _ in COLUMNS]))
    for row in report_rows(pairings, year, quarter):
        sheet.append(safe_row(sheet, row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _check(year, quarter):
    if not (2000 <= year <= 2100 and 1 <= quarter <= 4):
        raise Http404("没有该季度。")


@login_required
def quarter_docx(request, pk, year, quarter):
    _check(year, quarter)
    pairing = selectors.pairing_detail(request.user, pk)
    response = HttpResponse(render_docx([pairing], year, quarter),
                            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{pairing.county.name}{title(year, quarter)}.docx")
    return response


@login_required
def quarter_xlsx(request, year, quarter):
    _check(year, quarter)
    pairings = list(selectors.pairings_for(request.user, year))
    return xlsx_response(render_xlsx(pairings, year, quarter), f"{title(year, quarter)}.xlsx")

