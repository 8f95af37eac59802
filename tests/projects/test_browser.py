import pytest

from projects.models import MonthlyReport, ReportStatus
from registry.periods import add_months, current_month
from tests.factories import make_user

from .factories import ProjectFactory

pytestmark = pytest.mark.browser


def test_county_staff_report_a_month_for_several_projects_and_the_county_clerk_confirms(page, login_as, tmp_path):
    staff = make_user("county_staff", "330782", username="staff_yiwu_projects")
    clerk = make_user("clerk", "330782", username="clerk_yiwu_projects")
    projects = [ProjectFactory(name=f"义乌浏览器测试项目{i}") for i in range(3)]
    month = f"{add_months(current_month(), -1):%Y-%m}"

    login_as(staff)
    page.goto(f"{page.base_url}/projects/monthly/?month={month}")
    page.set_viewport_size({"width": 390, "height": 844})  # the form is filled on a phone
    for i, _ in enumerate(projects):
        page.fill(f"#id_rows-{i}-completed", str(100 + i))
        page.fill(f"#id_rows-{i}-progress", f"第{i + 1}标段主体施工")
    page.click("button[name=submit]")
    assert "已提交 3 个项目" in page.locator(".alert-success").inner_text()
    page.screenshot(path=str(tmp_path / "monthly.png"), full_page=True)

    page.context.clear_cookies()
    login_as(clerk)
    page.goto(f"{page.base_url}/projects/review/?month={month}")
    assert page.locator("#review-form tbody tr").count() == 3
    page.click("button[name=confirm]")
    assert "已确认 3 个报告" in page.locator(".alert-success").inner_text()
    assert set(MonthlyReport.objects.values_list("status", flat=True)) == {ReportStatus.CONFIRMED}
    assert sorted(MonthlyReport.objects.values_list("completed", flat=True)) == [100, 101, 102]
