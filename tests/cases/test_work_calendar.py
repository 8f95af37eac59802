"""The working calendar does not run out: the State Council's notice imported from Excel by province
clerks, edits in the admin recorded, deadlines past the loaded years flagged (form, page, API, job log),
the deploy check and the admin home warning, and the cap on deadlines in working days."""
import datetime as dt
import io
import logging

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from cases.checks import work_calendar_check
from cases.excel import CASE_SHEET
from cases.models import Case, WorkCalendarDay, WorkCalendarYear
from cases.services import deadline_check
from cases.work_calendar import HOLIDAY_SHEET
from cases.workdays import MAX_DEADLINE_WORKDAYS, add_working_days
from registry.models import ChangeRecord
from tests.excel.workbooks import fill
from tests.factories import make_user

from .factories import act, case_at, new_case

D = dt.date
HEADERS = [c.header for c in HOLIDAY_SHEET.columns]
# Made-up days for a year no calendar release carries: test data, not 2027's real notice.
NOTICE = [
    [2027, D(2026, 12, 26), "调休上班", "测试元旦调休上班"],
    [2027, D(2027, 1, 1), "假日", "测试元旦"],
    [2027, D(2027, 1, 2), "假日", "测试元旦"],
    [2027, D(2027, 1, 3), "假日", "测试元旦"],
    [2027, D(2027, 2, 6), "调休上班", "测试春节调休上班"],
    [2027, D(2027, 2, 8), "假日", "测试春节"],
]


def _upload(content, name="2027年节假日安排.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@pytest.fixture
def next_year_unloaded(people):
    """Next year (2027 on 2026-12-03) has no official calendar, whatever the day the suite runs."""
    year = timezone.localdate().year + 1
    WorkCalendarYear.objects.filter(year__gte=year).delete()
    WorkCalendarDay.objects.filter(date__year__gte=year).delete()
    return year


# --- import --------------------------------------------------------------------------------------------

def test_template_filled_imports_the_notice_and_reimporting_changes_nothing(people, client):
    WorkCalendarYear.objects.filter(year=2027).delete()
    client.force_login(people.province_clerk)
    template = client.get("/calendar/import/template.xlsx")
    assert template.status_code == 200
    assert [c.value for c in next(load_workbook(io.BytesIO(template.content))["法定节假日安排"].iter_rows())] == HEADERS
    content = fill(HOLIDAY_SHEET, NOTICE, template=template.content)

    response = client.post("/calendar/import/", {"file": _upload(content)})

    assert response.status_code == 200, response.content.decode()
    page = response.content.decode()
    # 2026-12-26 is in the seeded 2026 calendar (a Saturday off): the notice's make-up day updates it.
    assert 'data-count="created">5<' in page and 'data-count="updated">1<' in page
    days = dict(WorkCalendarDay.objects.filter(note__startswith="测试").values_list("date", "is_workday"))
    assert days[D(2027, 1, 1)] is False and days[D(2027, 2, 6)] is True and days[D(2026, 12, 26)] is True
    year = WorkCalendarYear.objects.get(year=2027)
    assert year.loaded_by == people.province_clerk and "Excel 导入" in year.source
    # Who loaded the year and every day is in the change history.
    assert ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(WorkCalendarYear),
                                       object_id=year.pk, user=people.province_clerk).exists()
    assert ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(WorkCalendarDay),
                                       user=people.province_clerk).count() == 5 + 2  # 2 fields of the update
    # The arithmetic now follows the notice: 2027-01-01..03 off, the next working day is Monday the 4th.
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)

    again = client.post("/calendar/import/", {"file": _upload(content)})

    assert again.status_code == 200
    page = again.content.decode()
    assert 'data-count="created">0<' in page and 'data-count="updated">0<' in page and 'data-count="unchanged">6<' in page


def test_a_malformed_row_is_a_per_cell_error_and_nothing_is_stored(people, client, api_client):
    WorkCalendarYear.objects.filter(year=2027).delete()
    client.force_login(people.province_clerk)
    before = WorkCalendarDay.objects.count()
    content = fill(HOLIDAY_SHEET, [
        NOTICE[1],
        [2027, "2027-02-30", "假日", "测试春节"],
        [2027, D(2027, 2, 9), "放假", "测试春节"],
        [2027, D(2025, 10, 1), "假日", "测试国庆"],
        [2027, D(2027, 2, 10), "假日", None],
    ])

    response = client.post("/calendar/import/", {"file": _upload(content)})

    assert response.status_code == 400 and "未保存任何数据" in response.content.decode()
    api_client.force_authenticate(people.province_clerk)
    body = api_client.post("/api/v1/calendar/import/", {"file": _upload(content)}, format="multipart").json()["error"]
    assert body["code"] == "invalid_rows"
    assert [(r["row"], r["column"]) for r in body["rows"]] == [(3, "日期"), (4, "类型"), (6, "名称")]
    # A date outside the notice's year is checked once every cell reads well, under its column too.
    outside = fill(HOLIDAY_SHEET, [NOTICE[1], [2027, D(2025, 10, 1), "假日", "测试国庆"]])
    body = api_client.post("/api/v1/calendar/import/", {"file": _upload(outside)}, format="multipart").json()["error"]
    assert [(r["row"], r["column"]) for r in body["rows"]] == [(3, "日期")]
    assert "不在 2027 年度内" in body["rows"][0]["message"]
    assert WorkCalendarDay.objects.count() == before
    assert not WorkCalendarYear.objects.filter(year=2027).exists()


