"""A project's served records (issue 15): only the record types a project may serve, only records within
the writer's jurisdiction, and every page that names a linked record reads it through the reader's scope."""
import json

import pytest
from django.contrib.contenttypes.models import ContentType

from cases.models import Case, CaseState, Notification
from projects.models import Project, ProjectRecordLink
from registry.models import LoginEvent, User
from tests.cases.factories import case_at, make_people
from tests.registry.factories import DONGYANG, AxisFactory, division

from .factories import ProjectFactory
from .test_api import new_project_body

URL = "/api/v1/projects/"


def ref(obj) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}:{obj.pk}"


def link(project, record):
    return ProjectRecordLink.objects.create(
        project=project, content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    )


@pytest.fixture
def foreign_records(divisions):
    """What the clerk of Yiwu linked in the attack: another county's case, another user's notification,
    a login event, a user, and another county's axis (a servable type, but outside the jurisdiction)."""
    dongyang = make_people(county_code="330783")
    case = case_at(CaseState.ASSIGNED, dongyang)
    LoginEvent.objects.create(kind=LoginEvent.Kind.LOGIN, username="someone", user=dongyang.clerk)
    return {
        "case": case,
        "notification": Notification.objects.filter(case=case).first(),
        "loginevent": LoginEvent.objects.first(),
        "user": dongyang.clerk,
        "axis": AxisFactory(name="东阳横店发展轴", county=division(DONGYANG)),
    }


def _refused(response, field="records"):
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert field in error["fields"]
    assert "服务的台账记录" in json.dumps(error["fields"][field], ensure_ascii=False)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["case", "notification", "loginevent", "user", "axis"])
def test_api_create_refuses_a_wrong_type_or_foreign_record_and_stores_nothing(api_client, yiwu_clerk, foreign_records, kind):
    api_client.force_authenticate(yiwu_clerk)
    own = AxisFactory(name="义乌佛堂发展轴")
    response = api_client.post(URL, new_project_body(records=[ref(own), ref(foreign_records[kind])]), format="json")
    _refused(response)
    assert not Project.objects.exists() and not ProjectRecordLink.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["case", "notification", "loginevent", "user", "axis"])
def test_api_update_refuses_a_wrong_type_or_foreign_record_and_keeps_the_links(api_client, yiwu_clerk, foreign_records, kind):
    project = ProjectFactory()
    own = AxisFactory(name="义乌佛堂发展轴")
    link(project, own)
    api_client.force_authenticate(yiwu_clerk)
    response = api_client.patch(f"{URL}{project.pk}/", {"records": [ref(foreign_records[kind])], "name": "改名"}, format="json")
    _refused(response)
    project.refresh_from_db()
    assert project.name != "改名"
    assert list(project.record_links.values_list("object_id", flat=True)) == [own.pk]


@pytest.mark.django_db
def test_api_refuses_malformed_and_huge_references(api_client, yiwu_clerk, divisions):
    api_client.force_authenticate(yiwu_clerk)
    for bad in ["registry.developmentaxis:99999999999999999999999", "registry.developmentaxis:-1", "nonsense", "registry.developmentaxis:"]:
        _refused(api_client.post(URL, new_project_body(records=[bad]), format="json"))
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_api_links_a_servable_record_within_the_jurisdiction(api_client, yiwu_clerk, divisions):
    api_client.force_authenticate(yiwu_clerk)
    own = AxisFactory(name="义乌佛堂发展轴")
    response = api_client.post(URL, new_project_body(records=[ref(own)]), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["records"] == [ref(own)]


@pytest.mark.django_db
def test_form_refuses_a_foreign_record_and_stores_nothing(client, yiwu_clerk, foreign_records):
    project = ProjectFactory()
    client.force_login(yiwu_clerk)
    for record in foreign_records.values():
        content_type = ContentType.objects.get_for_model(record)
        data = {
            "name": "改名", "category": project.category_id, "owner_unit": project.owner_unit,
            "total_investment": "100000", "kind": project.kind, "stage": project.stage,
            "records": [f"{content_type.pk}:{record.pk}"],
        }
        response = client.post(f"/projects/{project.pk}/edit/", data)
        assert response.status_code == 200 and response.context["form"].errors.get("records")
    project.refresh_from_db()
    assert project.name != "改名" and not project.record_links.exists()


@pytest.mark.django_db
def test_pages_never_print_a_linked_record_the_reader_cannot_see(client, yiwu_staff, foreign_records):
    """Links stored before the fix (or by a province clerk to another county's record) are named only to
    readers who may see the record."""
    project = ProjectFactory()
    for record in foreign_records.values():
        link(project, record)
    secrets = [foreign_records["case"].title, "东阳横店发展轴", foreign_records["user"].username, "someone"]
    client.force_login(yiwu_staff)
    for url in (f"/projects/{project.pk}/", "/projects/?by=record"):
        html = client.get(url).content.decode()
        assert not [s for s in secrets if s in html], url


@pytest.mark.django_db
def test_pages_name_a_linked_record_the_reader_can_see(client, yiwu_staff, divisions):
    project = ProjectFactory()
    link(project, AxisFactory(name="义乌佛堂发展轴"))
    client.force_login(yiwu_staff)
    assert "义乌佛堂发展轴" in client.get(f"/projects/{project.pk}/").content.decode()
    assert "发展轴：义乌佛堂发展轴" in client.get("/projects/?by=record").content.decode()
