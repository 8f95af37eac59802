import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from docx import Document
from openpyxl import load_workbook

from monitoring import evaluation, services
from monitoring.models import CountyEvaluation, EvaluationYear
from registry.models import ChangeRecord, Division
from rollups.models import MonthlySnapshot

from .test_compute import _fill


@pytest.fixture
def prepared(catalogue, province_clerk):
    _fill(catalogue, "2025", codes=("S01", "E01", "L01", "G01", "E03"))
    services.index_compute(period="2025")
    yiwu = Division.objects.get(code="330782")
    for month, dispatched, closed in ((1, 10, 6), (6, 10, 9)):
        MonthlySnapshot.objects.create(month=dt.date(2025, month, 1), division=yiwu, level=3, dispatched=dispatched,
                                       closed=closed, investment_rate=40.0 + month)
    return evaluation.evaluation_prepare(year=2025, by=province_clerk)


def test_each_county_gets_index_rank_strengths_weaknesses_and_rollup_figures(prepared):
    rows = CountyEvaluation.objects.filter(year=prepared)
    assert rows.count() == 90
    yiwu = rows.get(division__code="330782")
    assert yiwu.composite is not None and yiwu.rank_in_group and yiwu.group_size > 1
    assert yiwu.closure_rate == pytest.approx(75.0) and yiwu.project_completion == pytest.approx(46.0)
    assert all(i["gap"] > 0 for i in yiwu.strengths) and all(i["gap"] < 0 for i in yiwu.weaknesses)
    assert len(yiwu.strengths) + len(yiwu.weaknesses) > 0


def test_clerk_recommendation_is_recorded_and_finalising_writes_every_document(
    prepared, province_clerk, yiwu_clerk, django_capture_on_commit_callbacks
):
    yiwu = CountyEvaluation.objects.get(year=prepared, division__code="330782")
    evaluation.evaluation_recommend(evaluation=yiwu, by=yiwu_clerk, text="加快补齐生态融合短板。")
    assert ChangeRecord.objects.filter(field="recommendation", new_value="加快补齐生态融合短板。").exists()
    with django_capture_on_commit_callbacks(execute=True):
        evaluation.evaluation_finalise(year=2025, by=province_clerk)
    state = EvaluationYear.objects.get(year=2025)
    assert state.finalised and (state.documents_done, state.documents_total) == (90, 90) and state.workbook
    doc = Document(CountyEvaluation.objects.get(pk=yiwu.pk).docx.open("rb"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "义乌市2025年度城乡一体融合高质量发展评价" in text and "加快补齐生态融合短板。" in text and "长板优势" in text
    rows = list(load_workbook(state.workbook.open("rb"), read_only=True)["年度评价汇总"].iter_rows(values_only=True))
    assert len(rows) == 91
    with pytest.raises(ValidationError):
        evaluation.evaluation_recommend(evaluation=yiwu, by=yiwu_clerk, text="再改")
    with pytest.raises(ValidationError):
        evaluation.evaluation_prepare(year=2025, by=province_clerk)


def test_county_reads_its_own_evaluation_and_gets_404_for_another(client, prepared, yiwu_staff, province_manager):
    client.force_login(yiwu_staff)
    response = client.get("/monitoring/evaluation/2025/330782/docx/")
    assert response.status_code == 200
    Document(io.BytesIO(response.content))
    assert client.get("/monitoring/evaluation/2025/330783/docx/").status_code == 404
    assert client.get("/monitoring/evaluation/2025/330783/").status_code == 404
    client.force_login(province_manager)
    page = client.get("/monitoring/evaluation/?year=2025").content.decode()
    assert page.count('data-division="33') == 90
    assert client.get("/monitoring/evaluation/2025/summary.xlsx").status_code == 200


def test_evaluation_pages_refuse_county_staff_and_bad_years(client, prepared, yiwu_staff, province_manager):
    client.force_login(yiwu_staff)
    assert client.get("/monitoring/evaluation/?year=2025").status_code == 403
    client.force_login(province_manager)
    assert client.get("/monitoring/evaluation/?year=abc").status_code == 404
    assert client.post("/monitoring/evaluation/2025/finalise/").status_code == 403


def test_the_pairing_section_is_the_pairings_own_annual_evaluation(prepared):
    from pairing.evaluation import county_section
    from tests.pairing.factories import SUICHANG, make_pairing

    made = make_pairing(SUICHANG)
    made.pairing.year = 2025
    made.pairing.save(update_fields=["year"])
    suichang = CountyEvaluation.objects.get(year=prepared, division__code=SUICHANG)
    section = county_section(suichang.division, 2025)
    text = evaluation.pairing_section(suichang)
    assert section is not None and text.startswith(section["title"])
    assert all(line["name"] in text for line in section["lines"])
    yiwu = CountyEvaluation.objects.get(year=prepared, division__code="330782")
    assert evaluation.pairing_section(yiwu) == "本年度无“1+3”结对帮扶关系。"
