import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import Case, CaseCategory, CaseState, Notification
from cases.numbering import case_number

from .factories import case_at, png


def test_case_list_is_scoped_and_filtered(people, client):
    yiwu = case_at(CaseState.ASSIGNED, people)
    case_at(CaseState.DISCOVERED, people)
    client.force_login(people.lead_staff)
    page = client.get("/cases/", {"state": "assigned"}).content.decode()
    assert f'data-case="{yiwu.pk}"' in page and page.count("data-case=") == 1
    client.force_login(people.other_county_staff)
    assert "data-case=" not in client.get("/cases/").content.decode()
    assert client.get(f"/cases/{yiwu.pk}/").status_code == 404


def test_case_list_queries_do_not_grow_with_rows(people, client, django_assert_max_num_queries):
    for _ in range(6):
        case_at(CaseState.ASSIGNED, people)
    client.force_login(people.clerk)
    with django_assert_max_num_queries(14):
        assert client.get("/cases/").status_code == 200


def test_detail_shows_timeline_and_only_available_action_forms(people, client):
    case = case_at(CaseState.FEEDBACK, people)
    client.force_login(people.clerk)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-action="close"' in page and 'data-action="reject"' in page
    assert 'data-action="accept"' not in page and 'data-action="feedback"' not in page
    assert page.count('data-event="') == 4 and "现场照片.png" in page
    client.force_login(people.manager)
    assert "没有可执行的操作" in client.get(f"/cases/{case.pk}/").content.decode()


def test_staff_accepts_and_sends_feedback_with_a_photo_from_the_page(people, client):
    case = case_at(CaseState.ASSIGNED, people)
    client.force_login(people.lead_staff)
    response = client.post(f"/cases/{case.pk}/act/", {"action": "accept", "version": case.version}, follow=True)
    assert "操作成功" in response.content.decode()
    case.refresh_from_db()
    response = client.post(
        f"/cases/{case.pk}/act/",
        {"action": "feedback", "version": case.version, "comment": "已整改", "files": [png()]},
        follow=True,
    )
    assert "操作成功" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.FEEDBACK
    assert case.events.get(action="feedback").attachments.count() == 1


def test_stale_form_shows_conflict_message_and_changes_nothing(people, client):
    case = case_at(CaseState.ASSIGNED, people)
    client.force_login(people.lead_staff)
    response = client.post(f"/cases/{case.pk}/act/", {"action": "accept", "version": case.version - 1}, follow=True)
    assert "已被他人修改" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED


def test_refused_action_on_page_explains_why(people, client):
    case = case_at(CaseState.RECTIFYING, people)
    client.force_login(people.lead_staff)
    response = client.post(f"/cases/{case.pk}/act/", {"action": "feedback", "version": case.version, "comment": "x"}, follow=True)
    assert "请至少上传一份佐证材料" in response.content.decode()
    assert not case.attachments.exists()


def test_clerk_creates_and_assigns_in_one_form(people, client):
    client.force_login(people.clerk)
    category = CaseCategory.objects.get(name="工作任务")
    response = client.post(
        "/cases/new/",
        {
            "title": "中心镇污水管网建设", "category": category.pk, "county": people.county.pk, "source": "meeting",
            "priority": 2, "lead_unit": people.lead_unit.pk, "co_units": [people.co_unit.pk], "deadline_workdays": 15,
        },
    )
    case = Case.objects.get(title="中心镇污水管网建设")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert case.state == CaseState.ASSIGNED and case.deadline > timezone.localdate()
    assert client.get("/cases/new/").status_code == 200
    client.force_login(people.lead_staff)
    assert client.get("/cases/new/").status_code == 403


def test_review_queue_and_todo_list(people, client):
    waiting = case_at(CaseState.FEEDBACK, people)
    to_accept = case_at(CaseState.ASSIGNED, people)
    overdue = case_at(CaseState.RECTIFYING, people)
    Case.objects.filter(pk=overdue.pk).update(deadline=timezone.localdate() - dt.timedelta(days=3))
    client.force_login(people.clerk)
    page = client.get("/cases/review/").content.decode()
    assert f'data-review="{waiting.pk}"' in page and page.count("data-review=") == 1
    client.force_login(people.co_staff)
    page = client.get("/cases/todo/").content.decode()
    assert f'data-case="{to_accept.pk}"' in page and page.count("data-case=") == 1
    page = client.get("/cases/todo/", {"tab": "overdue"}).content.decode()
    assert f'data-case="{overdue.pk}"' in page and page.count("data-case=") == 1


def test_inbox_shows_unread_count_in_navigation_and_marks_read(people, client):
    case_at(CaseState.ASSIGNED, people)
    client.force_login(people.lead_staff)
    home = client.get("/").content.decode()
    assert 'id="inbox-unread">1<' in home
    page = client.get("/notifications/").content.decode()
    assert "新交办事项" in page
    client.post("/notifications/read/")
    assert Notification.objects.filter(recipient=people.lead_staff, read_at__isnull=True).count() == 0
    assert 'id="inbox-unread"' not in client.get("/").content.decode()


