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
    # The same words for any name, existing or not: the attempts left before the lock.
    assert page.locator(".alert-danger").inner_text() == "用户名或密码错误。再连续失败4次，该账号将被锁定30分钟。"
    assert "连续 5 次输错密码，账号将锁定 30 分钟。" in page.content()


def test_pages_run_their_scripts_under_the_content_security_policy(page, login_as):
    manager = make_user("manager", "330000", username="manager_csp_browser")
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: console.append(str(error)))
    login_as(manager)
    response = page.goto(f"{page.base_url}/rollups/board/")
    assert "script-src 'self';" in response.headers["content-security-policy"]
    assert "no-store" in response.headers["cache-control"]
    page.wait_for_selector("#chart-cases canvas")  # board.js drew the charts
    page.wait_for_selector("#chart-investment canvas")
    # Choosing a month submits the filter form (static/js/app.js, no onchange attribute).
    months = page.locator("#f-month option").evaluate_all("options => options.map(o => o.value)")
    with page.expect_navigation():
        page.select_option("#f-month", months[-1])
    assert f"month={months[-1]}" in page.url
    page.goto(f"{page.base_url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")  # Swagger UI started from its script file
    violations = [text for text in console if "Content Security Policy" in text or "Refused to" in text]
    assert violations == [] and not [text for text in console if "Error" in text]
