"""交办单 and 销号单: the case's document number, the A4 print page and the GB/T 9704 .docx."""
import io

import pytest
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from cases.models import Case, CaseState
from cases.numbering import case_number, number_unnumbered
from tests.conftest import requires_postgres
from tests.support.threads import run_in_threads

from .factories import case_at, make_people, new_case


def _docx(client, case, kind):
    response = client.get(f"/cases/{case.pk}/{kind}.docx")
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    return Document(io.BytesIO(response.content))


def _text(document):
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_numbers_follow_the_pattern_per_assigning_unit_and_year(people, settings):
    year = timezone.localdate().year
    first, second = new_case(people), new_case(people)
    city = new_case(people, by=people.city_clerk)
    assert [first.doc_seq, second.doc_seq, city.doc_seq] == [1, 2, 1]
    assert case_number(first) == f"义乌专班〔{year}〕1号"
    assert case_number(city) == f"金华专班〔{year}〕1号"
    settings.CASE_NUMBER_PATTERN = "{division}交办〔{year}〕第{seq:03d}号"
    assert case_number(second) == f"义乌市交办〔{year}〕第002号"


def test_unnumbered_cases_are_numbered_after_the_highest(people):
    first, second, third = new_case(people), new_case(people), new_case(people)
    Case.objects.filter(pk__in=[second.pk, third.pk]).update(doc_seq=None, doc_year=None)
    assert number_unnumbered(Case) == 2
    assert list(Case.objects.order_by("pk").values_list("doc_seq", flat=True)) == [1, 2, 3]
    assert first.doc_seq == 1


def test_case_page_shows_the_document_number_not_the_version(people, client):
    case = case_at(CaseState.ASSIGNED, people)
    client.force_login(people.clerk)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert case_number(case) in page and "（版本" not in page
    assert 'data-document="assign"' in page and 'data-document="close"' not in page


def test_assignment_form_docx_is_a4_with_gbt9704_margins_and_the_fields(people, client):
    case = case_at(CaseState.ASSIGNED, people)
    client.force_login(people.lead_staff)
    document = _docx(client, case, "assign")
    section = document.sections[0]
    # Word keeps lengths in twips (635 EMU): A4 is 11906 × 16838, within a twip of Mm(210) × Mm(297).
    twip = 635
    assert abs(section.page_width - Mm(210)) < twip and abs(section.page_height - Mm(297)) < twip
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert all(abs(m - Mm(mm)) < twip for m, mm in zip(margins, (37, 35, 28, 26))), margins
    text = _text(document)
    for expected in (case_number(case), "交办事项交办单", case.title, "县（市、区）", people.lead_unit.name, people.co_unit.name,
                     "办理期限", "交办意见/要求", people.clerk.organisation.name):
        assert expected in text, expected
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert "PAGE" in document.sections[0].footer._element.xml


def test_close_form_docx_has_feedback_evidence_opinion_and_who_closed(people, client):
    case = case_at(CaseState.CLOSED, people)
    client.force_login(people.clerk)
    text = _text(_docx(client, case, "close"))
    for expected in ("交办事项销号单", case_number(case), "已修复", "1 份", "经核查已整改到位", str(people.clerk),
                     f"{timezone.localtime(case.closed_at).year}年"):
        assert expected in text, expected


def test_print_page_is_a4_and_scoped(people, client):
    case = case_at(CaseState.CLOSED, people)
    client.force_login(people.lead_staff)
    response = client.get(f"/cases/{case.pk}/print/close/")
    page = response.content.decode()
    assert response.status_code == 200 and case_number(case) in page and "经核查已整改到位" in page
    assert "css/case_document.css" in page and "<script>" not in page
    from django.contrib.staticfiles import finders

    css = open(finders.find("css/case_document.css"), encoding="utf-8").read()
    assert "@page { size: A4; margin: 37mm 26mm 35mm 28mm }" in css
    assert "仿宋" in css and "小标宋" in css
    client.force_login(people.other_county_staff)
    for url in (f"/cases/{case.pk}/print/close/", f"/cases/{case.pk}/close.docx", f"/cases/{case.pk}/assign.docx"):
        assert client.get(url).status_code == 404


def test_close_form_only_for_closed_cases(people, client):
    case = case_at(CaseState.FEEDBACK, people)
    discovered = case_at(CaseState.DISCOVERED, people)
    client.force_login(people.clerk)
    assert client.get(f"/cases/{case.pk}/print/close/").status_code == 404
    assert client.get(f"/cases/{case.pk}/close.docx").status_code == 404
    assert client.get(f"/cases/{discovered.pk}/print/assign/").status_code == 404
    assert client.get(f"/cases/{case.pk}/print/other/").status_code == 404
    assert client.get(f"/cases/{case.pk}/print/assign/").status_code == 200


@requires_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_creations_get_distinct_numbers(divisions):
    people = make_people()
    numbers, errors = run_in_threads(lambda i: new_case(people).doc_seq, 8)
    assert errors == [] and sorted(numbers) == list(range(1, 9)), (errors, numbers)


def test_a_pattern_with_an_unknown_placeholder_fails_the_system_check(settings):
    from cases.checks import case_number_pattern_check

    settings.CASE_NUMBER_PATTERN = "{county}专班〔{year}〕{seq}号"
    assert [e.id for e in case_number_pattern_check(None)] == ["cases.E012"]
    settings.CASE_NUMBER_PATTERN = "{task_force_short}专班〔{year}〕{seq:03d}号"
    assert case_number_pattern_check(None) == []
