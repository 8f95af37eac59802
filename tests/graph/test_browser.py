"""A manager opens an axis in a real browser, clicks a node's completion figure and sees exactly the
projects that figure counts."""
import datetime as dt

import pytest

from rollups.services import rollup_month
from tests.factories import make_user

from .builders import build

MONTH = dt.date(2026, 10, 1)
pytestmark = pytest.mark.browser


def test_clicking_a_nodes_completion_opens_exactly_its_projects(page, login_as, divisions):
    b = build(MONTH)
    rollup_month(month=MONTH)
    manager = make_user("manager", "330000")
    login_as(manager)
    page.goto(f"{page.base_url}/rollups/structure/axes/{b.axis.pk}/?month=2026-10")
    assert b.axis.name in page.locator(".page-title").inner_text()
    stops = page.locator("#axis-strip .axis-stop")
    assert stops.count() == 3
    assert "中心镇" in stops.nth(0).inner_text() and "重点村" in stops.nth(2).inner_text()
    assert page.locator("#axis-total .fig-projects").inner_text() == "3"

    # The second node is cluster C2: its completion figure counts P3 only.
    c2 = page.locator("#axis-nodes tbody tr").nth(1)
    assert c2.locator(".fig-completion").inner_text() == "30.0%"
    with page.expect_navigation():
        c2.locator(".fig-completion").click()
    codes = page.locator("#project-table tbody tr td:first-child").all_inner_texts()
    assert [c.strip() for c in codes] == [b.projects["P3"].code]

    # The axis total's completion: P1 once (linked to the axis and to its town), P2, P3; not P4.
    page.go_back()
    with page.expect_navigation():
        page.locator("#axis-total .fig-completion").click()
    codes = {c.strip() for c in page.locator("#project-table tbody tr td:first-child").all_inner_texts()}
    assert codes == {b.projects[n].code for n in ("P1", "P2", "P3")}
