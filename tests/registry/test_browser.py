import pytest

from tests.factories import make_user

pytestmark = pytest.mark.browser


def test_county_staff_logs_in_and_sees_the_chinese_home_page(page, login_as, tmp_path):
    staff = make_user("county_staff", "330782", username="staff_yiwu_browser")
    page.goto(f"{page.base_url}/")
    assert "账号登录" in page.content()
    login_as(staff)
    assert page.locator(".page-title").inner_text() == "我的工作台"
    assert "义乌市" in page.locator("#current-user").inner_text()
    nav = page.locator("#nav-items a").all_text_contents()
    assert "首页" in nav and "行政区划" in nav and "单位" not in nav
    page.click("#nav-items [data-nav-group=成果台账]")
    assert page.locator("#nav-items a[data-nav=workshop_list]").is_visible()
    assert "金华市/义乌市" in page.locator("#home-cards").inner_text()
    # Tabler's stylesheet came from our own static files, not a CDN.
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"
    page.screenshot(path=str(tmp_path / "home.png"))


def test_wrong_password_shows_chinese_error(page, divisions):
    page.goto(f"{page.base_url}/login/")
    page.fill("#id_username", "nobody")
    page.fill("#id_password", "Wrong@1234")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.locator(".alert-danger").inner_text()
