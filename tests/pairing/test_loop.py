"""The loop's rhythm: the task list's Excel round trip, the quarter's figures against a hand-computed
example, visits whose problems become cases, the annual evaluation, and the quarterly report opened as
.docx and .xlsx."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from cases.models import Case, CaseSource
from pairing import services
from pairing.evaluation import county_section, evaluation_comment, evaluation_compute, evaluation_finalise
from pairing.excel import TASK_SHEET, task_rows, tasks_import
from pairing.models import EnclaveKind, PairingTask
from pairing.results import current_quarter, figures_for, quarter_end
from registry.excel import export_rows, run_import
from tests.cases.factories import act, evidence
from tests.projects.factories import ProjectFactory, SubmittedReportFactory

from .factories import YEAR, close_task, county, sheet_file


def _file(content):
    out = io.BytesIO(content)
    out.name = "任务清单.xlsx"
    return out


def _sheet(rows):
    return sheet_file(TASK_SHEET, rows)


def test_task_list_import_is_idempotent_by_number_and_export_re_imports_unchanged(world):
    clerk = world.suichang_clerk
    rows = [
        ["遂昌县", YEAR, "T-01", "共建产业园", "园区基础设施", "省级单位组团、强县组团", "", "否"],
        ["遂昌县", YEAR, "T-02", "县医院托管", "", "省级单位组团", "浙江省人民医院、省发展改革委", "是"],
    ]
    first = run_import(TASK_SHEET, _sheet(rows), clerk, tasks_import)
    assert first.ok, first.errors
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    t2 = PairingTask.objects.get(number="T-02")
    assert t2.is_takeover and {jc.party.name for jc in t2.case.joint_parties.all()} == {"浙江省人民医院", "省发展改革委"}
    t1 = PairingTask.objects.get(number="T-01")
    assert {jc.party for jc in t1.case.joint_parties.all()} == {world.suichang.dept, world.suichang.strong}
    again = run_import(TASK_SHEET, _sheet(rows), clerk, tasks_import)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    exported = export_rows(TASK_SHEET, task_rows(PairingTask.objects.all()))
    back = run_import(TASK_SHEET, _file(exported), clerk, tasks_import)
    assert back.ok, back.errors
    assert (back.created, back.updated, back.unchanged) == (0, 0, 2)
    rows[0][3] = "共建山海协作产业园"
    changed = run_import(TASK_SHEET, _sheet(rows), clerk, tasks_import)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert Case.objects.get(pk=t1.case_id).events.filter(action="edit").exists()
    assert Case.objects.count() == 2


def test_bad_task_cells_are_reported_and_nothing_is_kept(world):
    report = run_import(TASK_SHEET, _sheet([
        ["遂昌县", YEAR, "T-01", "任务一", "", "国企组团", "", "否"],
        ["遂昌县", YEAR, "T-02", "任务二", "", "", "不存在的单位", "否"],
        ["遂昌县", YEAR, "T-03", "任务三", "", "", "", "否"],
    ]), world.suichang_clerk, tasks_import)
    assert {(e.row_number, e.column_header) for e in report.errors} == {(2, "责任组团"), (3, "联合销号单位")}
    outside = run_import(TASK_SHEET, _sheet([["磐安县", YEAR, "T-04", "任务四", "", "", "", "否"]]), world.suichang_clerk, tasks_import)
    assert [(e.row_number, e.column_header) for e in outside.errors] == [(2, "受帮扶县")]
    assert not PairingTask.objects.exists()


def _assigned_task(world, number, deadline, **kw):
    task = services.task_create(by=world.suichang_clerk, pairing=world.suichang.pairing, number=number, title=f"任务{number}",
                                groups=[world.suichang.groups["provincial"]], lead_unit=world.county_lead, deadline=deadline, **kw)
    return task


def test_quarter_figures_against_a_hand_computed_example(world):
    s, clerk = world.suichang, world.suichang_clerk
    year, quarter = current_quarter()
    end = quarter_end(year, quarter)
    # Three tasks due by the quarter's end (one taken over), one due next year: the plan is 3.
    done = _assigned_task(world, "A", end)
    _assigned_task(world, "B", end)
    _assigned_task(world, "C", end, is_takeover=True)
    _assigned_task(world, "D", dt.date(year + 1, 3, 1))
    close_task(world, done.case, confirmers=[world.dept_staff])
    enclave = services.enclave_create(by=clerk, pairing=s.pairing, name="遂昌—义乌消薄飞地", kind=EnclaveKind.POVERTY,
                                      origin=county("331123"), host=county("330782"), revenue_terms="税收地方留成部分按6:4分成")
    services.enclave_revenue_record(by=clerk, enclave=enclave, year=year, quarter=quarter, amount=Decimal("50"))
    if quarter > 1:
        services.enclave_revenue_record(by=clerk, enclave=enclave, year=year, quarter=quarter - 1, amount=Decimal("100"))
    services.enclave_revenue_record(by=clerk, enclave=enclave, year=year - 1, quarter=4, amount=Decimal("120"))
    services.quarter_funds_record(by=clerk, pairing=s.pairing, year=year, quarter=quarter, funds=Decimal("200"))
    project = ProjectFactory(county=county("331123"), plan={year: Decimal("1000")})
    services.project_link(by=clerk, pairing=s.pairing, project=project)
    SubmittedReportFactory(project=project, month=dt.date(year, quarter * 3 - 2, 1), completed=Decimal("300"))
    SubmittedReportFactory(project=project, month=dt.date(year - 1, 12, 1), completed=Decimal("999"))  # last year: not counted
    visit = services.visit_record(by=clerk, pairing=s.pairing, visited_on=dt.date.today(), leader="王省长", places="遂昌县金竹镇",
                                  problems=[{"title": "产业园用电指标不足", "lead_unit": world.county_lead}, {"title": "客运班线少"}])
    solved = visit.problems.order_by("id").first().case
    act(solved, "accept", world.lead_staff)
    act(solved, "feedback", world.lead_staff, comment="已协调", attachments=[evidence(solved, world.lead_staff)])
    act(solved, "close", clerk, comment="销号")

    x = figures_for([s.pairing.pk], year, quarter)[s.pairing.pk]
    assert (x.tasks, x.planned, x.closed, x.closed_on_time, x.open, x.overdue) == (4, 3, 1, 1, 3, 0)
    assert (x.takeover, x.takeover_closed) == (1, 0)
    assert x.investment == Decimal("300") and x.planned_investment == Decimal("1000")
    assert x.revenue == Decimal("150" if quarter > 1 else "50") and x.quarter_revenue == Decimal("50")
    assert x.last_year_revenue == Decimal("120") and x.funds == Decimal("200")
    assert (x.problems_raised, x.problems_solved) == (2, 1) and x.last_visit == dt.date.today()
    # Demonstration weights 30/20/20/15/15: completion 1/3 → 10, on time 1/1 → 20, investment 0.3 → 6,
    # revenue ≥ 1.1 × last year → 15 (or 50/120 → 5.68 in a first quarter), take-over 0/1 → 0.
    assert x.score == (Decimal("51.00") if quarter > 1 else Decimal("41.68"))


def test_visit_problems_are_cases_from_the_leader(world):
    visit = services.visit_record(by=world.suichang_clerk, pairing=world.suichang.pairing, visited_on=dt.date.today(),
                                  leader="王省长", places="遂昌县", problems=[{"title": "村道狭窄"}])
    case = visit.problems.get().case
    assert case.source == CaseSource.LEADER_VISIT and case.get_source_display() == "省领导协调"
    assert case.county == world.suichang.pairing.county
    with pytest.raises(ValidationError):
        services.visit_record(by=world.suichang_clerk, pairing=world.suichang.pairing, visited_on=dt.date.today() + dt.timedelta(days=2),
                              leader="王省长", places="遂昌县")


def test_the_annual_evaluation_is_computed_commented_and_finalised_by_the_province(world):
    _assigned_task(world, "A", quarter_end(YEAR, 4))
    sheet = evaluation_compute(by=world.province_clerk, pairing=world.suichang.pairing, year=YEAR)
    assert [line["metric"] for line in sheet.lines] == ["completion", "on_time", "investment", "revenue", "takeover"]
    assert sheet.total == Decimal("0")  # one task due, none closed; the rest not applicable
    with pytest.raises(ValidationError, match="评语"):
        evaluation_finalise(by=world.province_clerk, evaluation=sheet)
    evaluation_comment(by=world.province_clerk, evaluation=sheet, comment="任务推进偏慢")
    final = evaluation_finalise(by=world.province_clerk, evaluation=sheet)
    assert final.state == "final"
    with pytest.raises(ValidationError, match="已定稿"):
        evaluation_compute(by=world.province_clerk, pairing=world.suichang.pairing, year=YEAR)
    section = county_section(world.suichang.pairing.county, YEAR)
    assert section["final"] and section["comment"] == "任务推进偏慢"
    assert county_section(county("330782"), YEAR) is None
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        evaluation_compute(by=world.suichang_clerk, pairing=world.panan.pairing, year=YEAR)


def test_quarterly_report_opens_as_docx_and_xlsx(world, client):
    _assigned_task(world, "A", quarter_end(YEAR, 4))
    client.force_login(world.province_clerk)
    year, quarter = current_quarter()
    docx = client.get(reverse("pairing-report-docx", args=[world.suichang.pairing.pk, year, quarter]))
    assert docx.status_code == 200
    doc = Document(io.BytesIO(docx.content))
    assert f"{year}年第{quarter}季度" in doc.paragraphs[0].text
    assert doc.tables[0].rows[1].cells[0].text == "遂昌县"
    xlsx = client.get(reverse("pairing-report-xlsx", args=[year, quarter]))
    rows = list(load_workbook(io.BytesIO(xlsx.content), read_only=True).worksheets[0].values)
    assert {r[0] for r in rows[2:]} == {"遂昌县", "磐安县"}
    assert client.get(reverse("pairing-report-xlsx", args=[year, 9])).status_code == 404
    dash = client.get(reverse("pairing-dashboard"))
    assert [r.pairing.county.name for r in dash.context["rows"]] == ["磐安县", "遂昌县"]
    assert client.get(reverse("pairing-evaluations")).status_code == 200


def test_correcting_a_quarters_figure_needs_a_reason_and_keeps_the_earlier_one(world):
    from registry.models import ChangeRecord

    s, clerk = world.suichang, world.suichang_clerk
    year, quarter = current_quarter()
    enclave = services.enclave_create(by=clerk, pairing=s.pairing, name="遂昌—义乌科创飞地", kind=EnclaveKind.POVERTY,
                                      origin=county("331123"), host=county("330782"), revenue_terms="按约定分成")
    row = services.enclave_revenue_record(by=clerk, enclave=enclave, year=year, quarter=quarter, amount=Decimal("50"))
    with pytest.raises(ValidationError) as refused:
        services.enclave_revenue_record(by=clerk, enclave=enclave, year=year, quarter=quarter, amount=Decimal("80"))
    assert "reason" in refused.value.message_dict
    services.enclave_revenue_record(by=clerk, enclave=enclave, year=year, quarter=quarter, amount=Decimal("80"),
                                    reason="财政结算后更正")
    change = ChangeRecord.objects.get(object_id=row.pk, field="amount")
    assert Decimal(change.old_value) == 50 and Decimal(change.new_value) == 80
    assert (change.reason, change.user) == ("财政结算后更正", clerk)
    services.quarter_funds_record(by=clerk, pairing=s.pairing, year=year, quarter=quarter, funds=Decimal("200"))
    with pytest.raises(ValidationError):
        services.quarter_funds_record(by=clerk, pairing=s.pairing, year=year, quarter=quarter, funds=Decimal("210"))
    # The same figure again is no correction: no reason asked.
    services.quarter_funds_record(by=clerk, pairing=s.pairing, year=year, quarter=quarter, funds=Decimal("200"))
