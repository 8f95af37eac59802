import pytest
from django.urls import reverse

from tests.factories import make_user


def nav_of(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return {item["url_name"] for item in response.context["nav_items"]}, response.content.decode()


@pytest.mark.parametrize(
    "role, code, title",
    [("clerk", "330000", "专班工作台"), ("manager", "330000", "领导工作台"), ("county_staff", "330782", "我的工作台")],
)
def test_role_home_page_in_chinese(client, divisions, role, code, title):
    _, html = nav_of(client, make_user(role, code))
    assert title in html
    assert '<html lang="zh-CN">' in html


def test_each_role_sees_only_its_entries(client, divisions):
    staff_nav, _ = nav_of(client, make_user("county_staff", "330782"))
    clerk_nav, _ = nav_of(client, make_user("clerk", "330782"))
    assert "organisation-list" not in staff_nav
    assert "organisation-list" in clerk_nav
    assert {"home", "division-list"} <= staff_nav


def test_pages_stay_chinese_for_an_english_browser(client, yiwu_staff):
    client.force_login(yiwu_staff)
    html = client.get(reverse("division-list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "行政区划" in html and "查询" in html


def test_anonymous_is_sent_to_login(client, divisions):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_division_list_rows_show_what_the_template_showed(client, divisions):
    """The rows are a Jinja2 fragment (registry.tables): link, path, level, parent, mountain flag,
    index class, escaped; an empty filter result keeps its message."""
    from registry.models import Division

    client.force_login(make_user("clerk", "330000"))
    html = client.get("/divisions/", {"level": 3, "q": "文成"}).content.decode()
    county = Division.objects.get(full_name__endswith="文成县")
    expected = (
        f'<tr><td><a href="/divisions/{county.code}/">{county.code}</a></td><td>{county.full_name}</td>'
        f'<td>县（市、区）</td><td>{county.parent.name}</td><td>是</td><td>{county.get_index_class_display()}</td></tr>'
    )
    assert expected in html and html.count("<tr><td><a") == 1
    province = client.get("/divisions/", {"level": 1}).content.decode()
    assert "<td>省</td><td>—</td><td></td><td></td></tr>" in province
    assert "没有符合条件的区划。" in client.get("/divisions/", {"q": "不存在的地名"}).content.decode()


def test_division_list_rows_escape_user_text(client, divisions):
    """The rows are a Jinja2 fragment (registry.tables): names come out escaped, markup and quotes
    included (markupsafe spells quotes &#34; and &#39;)."""
    from registry.models import Division

    nasty = "<script>alert('x')</script> \"引号\" & 村"
    county = Division.objects.get(full_name__endswith="文成县")
    Division.objects.filter(pk=county.pk).update(full_name=f"{county.full_name}{nasty}")
    Division.objects.filter(pk=county.parent_id).update(name=f"{county.parent.name}{nasty}")
    client.force_login(make_user("clerk", "330000"))
    html = client.get("/divisions/", {"level": 3, "q": "文成"}).content.decode()
    escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &#34;引号&#34; &amp; 村"
    expected = (
        f'<tr><td><a href="/divisions/{county.code}/">{county.code}</a></td><td>{county.full_name}{escaped}</td>'
        f'<td>县（市、区）</td><td>{county.parent.name}{escaped}</td><td>是</td><td>{county.get_index_class_display()}</td></tr>'
    )
    assert expected in html and "<script>alert(" not in html
