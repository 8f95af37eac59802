"""What a case may concern (issue 15): a registry record or project of the allowed types, within the
writer's jurisdiction. Anything else is a 400 naming the field, and no case is stored."""
import pytest

from cases.models import Case, CaseCategory, CaseState, Notification
from projects.models import Project
from registry.models import LoginEvent
from tests.projects.factories import ProjectFactory
from tests.registry.factories import DONGYANG, AxisFactory, division

from .factories import case_at, make_people, new_case

URL = "/api/v1/cases/"


@pytest.fixture
def foreign(people):
    dongyang = make_people(county_code="330783")
    case = case_at(CaseState.ASSIGNED, dongyang)
    LoginEvent.objects.create(kind=LoginEvent.Kind.LOGIN, username="someone", user=dongyang.clerk)
    return {
        "cases.case": case.pk,
        "cases.notification": Notification.objects.filter(case=case).first().pk,
        "registry.loginevent": LoginEvent.objects.first().pk,
        "registry.user": dongyang.clerk.pk,
        "registry.organisation": dongyang.lead_unit.pk,
        "registry.changerecord": 1,
        "registry.developmentaxis": AxisFactory(county=division(DONGYANG)).pk,
        "projects.project": ProjectFactory(county=division(DONGYANG)).pk,
        "registry.division": division(DONGYANG).pk,
    }


@pytest.mark.parametrize("type_name", [
    "cases.case", "cases.notification", "registry.loginevent", "registry.user", "registry.organisation",
    "registry.changerecord", "registry.developmentaxis", "projects.project", "registry.division",
])
def test_case_cannot_concern_a_wrong_type_or_foreign_record(people, api_client, foreign, type_name):
    api_client.force_authenticate(people.clerk)
    before = Case.objects.count()
    payload = {
        "title": "越权关联", "category": CaseCategory.objects.first().pk, "county": "330782",
        "concerns_type": type_name, "concerns_id": foreign[type_name],
    }
    response = api_client.post(URL, payload, format="json")
    assert response.status_code == 400, response.content
    fields = response.json()["error"]["fields"]
    assert set(fields) & {"concerns_type", "concerns_id"} and "关联对象" in str(fields)
    assert Case.objects.count() == before


def test_case_concerns_a_project_and_an_axis_of_its_own_county(people, api_client):
    api_client.force_authenticate(people.clerk)
    category = CaseCategory.objects.first()
    for target in (ProjectFactory(), AxisFactory()):
        type_name = f"{target._meta.app_label}.{target._meta.model_name}"
        # One title per target: the same title twice within seconds is refused as a double submit.
        payload = {"title": f"项目问题（{target._meta.verbose_name}）", "category": category.pk, "county": "330782", "concerns_type": type_name, "concerns_id": target.pk}
        response = api_client.post(URL, payload, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["concerns"] == {"type": type_name, "id": target.pk}


def test_service_refuses_a_concern_of_a_wrong_type_or_outside_the_jurisdiction(people):
    from django.core.exceptions import ValidationError

    dongyang_project = ProjectFactory(county=division(DONGYANG))
    for target in (people.lead_staff, dongyang_project):
        with pytest.raises(ValidationError) as refused:
            new_case(people, concerns=target)
        assert "concerns" in refused.value.message_dict
    assert not Case.objects.filter(title="村道破损未修复").exists()
    assert not Project.objects.exclude(pk=dongyang_project.pk).exists()


def test_case_page_does_not_name_a_concern_the_reader_cannot_see(people, client):
    """A case concerning a record stored before this check (or by a province clerk, in another county):
    its page shows the record's type and id to readers who may not see it, never its text."""
    project = ProjectFactory(county=division(DONGYANG), name="东阳横店秘密项目")
    case = new_case(people, by=people.province_clerk)
    Case.objects.filter(pk=case.pk).update(content_type_id=_ct(project).pk, object_id=project.pk)
    client.force_login(people.clerk)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "东阳横店秘密项目" not in html and project.code not in html


def _ct(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj)


def test_excel_import_refuses_a_project_of_another_county_and_stores_nothing(people):
    from cases.excel import CASE_SHEET, cases_import
    from registry.excel import run_import
    from tests.excel.workbooks import fill

    headers = [c.header for c in CASE_SHEET.columns]

    def task(title, **cells):
        cells = {"标题": title, "类别": "帮扶任务", "来源": "帮扶计划", "县（市、区）": "330782", **cells}
        return [cells.get(header) for header in headers]

    own, foreign = ProjectFactory(), ProjectFactory(county=division(DONGYANG))
    content = fill(CASE_SHEET, [task("本县项目问题", 关联项目编号=own.code), task("外县项目问题", 关联项目编号=foreign.code)])
    report = run_import(CASE_SHEET, content, people.clerk, apply=cases_import)
    assert [(e.row_number, e.column_header) for e in report.errors] == [(3, "关联项目编号")]
    assert not Case.objects.exists()


def test_feedback_cannot_cite_evidence_of_another_case(people, api_client):
    from .factories import evidence

    own = case_at(CaseState.RECTIFYING, people)
    other = case_at(CaseState.RECTIFYING, people)
    foreign_evidence = evidence(other, people.lead_staff)
    api_client.force_authenticate(people.lead_staff)
    response = api_client.post(
        f"{URL}{own.pk}/actions/",
        {"action": "feedback", "version": own.version, "comment": "已整改", "attachments": [foreign_evidence]},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "attachments" in response.json()["error"]["fields"]
    own.refresh_from_db()
    assert own.state == CaseState.RECTIFYING
