"""Nothing typed is lost: a stale version says in words who changed what and keeps the input for a
re-submit; over-long text is refused in Chinese on the same form (and stopped by maxlength first);
every free-text field states its maximum."""
import re

import pytest

from cases.forms import ACTION_COMMENT_MAX_LENGTH
from cases.models import CaseState
from cases.services import case_update
from registry.inputs import TEXT_MAX_LENGTH

from .factories import act, case_at


@pytest.mark.django_db
def test_a_stale_action_names_who_did_what_and_keeps_the_comment(people, client):
    case = case_at(CaseState.FEEDBACK, people)
    loaded = case.version
    people.lead_staff.last_name, people.lead_staff.first_name = "王", "某"
    people.lead_staff.save()
    case_update(case=case, by=people.clerk, version=case.version, tags="重点")
    client.force_login(people.clerk)
    page = client.post(f"/cases/{case.pk}/act/", {"action": "close", "version": loaded, "comment": "现场核查已整改到位"}).content.decode()
    error = re.search(r"data-action-error>([^<]+)<", page)[1]
    assert re.search(r"刚刚进行了“[^”]+”", error)
    assert str(people.clerk) in error and "版本" not in error and "已保留" in error
    assert "现场核查已整改到位</textarea>" in page
    case.refresh_from_db()
    assert f'name="version" value="{case.version}"' in page  # submitting again goes through
    again = client.post(f"/cases/{case.pk}/act/", {"action": "close", "version": case.version, "comment": "现场核查已整改到位"})
    assert again.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED


@pytest.mark.django_db
def test_a_stale_edit_comes_back_open_with_what_was_typed(people, client):
    case = case_at(CaseState.ASSIGNED, people)
    loaded = case.version
    act(case, "urge", people.clerk, comment="请加快")
    client.force_login(people.clerk)
    page = client.post(f"/cases/{case.pk}/edit/", {
        "version": loaded, "title": "改过的标题", "category": case.category_id, "priority": case.priority, "tags": "",
        "description": "新的描述", "comment": "补充",
    }).content.decode()
    assert re.search(r'<details class="card mb-3" id="case-edit" open>', page)
    assert "进行了“督办”" in re.search(r"data-edit-error>([^<]+)<", page)[1]
    assert 'value="改过的标题"' in page and "新的描述</textarea>" in page


@pytest.mark.django_db
def test_over_long_text_is_refused_in_chinese_on_the_same_form(people, client, api_client):
    case = case_at(CaseState.ASSIGNED, people)
    client.force_login(people.clerk)
    long_text = "长" * (ACTION_COMMENT_MAX_LENGTH + 1)
    page = client.post(f"/cases/{case.pk}/act/", {"action": "urge", "version": case.version, "comment": long_text})
    assert page.status_code == 200
    html = page.content.decode()
    assert f"最多 {ACTION_COMMENT_MAX_LENGTH} 字" in re.search(r"data-action-error>([^<]+)<", html)[1]
    assert long_text + "</textarea>" in html
    assert f'maxlength="{ACTION_COMMENT_MAX_LENGTH}"' in html

    api_client.force_login(people.clerk)
    answer = api_client.post(f"/api/v1/cases/{case.pk}/actions/", {"action": "urge", "version": case.version, "comment": long_text}, format="json")
    assert answer.status_code == 400 and "error" in answer.json()


@pytest.mark.django_db
def test_every_form_text_field_states_a_maximum(people, client):
    from django import forms

    from cases.forms import CaseCreateForm, CaseEditForm

    for form in (CaseCreateForm(user=people.clerk), CaseEditForm()):
        for name, field in form.fields.items():
            if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.HiddenInput):
                assert field.max_length, name
                assert str(field.max_length) == field.widget_attrs(field.widget).get("maxlength"), name
    assert forms.CharField().max_length == TEXT_MAX_LENGTH and forms.JSONField().max_length is None
    client.force_login(people.clerk)
    html = client.get("/cases/new/").content.decode()
    assert all('maxlength="' in tag for tag in re.findall(r"<textarea[^>]*>", html))


@pytest.mark.django_db
def test_file_inputs_state_their_limit_and_forced_runs_ask_first(people, client, settings):
    case = case_at(CaseState.RECTIFYING, people)
    client.force_login(people.lead_staff)
    html = client.get(f"/cases/{case.pk}/", {"action": "feedback"}).content.decode()
    assert f'data-max-bytes="{settings.CASE_EVIDENCE_MAX_BYTES}"' in html and "每个文件不超过" in html