def test_excel_export_of_the_filtered_list(people, client):
    closed = case_at(CaseState.CLOSED, people)
    case_at(CaseState.ASSIGNED, people)
    client.force_login(people.clerk)
    response = client.get("/cases/export.xlsx", {"state": "closed"})
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("编号", "标题", "类别", "县（市、区）", "状态")
    assert len(rows) == 2 and rows[1][0] == closed.pk and rows[1][4] == "已销号"
    closed_at = rows[1][12]
    assert closed_at.tzinfo is None
    assert closed_at == timezone.localtime(closed.closed_at).replace(tzinfo=None, microsecond=closed_at.microsecond)


def test_other_apps_can_deliver_a_linked_notification(people, client):
    from registry.notifications.services import notify_units

    delivered = notify_units(units=[people.lead_unit], kind="reminder", message="请于 5 日前报送本月项目进展", link="/projects/")
    assert delivered == 1
    client.force_login(people.lead_staff)
    page = client.get("/notifications/").content.decode()
    assert '<a href="/projects/">请于 5 日前报送本月项目进展</a>' in page
    with pytest.raises(ValueError):
        notify_units(units=[people.lead_unit], kind="reminder", message="x", link="javascript:alert(1)")


def test_assigning_clerk_edits_case_fields_from_the_page(people, client):
    case = case_at(CaseState.ASSIGNED, people)
    client.force_login(people.clerk)
    assert 'id="case-edit"' in client.get(f"/cases/{case.pk}/").content.decode()
    form = {"version": case.version, "title": "村道破损（已核实）", "category": case.category_id, "priority": 2, "tags": "交通", "description": "", "comment": "核实后更正"}
    response = client.post(f"/cases/{case.pk}/edit/", form, follow=True)
    assert "事项信息已修改" in response.content.decode()
    case.refresh_from_db()
    assert (case.title, case.priority, case.tags) == ("村道破损（已核实）", 2, "交通")
    assert case.events.order_by("-seq").first().comment == "核实后更正"
    stale = client.post(f"/cases/{case.pk}/edit/", {**form, "title": "再改"}, follow=True)
    assert "已被他人修改" in stale.content.decode()
    client.force_login(people.lead_staff)
    assert 'id="case-edit"' not in client.get(f"/cases/{case.pk}/").content.decode()


def test_todo_tabs_count_what_they_list_across_pages(people, client):
    from cases.views import TodoView

    for _ in range(TodoView.paginate_by + 3):
        case_at(CaseState.ASSIGNED, people)
    overdue = case_at(CaseState.RECTIFYING, people)
    Case.objects.filter(pk=overdue.pk).update(deadline=timezone.localdate() - dt.timedelta(days=3))
    client.force_login(people.co_staff)
    for tab in TodoView.TABS:
        first = client.get("/cases/todo/", {"tab": tab})
        counts = {key: count for key, _, count in first.context["tabs"]}
        listed = len(first.context["cases"])
        if first.context["is_paginated"]:
            listed += len(client.get("/cases/todo/", {"tab": tab, "page": 2}).context["cases"])
        assert first.context["paginator"].count == counts[tab] == listed
    assert counts["to_accept"] == TodoView.paginate_by + 3


def test_todo_counts_follow_actions_after_being_cached(people, client):
    from cases.services import perform_action

    case = case_at(CaseState.ASSIGNED, people)
    client.force_login(people.lead_staff)

    def counts():
        return {key: count for key, _, count in client.get("/cases/todo/").context["tabs"]}

    assert counts()["to_accept"] == 1
    assert counts()["to_accept"] == 1  # from the cache
    case.refresh_from_db()
    perform_action(case=case, action="accept", by=people.lead_staff, version=case.version)
    assert (counts()["to_accept"], counts()["rectifying"]) == (0, 1)


def test_case_table_row_escapes_user_text(people, client):
    """The rows are a Jinja2 fragment (cases.tables): user text comes out escaped, markup and quotes
    included, in the row the f-string version wrote (markupsafe spells quotes &#34; and &#39;)."""
    case = case_at(CaseState.ASSIGNED, people, title="<script>alert('x')</script> \"引号\" & 村")
    Case.objects.filter(pk=case.pk).update(red_card=True)
    client.force_login(people.clerk)
    page = client.get("/cases/").content.decode()
    expected = (
        f'<tr data-case="{case.pk}"><td>{case_number(case)}</td><td><a href="/cases/{case.pk}/">'
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &#34;引号&#34; &amp; 村</a></td>"
        f"<td>督查发现问题</td><td>{people.county.name}</td><td><span class=\"badge bg-yellow-lt\">{case.get_state_display()}</span></td>"
        f"<td>{case.get_level_display()}</td><td>{people.lead_unit.name}</td>"
        f'<td>{case.deadline.isoformat()} <span class="badge bg-red text-red-fg" title="已逾期">红牌</span></td></tr>'
    )
    assert expected in page
    assert "<script>alert(" not in page


@pytest.mark.parametrize("url", ["/cases/new/", "/cases/import/", "/cases/import/template.xlsx", "/projects/new/",
                                 "/projects/excel/import/", "/workshops/excel/export/"])
def test_a_page_the_role_may_not_use_is_a_403_without_a_traceback(client, province_manager, url, caplog):
    client.force_login(province_manager)
    with caplog.at_level("WARNING", logger="django.request"):
        response = client.get(url)
    assert response.status_code == 403
    assert "无权执行该操作" in response.content.decode()
    refusals = [r for r in caplog.records if r.name == "django.request"]
    assert refusals and all(r.exc_info is None and r.exc_text is None for r in refusals)
    assert "Traceback" not in caplog.text
