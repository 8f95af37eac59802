import pytest
from django.urls import reverse

from registry.models import Division, Organisation
from registry.scoping import get_for_user_or_404
from tests.factories import TEST_PASSWORD, make_user, org_for


@pytest.fixture
def two_counties(divisions):
    yiwu_org = org_for("330782001", name="佛堂镇人民政府", kind="township_government")
    dongyang_org = org_for("330783001", name="东阳某街道办", kind="township_government")
    return yiwu_org, dongyang_org


def test_county_staff_sees_only_own_subtree(yiwu_staff, two_counties):
    visible = Division.objects.for_user(yiwu_staff)
    assert visible.filter(code="330782001").exists()
    assert not visible.filter(code="330783").exists()
    assert not visible.filter(code="330700").exists()  # not even the parent city
    assert all(code.startswith("330782") for code in visible.values_list("code", flat=True)[:2000])
    orgs = set(Organisation.objects.for_user(yiwu_staff).values_list("name", flat=True))
    assert "佛堂镇人民政府" in orgs and "东阳某街道办" not in orgs


def test_province_and_city_users(province_manager, two_counties):
    assert Division.objects.for_user(province_manager).count() == Division.objects.count()
    city_clerk = make_user("clerk", "330700")
    visible = Division.objects.for_user(city_clerk)
    assert visible.filter(code="330783").exists() and not visible.filter(code="330106").exists()


def test_anonymous_and_orgless_users_see_nothing(divisions, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert not Division.objects.for_user(AnonymousUser()).exists()
    orgless = django_user_model.objects.create_user("nobody", password=TEST_PASSWORD)
    assert not Division.objects.for_user(orgless).exists()


def test_get_for_user_or_404(yiwu_staff, two_counties):
    from django.http import Http404

    _, dongyang_org = two_counties
    with pytest.raises(Http404):
        get_for_user_or_404(Organisation, yiwu_staff, pk=dongyang_org.pk)
    with pytest.raises(Http404):
        get_for_user_or_404(Organisation, yiwu_staff, pk="not-a-number")


def test_pages_answer_404_outside_jurisdiction(client, yiwu_staff):
    client.force_login(yiwu_staff)
    assert client.get(reverse("division-detail", args=["330782001"])).status_code == 200
    response = client.get(reverse("division-detail", args=["330783001"]))
    assert response.status_code == 404
    assert "管辖范围" in response.content.decode()


def test_api_answers_404_and_counts_only_subtree(api_client, yiwu_staff, two_counties):
    api_client.force_authenticate(yiwu_staff)
    response = api_client.get("/api/v1/divisions/330783/")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "对象不存在或不在您的管辖范围内。"
    listed = api_client.get("/api/v1/divisions/", {"level": 4}).json()
    assert listed["count"] == Division.objects.filter(level=4, key__startswith="330782").count()
    # Searching another county's name finds nothing rather than leaking it.
    assert api_client.get("/api/v1/divisions/", {"q": "东阳"}).json()["count"] == 0
    orgs = api_client.get("/api/v1/organisations/").json()
    assert {o["division"]["code"][:6] for o in orgs["results"]} == {"330782"}


def test_list_page_shows_only_subtree(client, yiwu_staff, two_counties):
    client.force_login(yiwu_staff)
    html = client.get(reverse("division-list"), {"level": 4}).content.decode()
    assert "佛堂镇" in html
    assert "330783001" not in html
