"""The lists' tools (registry.listing): applied filters as chips that remove one each, sorting by a
whitelisted column that keeps the filters, paging/exporting/printing with the same query, divisions and
units picked by name, date pickers, 请选择 instead of "---------", the case's number in its row."""
import datetime as dt
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import Case, CaseLevel, CaseState
from cases.numbering import case_number
from registry.listing import PRINT_ROWS

from ..cases.factories import case_at, make_people


@pytest.fixture
def people(divisions):
    return make_people()


def _chips(html: str) -> dict:
    return {name: (text, href.replace("&amp;", "&")) for href, name, text in re.findall(
        r'<a class="badge bg-blue-lt text-decoration-none filter-chip" href="([^"]*)" data-chip="([^"]+)"[^>]*>(.*?)<span', html)}


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-case="(\d+)"', html)]


@pytest.mark.django_db
def test_applied_filters_are_chips_each_removing_only_itself(client, people):
    client.force_login(people.province_clerk)
    html = client.get("/cases/", {"state": "assigned", "level": "2", "county": "330782", "q": "", "sort": "deadline"}).content.decode()
    chips = _chips(html)
    assert set(chips) == {"state", "level", "county"}  # nothing the user left empty
    assert chips["state"][0] == "状态：已交办" and chips["level"][0] == "层级：市级"
    assert chips["county"][0] == "区划（含下级）：金华市/义乌市"  # the code from a link reads as the name
    removed = parse_qs(urlsplit(chips["level"][1]).query)
    assert removed == {"state": ["assigned"], "county": ["330782"], "sort": ["deadline"]}
    # The form keeps the order being shown when it is submitted again.
    assert '<input type="hidden" name="sort" value="deadline">' in html


@pytest.mark.django_db
def test_sorting_by_a_header_keeps_the_filters_and_ignores_unknown_keys(client, people):
    soon, later, other = (case_at(CaseState.ASSIGNED, people) for _ in range(3))
    today = timezone.localdate()
    for case, days in ((soon, 3), (later, 40), (other, 10)):
        Case.objects.filter(pk=case.pk).update(deadline=today + dt.timedelta(days=days))
    client.force_login(people.clerk)
    assert _ids(client.get("/cases/", {"state": "assigned", "sort": "deadline"}).content.decode()) == [soon.pk, other.pk, later.pk]
    assert _ids(client.get("/cases/", {"state": "assigned", "sort": "-deadline"}).content.decode()) == [later.pk, other.pk, soon.pk]
    # An unknown key (or an attempt at a field outside the whitelist) is the default order, not an error.
    for key in ("title; drop table", "owner__password", "-created_by__password"):
        answer = client.get("/cases/", {"sort": key})
        assert answer.status_code == 200 and _ids(answer.content.decode()) == [other.pk, later.pk, soon.pk]
    html = client.get("/cases/", {"state": "assigned", "sort": "deadline"}).content.decode()
    header = re.search(r'aria-sort="ascending"><a [^>]*href="([^"]+)" data-sort="deadline"', html)
    assert header, "the sorted column says so"
    assert parse_qs(urlsplit(header[1].replace("&amp;", "&")).query) == {"state": ["assigned"], "sort": ["-deadline"]}