def test_only_province_clerks_keep_the_calendar(people, client, api_client):
    content = fill(HOLIDAY_SHEET, NOTICE)
    # The calendar is the province task force's: for anyone else a page the role may not use, a 403.
    for user in (people.clerk, people.city_clerk, people.lead_staff, people.manager):
        client.force_login(user)
        assert client.get("/calendar/import/").status_code == 403
        assert client.get("/calendar/import/template.xlsx").status_code == 403
        api_client.force_authenticate(user)
        assert api_client.post("/api/v1/calendar/import/", {"file": _upload(content)}, format="multipart").status_code == 403
    assert not WorkCalendarDay.objects.filter(note__startswith="测试").exists()
    api_client.force_authenticate(people.province_clerk)
    response = api_client.post("/api/v1/calendar/import/", {"file": _upload(content)}, format="multipart")
    assert response.status_code == 200 and (response.json()["created"], response.json()["updated"]) == (5, 1)


def test_the_import_endpoint_is_in_the_schema(people, api_client):
    api_client.force_authenticate(people.province_clerk)
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    assert schema["paths"]["/api/v1/calendar/import/"]["post"]["operationId"] == "calendar_excel_import"
    detail = schema["components"]["schemas"]["CaseDetail"]["properties"]
    assert detail["deadline_calendar_unconfirmed"]["type"] == "boolean"
    assert "周一至周五" in detail["deadline_calendar_unconfirmed"]["description"]
    assert detail["deadline_calendar_note"]["type"] == "string"


# --- admin ---------------------------------------------------------------------------------------------

@pytest.fixture
def admin_user(divisions):
    user = make_user("clerk", "330000")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_admin_edits_a_day_and_marks_a_year_loaded_with_history(admin_user, client):
    WorkCalendarYear.objects.filter(year=2027).delete()
    client.force_login(admin_user)
    assert client.get("/admin/cases/workcalendarday/?date__year=2026").status_code == 200
    day = WorkCalendarDay.objects.get(date=D(2026, 10, 9))
    response = client.post(f"/admin/cases/workcalendarday/{day.pk}/change/",
                           {"date": "2026-10-09", "is_workday": "", "note": "临时调整"})
    assert response.status_code == 302
    day.refresh_from_db()
    assert day.is_workday is False
    record = ChangeRecord.objects.get(content_type=ContentType.objects.get_for_model(WorkCalendarDay), object_id=day.pk,
                                      field="is_workday")
    assert (record.user, record.field, record.new_value) == (admin_user, "is_workday", "否")

    response = client.post("/admin/cases/workcalendaryear/add/", {"year": "2027", "source": "国务院办公厅通知（手工录入）"})
    assert response.status_code == 302
    assert WorkCalendarYear.objects.get(year=2027).loaded_by == admin_user
    assert client.get("/admin/cases/workcalendaryear/").status_code == 200


def test_admin_action_marks_the_years_of_entered_days_loaded(admin_user, client):
    WorkCalendarYear.objects.filter(year=2027).delete()
    day = WorkCalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, note="测试元旦")
    client.force_login(admin_user)
    response = client.post("/admin/cases/workcalendarday/", {"action": "mark_years_loaded", "_selected_action": [day.pk]})
    assert response.status_code == 302
    year = WorkCalendarYear.objects.get(year=2027)
    assert (year.loaded_by, year.source) == (admin_user, "管理后台录入")


def test_admin_home_shows_a_missing_year(admin_user, client):
    client.force_login(admin_user)
    WorkCalendarYear.objects.all().delete()
    page = client.get("/admin/").content.decode()
    assert 'id="calendar-notices"' in page and f"{timezone.localdate().year} 年法定节假日安排尚未导入" in page
    for year in range(2024, timezone.localdate().year + 2):
        WorkCalendarYear.objects.create(year=year, source="测试")
    assert 'id="calendar-notices"' not in client.get("/admin/").content.decode()


# --- the deploy check ----------------------------------------------------------------------------------

def test_the_deploy_check_warns_from_november_when_next_year_is_missing(people):
    WorkCalendarYear.objects.filter(year=2027).delete()
    warnings = work_calendar_check(today=D(2026, 11, 15))
    assert [w.id for w in warnings] == ["cases.W010"] and "2027" in warnings[0].msg
    assert work_calendar_check(today=D(2026, 10, 31)) == []
    WorkCalendarYear.objects.create(year=2027, source="测试")
    assert work_calendar_check(today=D(2026, 11, 15)) == []


def test_the_check_is_registered_for_deploy_only(people):
    from django.core import checks

    WorkCalendarYear.objects.all().delete()
    assert any(m.id == "cases.W010" for m in checks.run_checks(include_deployment_checks=True, tags=["calendar"]))
    assert not any(m.id == "cases.W010" for m in checks.run_checks(include_deployment_checks=False))


