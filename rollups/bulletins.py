"""The monthly dispatch bulletin (月度调度通报): requested from the board or after a month is finalised,
rendered by a worker to .docx and .xlsx under MEDIA_ROOT, downloaded through a scoped view."""
import datetime as dt
import io
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import Workbook

from cases.models import Case, CaseEvent
from cases.services import DEADLINE_STATES
from projects.models import Project
from projects.selectors import lagging_projects, schedule_share
from registry import outbox
from registry.excel.writer import safe_row
from registry.inputs import sanitise_cell
from registry.models import Division, DivisionLevel
from registry.scoping import user_can_see_division

from . import tasks
from .figures import ESCALATE_ACTIONS, month_bounds
from .models import Bulletin, BulletinStatus, Dimension, MonthlySnapshot

logger = logging.getLogger(__name__)
# A bulletin lists at most this many items per table; the rest are counted in a closing line.
ITEM_LIMIT = 300
COUNTY_COLUMNS = [
    ("地区", lambda r: r.division.name),
    ("本月交办", lambda r: r.dispatched),
    ("本月销号", lambda r: r.closed),
    ("销号率（%）", lambda r: _fmt(r.closure_rate)),
    ("按期销号率（%）", lambda r: _fmt(r.on_time_rate)),
    ("月末逾期", lambda r: r.overdue_at_end),
    ("投资完成率（%）", lambda r: _fmt(r.investment_rate)),
    ("与序时进度差（百分点）", lambda r: _fmt(r.schedule_gap)),
]
ITEM_COLUMNS = ["事项", "所在地", "牵头责任单位", "办理期限", "状态", "层级", "情形"]
PROJECT_COLUMNS = ["项目编号", "项目名称", "所在地", "年度计划（万元）", "累计完成（万元）", "完成率（%）", "与序时进度差（百分点）"]


def _fmt(value):
    return "—" if value is None else f"{value:.2f}"


# --- requesting ------------------------------------------------------------------------------------

@transaction.atomic
def bulletin_request(*, month: dt.date, division: Division, by=None) -> Bulletin:
    """Queue a bulletin for `month` and `division`; rendered by a worker after the commit (through the
    outbox: a bulletin queued before a crash is still rendered)."""
    if by is not None and not user_can_see_division(by, division):
        raise ValidationError({"division": "该区划不在您的管辖范围内。"})
    if division.level > DivisionLevel.COUNTY:
        raise ValidationError({"division": "调度通报按省、设区市或县（市、区）生成。"})
    bulletin = Bulletin(month=month.replace(day=1), division=division, requested_by=by, requested_at=timezone.now())
    bulletin.full_clean()
    bulletin.save()
    outbox.enqueue(tasks.generate_bulletin, bulletin.pk)
    return bulletin


def bulletins_after_finalising(*, month: dt.date) -> list[Bulletin]:
    """The province's and each city's bulletin, once a month is final."""
    divisions = Division.objects.filter(level__in=(DivisionLevel.PROVINCE, DivisionLevel.CITY)).order_by("code")
    return [bulletin_request(month=month, division=d) for d in divisions]


# --- the content ------------------------------------------------------------------------------------

def bulletin_content(*, month: dt.date, division: Division) -> dict:
    """Everything a bulletin shows, from the snapshot plus the items and projects behind it."""
    month = month.replace(day=1)
    start, end = month_bounds(month)
    totals = MonthlySnapshot.objects.filter(month=month, division=division, dimension=Dimension.ALL).first()
    rows = list(
        MonthlySnapshot.objects.within(division)
        .filter(month=month, level=DivisionLevel.COUNTY, dimension=Dimension.ALL)
        .select_related("division")
        .order_by("division__code")
    )
    escalated = CaseEvent.objects.filter(case=OuterRef("pk"), action__in=ESCALATE_ACTIONS, created_at__gte=start, created_at__lt=end)
    # Overdue as of the day the bulletin is drawn up: what the meeting must still chase.
    overdue = Q(state__in=DEADLINE_STATES, deadline__lt=timezone.localdate())
    items = (
        Case.objects.within(division)
        .filter(created_at__lt=end)
        .annotate(_escalated=Exists(escalated))
        .filter(overdue | Q(_escalated=True))
        .select_related("county", "lead_unit")
        .order_by("deadline", "pk")
    )
    projects = (
        lagging_projects(Project.objects.within(division), month=month)
        .select_related("county")
        .order_by("schedule_gap", "code")
    )
    return {
        "month": month,
        "division": division,
        "totals": totals,
        "rows": rows,
        "items": list(items[: ITEM_LIMIT + 1]),
        "projects": list(projects[: ITEM_LIMIT + 1]),
        "schedule_share": schedule_share(month),
        "today": timezone.localdate(),
    }