@pytest.mark.django_db
def test_paging_exporting_and_printing_keep_filters_and_order(client, people, settings):
    cases = [case_at(CaseState.ASSIGNED, people) for _ in range(3)]
    client.force_login(people.clerk)
    from cases.views import CaseListView

    CaseListView.paginate_by = 2
    try:
        html = client.get("/cases/", {"state": "assigned", "sort": "id"}).content.decode()
    finally:
        CaseListView.paginate_by = 50
    next_link = re.search(r'href="\?([^"]+)">下一页', html)[1].replace("&amp;", "&")
    assert parse_qs(next_link) == {"state": ["assigned"], "sort": ["id"], "page": ["2"]}
    export = re.search(r'id="export-link" href="/cases/export.xlsx\?([^"]+)"', html)[1].replace("&amp;", "&")
    assert parse_qs(export) == {"state": ["assigned"], "sort": ["id"]}
    sheet = load_workbook(io.BytesIO(client.get("/cases/export.xlsx?" + export).content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [c.pk for c in cases]  # the list's order

    printed = client.get("/cases/", {"state": "assigned", "sort": "id", "print": "1"}).content.decode()
    assert 'class="list-print"' in printed and 'id="print-toolbar"' in printed and "data-print" in printed
    assert _ids(printed) == [c.pk for c in cases] and "filter-form" not in printed
    assert "状态：已交办" in printed  # what was chosen is printed with the rows
    assert PRINT_ROWS >= 500


@pytest.mark.django_db
def test_divisions_and_units_are_picked_by_name(client, people):
    case = case_at(CaseState.ASSIGNED, people)
    client.force_login(people.province_clerk)
    for county in ("义乌市", "金华市/义乌市", "330782"):
        assert _ids(client.get("/cases/", {"county": county}).content.decode()) == [case.pk], county
    unit = f"{people.lead_unit.name}（{people.lead_unit.division.name}）"
    assert _ids(client.get("/cases/", {"responsible_unit": unit}).content.decode()) == [case.pk]
    assert _ids(client.get("/cases/", {"responsible_unit": people.lead_unit.name}).content.decode()) == [case.pk]
    refused = client.get("/cases/", {"county": "不存在县"})
    assert refused.status_code == 200 and "没有找到“不存在县”" in refused.content.decode()
    assert 'value="不存在县"' in refused.content.decode()  # what was typed stays in the field

    found = client.get("/lookups/divisions/", {"q": "义乌"}).json()["results"]
    assert {"value": "金华市/义乌市", "label": "330782"} in found
    units = client.get("/lookups/units/", {"q": people.lead_unit.name[:4]}).json()["results"]
    assert unit in [u["value"] for u in units]
    html = client.get("/cases/").content.decode()
    assert 'list="county-options"' in html and 'data-lookup="/lookups/divisions/"' in html
    assert 'data-lookup="/lookups/units/"' in html 
    assert "责任单位编号" not in html and "（如 registry.division）" not in html and ">行政区划</option>" in html


@pytest.mark.django_db
def test_the_api_still_reads_codes_and_answers_nothing_for_an_unknown_one(client, people):
    case = case_at(CaseState.ASSIGNED, people)
    client.force_login(people.province_clerk)
    assert [c["id"] for c in client.get("/api/v1/cases/", {"county": "330782"}).json()["results"]] == [case.pk]
    assert client.get("/api/v1/cases/", {"county": "339999"}).json()["results"] == []


@pytest.mark.django_db
def test_dates_and_months_are_pickers_and_no_select_reads_dashes(client, people):
    client.force_login(people.clerk)
    html = client.get("/cases/").content.decode()
    for name in ("deadline_after", "deadline_before", "open_at", "overdue_at"):
        assert re.search(rf'<input type="date" name="{name}"', html), name
    assert re.search(r'<input type="month" name="assigned_month"', html)
    for path in ("/cases/new/", "/cases/", "/projects/", "/organisations/", "/divisions/"):
        page = client.get(path).content.decode()
        assert "---------" not in page, path
        assert "{#" not in page and "#}" not in page, path  # no template comment leaks into the page
    assert ">请选择</option>" in client.get("/cases/new/").content.decode()


@pytest.mark.django_db
def test_the_case_list_shows_the_case_number(client, people):
    case = case_at(CaseState.ASSIGNED, people)
    Case.objects.filter(pk=case.pk).update(level=CaseLevel.COUNTY)
    client.force_login(people.clerk)
    html = client.get("/cases/").content.decode()
    assert f'<tr data-case="{case.pk}"><td>{case_number(case)}</td>' in html and "专班〔" in case_number(case)


@pytest.mark.django_db
def test_division_and_organisation_lists_sort_print_and_pick_their_division_by_name(client, people):
    client.force_login(people.province_clerk)
    names = re.findall(r"<tr><td>([^<]+)</td>", client.get("/organisations/", {"sort": "-name"}).content.decode())
    assert names == sorted(names, reverse=True) and len(names) > 1
    page = client.get("/organisations/", {"division": "义乌市", "print": "1"}).content.decode()
    assert 'class="list-print"' in page and "所在区划（含下级）：金华市/义乌市" in page
    divisions = client.get("/divisions/", {"parent": "金华市", "sort": "-code"}).content.decode()
    codes = re.findall(r'href="/divisions/(\d+)/"', divisions)
    assert codes and codes == sorted(codes, reverse=True) and all(c.startswith("3307") for c in codes)