# --- deadlines in an unloaded year are flagged ---------------------------------------------------------

def test_the_case_form_warns_next_to_the_deadline_and_after_saving(people, client, next_year_unloaded):
    client.force_login(people.clerk)
    form = client.get("/cases/new/").content.decode()
    assert 'id="deadline-calendar-warning"' in form and f"{next_year_unloaded} 年的法定节假日安排尚未导入" in form

    deadline = D(next_year_unloaded, 3, 1)
    response = client.post("/cases/new/", {
        "title": "跨年任务", "category": Case._meta.get_field("category").related_model.objects.first().pk,
        "county": people.county.pk, "source": "inspection", "priority": 1, "lead_unit": people.lead_unit.pk,
        "deadline": deadline.isoformat(),
    }, follow=True)

    page = response.content.decode()
    assert Case.objects.get(title="跨年任务").deadline == deadline
    assert "按周一至周五推算" in page and 'id="deadline-calendar-warning"' in page


def test_no_warning_on_the_form_when_the_calendar_reaches_far_enough(people, client):
    today = timezone.localdate()
    for year in range(today.year, today.year + 3):
        WorkCalendarYear.objects.get_or_create(year=year, defaults={"source": "测试"})
    client.force_login(people.clerk)
    assert 'id="deadline-calendar-warning"' not in client.get("/cases/new/").content.decode()


def test_the_api_answer_flags_a_deadline_in_an_unloaded_year(people, api_client, next_year_unloaded):
    api_client.force_authenticate(people.clerk)
    case = new_case(people)
    deadline = D(next_year_unloaded, 3, 1)
    response = api_client.post(f"/api/v1/cases/{case.pk}/actions/", {
        "action": "assign", "version": case.version, "lead_unit": people.lead_unit.pk, "deadline": deadline.isoformat(),
    }, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["deadline_calendar_unconfirmed"] is True
    assert f"{next_year_unloaded} 年法定节假日安排尚未导入" in body["deadline_calendar_note"]
    assert api_client.get(f"/api/v1/cases/{case.pk}/").json()["deadline_calendar_unconfirmed"] is True

    WorkCalendarYear.objects.create(year=next_year_unloaded, source="测试")
    detail = api_client.get(f"/api/v1/cases/{case.pk}/").json()
    assert (detail["deadline_calendar_unconfirmed"], detail["deadline_calendar_note"]) == (False, "")


def test_the_deadline_job_logs_deadlines_past_the_calendar(people, next_year_unloaded, caplog):
    case = case_at("rectifying", people)
    Case.objects.filter(pk=case.pk).update(deadline=D(next_year_unloaded, 1, 4))
    with caplog.at_level(logging.WARNING, logger="cases.services"):
        deadline_check(today=D(next_year_unloaded - 1, 12, 30))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"{next_year_unloaded}: 1" in logged and "Monday to Friday" in logged
    assert f"no official calendar loaded for [{next_year_unloaded}]" in logged


# --- the cap on deadlines in working days --------------------------------------------------------------

def test_deadline_workdays_are_capped_on_the_form(people, client):
    client.force_login(people.clerk)
    data = {"title": "超长期限", "category": Case._meta.get_field("category").related_model.objects.first().pk,
            "county": people.county.pk, "source": "inspection", "priority": 1, "lead_unit": people.lead_unit.pk}
    response = client.post("/cases/new/", {**data, "deadline_workdays": 2_000_000})
    assert response.status_code == 200
    assert f"工作日数不能超过 {MAX_DEADLINE_WORKDAYS} 个" in response.content.decode()
    assert not Case.objects.filter(title="超长期限").exists()
    response = client.post("/cases/new/", {**data, "deadline_workdays": MAX_DEADLINE_WORKDAYS})
    assert response.status_code == 302


def test_deadline_workdays_are_capped_on_the_api_and_in_the_service(people, api_client):
    api_client.force_authenticate(people.clerk)
    case = new_case(people)
    for workdays in (MAX_DEADLINE_WORKDAYS + 1, 2_000_000, 10**30):
        response = api_client.post(f"/api/v1/cases/{case.pk}/actions/", {
            "action": "assign", "version": case.version, "lead_unit": people.lead_unit.pk, "deadline_workdays": workdays,
        }, format="json")
        assert response.status_code == 400, response.content
        assert f"不能超过 {MAX_DEADLINE_WORKDAYS} 个" in str(response.json()["error"]["fields"]["deadline_workdays"])
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        act(case, "assign", people.clerk, lead_unit=people.lead_unit, deadline_workdays=MAX_DEADLINE_WORKDAYS + 1)
    assert "deadline_workdays" in refused.value.message_dict
    act(case, "assign", people.clerk, lead_unit=people.lead_unit, deadline_workdays=MAX_DEADLINE_WORKDAYS)
    assert case.deadline == add_working_days(timezone.localdate(), MAX_DEADLINE_WORKDAYS)
    assert CASE_SHEET.column("deadline_workdays").max_value == MAX_DEADLINE_WORKDAYS