def _item_row(case: Case, today: dt.date) -> list:
    reasons = []
    if case.state in DEADLINE_STATES and case.deadline and case.deadline < today:
        reasons.append("逾期")
    if case._escalated:
        reasons.append("本月提级")
    return [
        case.title, case.county.name, case.lead_unit.name if case.lead_unit else "—",
        f"{case.deadline:%Y-%m-%d}" if case.deadline else "—", case.get_state_display(), case.get_level_display(),
        "、".join(reasons),
    ]


def _project_row(p) -> list:
    return [
        p.code, p.name, p.county.name, f"{p.year_plan:.2f}", f"{p.completed_year:.2f}", _fmt(p.completion_rate), _fmt(p.schedule_gap),
    ]


def title(content) -> str:
    return f"{content['division'].name}千万工程交办事项月度调度通报（{content['month'].year}年{content['month'].month}月）"


def summary(content) -> str:
    t = content["totals"]
    month = content["month"]
    if t is None:
        return f"{month.year}年{month.month}月的统计尚未生成。"
    text = (
        f"{month.year}年{month.month}月，{content['division'].name}共交办事项{t.dispatched}件，销号{t.closed}件，"
        f"其中按期销号{t.closed_on_time}件；月末在办{t.open_at_end}件，逾期{t.overdue_at_end}件；"
        f"销号率{_fmt(t.closure_rate)}%，按期销号率{_fmt(t.on_time_rate)}%。本月督办{t.urged}件，提级{t.escalated}件，"
        f"待联合销号{t.awaiting_joint}件。"
    )
    if t.planned_investment:
        text += (
            f"重大项目年度计划投资{t.planned_investment:.2f}万元，累计完成{t.completed_investment:.2f}万元，"
            f"完成率{_fmt(t.investment_rate)}%，序时进度{_fmt(content['schedule_share'])}%。"
        )
    return text


def _tables(content):
    items, projects = content["items"], content["projects"]
    return [
        ("一、各地交办销号情况", [c for c, _ in COUNTY_COLUMNS], [[f(r) for _, f in COUNTY_COLUMNS] for r in content["rows"]]),
        ("二、逾期及提级事项", ITEM_COLUMNS, [_item_row(c, content["today"]) for c in items[:ITEM_LIMIT]]),
        ("三、投资进度滞后于序时进度的项目", PROJECT_COLUMNS, [_project_row(p) for p in projects[:ITEM_LIMIT]]),
    ]


def render_docx(content) -> bytes:
    doc = Document()
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title(content))
    run.bold, run.font.size = True, Pt(18)
    dated = doc.add_paragraph(f"{content['today'].year}年{content['today'].month}月{content['today'].day}日")
    dated.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(summary(content))
    for caption, header, rows in _tables(content):
        doc.add_heading(caption, level=2)
        if not rows:
            doc.add_paragraph("无。")
            continue
        table = doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header):
            cell.text = text
        for values in rows:
            for cell, value in zip(table.add_row().cells, values):
                cell.text = sanitise_cell(str(value))  # lxml refuses control characters, as openpyxl does
    if len(content["items"]) > ITEM_LIMIT or len(content["projects"]) > ITEM_LIMIT:
        doc.add_paragraph(f"（事项或项目超过 {ITEM_LIMIT} 条，其余请在系统中查看。）")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def render_xlsx(content) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    summary_sheet = workbook.create_sheet("概况")
    summary_sheet.append([title(content)])
    summary_sheet.append([summary(content)])
    for caption, header, rows in _tables(content):
        sheet = workbook.create_sheet(caption.split("、", 1)[1][:31])
        sheet.append(header)
        for values in rows:
            sheet.append(safe_row(sheet, values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bulletin_render(*, bulletin_id: int) -> Bulletin:
    """Render and store both files; a failure is recorded on the row, never half a bulletin."""
    updated = Bulletin.objects.filter(pk=bulletin_id, status__in=(BulletinStatus.QUEUED, BulletinStatus.RUNNING)).update(
        status=BulletinStatus.RUNNING
    )
    bulletin = Bulletin.objects.select_related("division").get(pk=bulletin_id)
    if not updated:
        return bulletin
    try:
        content = bulletin_content(month=bulletin.month, division=bulletin.division)
        stem = f"{bulletin.month:%Y-%m}-{bulletin.division.code}-{bulletin.pk}"
        docx, xlsx = render_docx(content), render_xlsx(content)
        with transaction.atomic():
            bulletin.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
            bulletin.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
            bulletin.status, bulletin.finished_at, bulletin.error = BulletinStatus.DONE, timezone.now(), ""
            bulletin.save()
    except Exception as exc:
        logger.exception("bulletin %s failed", bulletin_id)
        Bulletin.objects.filter(pk=bulletin_id).update(status=BulletinStatus.FAILED, finished_at=timezone.now(), error=str(exc)[:2000])
        bulletin.refresh_from_db()
    return bulletin


def filename(bulletin: Bulletin, kind: str) -> str:
    return f"{bulletin.division.name}{bulletin.month.year}年{bulletin.month.month}月调度通报.{kind}"
