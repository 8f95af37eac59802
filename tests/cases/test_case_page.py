"""The case page: the actions a user may take as buttons (from cases.workflow), one form open at a
time, confirmation before destructive actions, and a refused action coming back with what was typed."""
import re

from cases.models import CaseState
from cases.workflow import available_actions

from .factories import case_at


def _buttons(page: str) -> list[str]:
    return re.findall(r'data-action-toggle="([a-z_]+)"', page)


def _open_forms(page: str) -> list[str]:
    return re.findall(r'<form [^>]*data-action="([a-z_]+)"(?! hidden)>', page)


def test_buttons_are_the_actions_the_workflow_allows(people, client):
    for state in (CaseState.DISCOVERED, CaseState.ASSIGNED, CaseState.RECTIFYING, CaseState.FEEDBACK, CaseState.CLOSED):
        case = case_at(state, people)
        for who in ("clerk", "city_clerk", "lead_staff", "co_staff", "manager"):
            user = getattr(people, who)
            client.force_login(user)
            page = client.get(f"/cases/{case.pk}/").content.decode()
            assert _buttons(page) == [a.name for a in available_actions(case, user)], (state, who)
            assert _open_forms(page) == []  # nothing open until a button is chosen
            if not _buttons(page):
                assert "您当前对该事项没有可执行的操作" in page


def test_clerk_staff_and_manager_see_their_own_buttons(people, client):
    case = case_at(CaseState.FEEDBACK, people)
    client.force_login(people.clerk)
    clerk_buttons = _buttons(client.get(f"/cases/{case.pk}/").content.decode())
    assert {"close", "reject", "cancel", "urge"} <= set(clerk_buttons)
    client.force_login(people.manager)
    assert _buttons(client.get(f"/cases/{case.pk}/").content.decode()) == []
    rectifying = case_at(CaseState.RECTIFYING, people)
    client.force_login(people.lead_staff)
    assert _buttons(client.get(f"/cases/{rectifying.pk}/").content.decode()) == ["progress", "feedback", "extend"]


def test_cancel_is_styled_dangerous_and_asks_for_confirmation(people, client):
    case = case_at(CaseState.ASSIGNED, people)
    client.force_login(people.clerk)
    page = client.get(f"/cases/{case.pk}/", {"action": "cancel"}).content.decode()
    assert re.search(r'data-action-toggle="cancel"\s+class="btn btn-outline-danger', page)
    assert _open_forms(page) == ["cancel"]  # ?action= opens the form without JavaScript
    form = page[page.index('id="action-cancel"'):]
    form = form[: form.index("</form>")]
    assert 'name="confirm"' in form and "required" in form and "btn-danger" in form
    assert "<script>" not in page and "onclick" not in page  # the page's script is a file (CSP)


def test_cancel_without_confirmation_is_refused_in_chinese_and_keeps_the_text(people, client):
    case = case_at(CaseState.ASSIGNED, people)
    client.force_login(people.clerk)
    response = client.post(f"/cases/{case.pk}/act/", {"action": "cancel", "version": case.version, "comment": "重复登记，与 12 号事项相同"})
    page = response.content.decode()
    assert response.status_code == 200 and "请勾选“确认撤销”后再提交" in page
    assert _open_forms(page) == ["cancel"] and "重复登记，与 12 号事项相同</textarea>" in page
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED
    confirmed = {"action": "cancel", "version": case.version, "comment": "重复登记", "confirm": "1"}
    assert client.post(f"/cases/{case.pk}/act/", confirmed).status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.CANCELLED


def test_reject_without_confirmation_is_refused(people, client):
    case = case_at(CaseState.FEEDBACK, people)
    client.force_login(people.clerk)
    page = client.post(f"/cases/{case.pk}/act/", {"action": "reject", "version": case.version, "comment": "照片不清"}).content.decode()
    assert "请勾选“确认退回”后再提交" in page and "照片不清</textarea>" in page
    case.refresh_from_db()
    assert case.state == CaseState.FEEDBACK


def test_the_api_needs_no_confirmation(people, api_client):
    case = case_at(CaseState.ASSIGNED, people)
    api_client.force_authenticate(people.clerk)
    response = api_client.post(f"/api/v1/cases/{case.pk}/actions/", {"action": "cancel", "version": case.version, "comment": "重复登记"}, format="json")
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert case.state == CaseState.CANCELLED


def test_refused_action_comes_back_with_its_form_open_and_what_was_typed(people, client):
    case = case_at(CaseState.RECTIFYING, people)
    client.force_login(people.lead_staff)
    text = "已清理垃圾堆放点 3 处，<补充> 照片待上传"
    response = client.post(f"/cases/{case.pk}/act/", {"action": "feedback", "version": case.version, "comment": text})
    page = response.content.decode()
    assert response.status_code == 200 and _open_forms(page) == ["feedback"]
    form = page[page.index('id="action-feedback"'):]
    form = form[: form.index("</form>")]
    assert "请至少上传一份佐证材料" in form  # the message sits in the form, next to the fields
    assert "已清理垃圾堆放点 3 处，&lt;补充&gt; 照片待上传</textarea>" in form


def test_stale_version_comes_back_with_the_text_and_the_current_version(people, client):
    case = case_at(CaseState.ASSIGNED, people)
    client.force_login(people.clerk)
    stale = case.version - 1
    page = client.post(
        f"/cases/{case.pk}/act/", {"action": "urge", "version": stale, "comment": "请于本周内完成"}
    ).content.decode()
    assert "已被他人修改" in page and "请于本周内完成</textarea>" in page
    assert f'name="version" value="{case.version}"' in page  # re-submitting now works


def test_refused_assignment_keeps_the_chosen_units_and_deadline(people, client):
    case = case_at(CaseState.DISCOVERED, people)
    client.force_login(people.clerk)
    page = client.post(
        f"/cases/{case.pk}/act/",
        {"action": "assign", "version": case.version, "comment": "限期整改", "lead_unit": people.lead_unit.pk,
         "co_units": [people.co_unit.pk]},  # no deadline: refused
    ).content.decode()
    assert _open_forms(page) == ["assign"] and "限期整改</textarea>" in page
    assert f'<option value="{people.lead_unit.pk}" selected>' in page
    assert f'<option value="{people.co_unit.pk}" selected>' in page
