"""A small, hand-countable history of cases and projects, built through the cases services at chosen
moments (the clock is set for each step) so that every case carries its real event chain."""
import datetime as dt
import zoneinfo
from contextlib import contextmanager
from decimal import Decimal
from types import SimpleNamespace
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import CaseCategory
from cases.reference import seed_reference_data
from cases.services import attachment_upload, case_create, perform_action
from projects.models import (
    MonthlyReport,
    Project,
    ProjectCategory,
    ProjectKind,
    ProjectStage,
    ProjectYearPlan,
    ReportStatus,
)
from registry.models import Division, OrganisationKind
from tests.factories import make_user, org_for

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def moment(text: str) -> dt.datetime:
    """'2026-09-08 10:00' in Shanghai time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@contextmanager
def at(text: str):
    with mock.patch("django.utils.timezone.now", return_value=moment(text)):
        yield


def make_people():
    seed_reference_data()
    yiwu_lead = org_for("330782", OrganisationKind.COUNTY_GOVERNMENT)
    dongyang_lead = org_for("330783", OrganisationKind.COUNTY_GOVERNMENT)
    party_x = org_for("330782", OrganisationKind.OTHER, name="义乌市自然资源局（测试）")
    party_y = org_for("330782", OrganisationKind.OTHER, name="义乌市农业农村局（测试）")
    return SimpleNamespace(
        yiwu=Division.objects.get(code="330782"),
        dongyang=Division.objects.get(code="330783"),
        yiwu_clerk=make_user("clerk", "330782"),
        dongyang_clerk=make_user("clerk", "330783"),
        city_clerk=make_user("clerk", "330700"),
        province_clerk=make_user("clerk", "330000"),
        yiwu_lead=yiwu_lead,
        dongyang_lead=dongyang_lead,
        yiwu_staff=make_user("county_staff", "330782", organisation=yiwu_lead),
        dongyang_staff=make_user("county_staff", "330783", organisation=dongyang_lead),
        party_x=party_x,
        party_y=party_y,
        party_x_staff=make_user("county_staff", "330782", organisation=party_x),
        party_y_staff=make_user("county_staff", "330782", organisation=party_y),
        manager=make_user("manager", "330700"),
        province_manager=make_user("manager", "330000"),
    )


def act(case, action, by, when, **inputs):
    with at(when):
        case.refresh_from_db()
        perform_action(case=case, action=action, by=by, version=case.version, **inputs)
    case.refresh_from_db()
    return case


def create(people, when, *, title, county="yiwu", category="督查发现问题", **kw):
    clerk = people.yiwu_clerk if county == "yiwu" else people.dongyang_clerk
    with at(when):
        return case_create(
            by=clerk, title=title, category=CaseCategory.objects.get(name=category),
            county=getattr(people, county), **kw,
        )


def assign(people, case, when, deadline, county="yiwu"):
    clerk = people.yiwu_clerk if county == "yiwu" else people.dongyang_clerk
    lead = people.yiwu_lead if county == "yiwu" else people.dongyang_lead
    return act(case, "assign", clerk, when, lead_unit=lead, deadline=dt.date.fromisoformat(deadline))


def feedback(people, case, when, county="yiwu"):
    """Accept (if needed) and feed back with evidence; evidence is a row the feedback requires."""
    staff = people.yiwu_staff if county == "yiwu" else people.dongyang_staff
    if case.state == "assigned":
        act(case, "accept", staff, when)
    with at(when):
        png = SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png")
        attachment = attachment_upload(case=case, by=staff, file=png)
    return act(case, "feedback", staff, when, comment="已整改", attachments=[attachment.pk])


def close(people, case, when, county="yiwu"):
    clerk = people.yiwu_clerk if county == "yiwu" else people.dongyang_clerk
    return act(case, "close", clerk, when, comment="核查通过")


def build_history(people):
    """The cases of the hand-computed expectations (see tests/rollups/test_figures.py for the counts)."""
    c = SimpleNamespace()
    # A: assigned in August, closed on time in September (13 working days).
    c.a = create(people, "2026-08-20 09:00", title="A 村道破损")
    assign(people, c.a, "2026-08-20 10:00", "2026-09-10")
    feedback(people, c.a, "2026-09-07 10:00")
    close(people, c.a, "2026-09-08 10:00")
    # B: due 4 Sep, extension to 15 Sep approved; closed 15 Sep: on time only thanks to the extension.
    c.b = create(people, "2026-09-01 09:00", title="B 污水管网")
    assign(people, c.b, "2026-09-01 10:00", "2026-09-04")
    act(c.b, "accept", people.yiwu_staff, "2026-09-01 11:00")
    act(c.b, "extend", people.yiwu_staff, "2026-09-02 10:00", comment="材料未到", deadline=dt.date(2026, 9, 15))
    act(c.b, "approve_extension", people.yiwu_clerk, "2026-09-03 10:00")
    feedback(people, c.b, "2026-09-14 10:00")
    close(people, c.b, "2026-09-15 16:00")
    # C: due 4 Sep, extension to 30 Sep asked and denied: closing on 10 Sep is late.
    c.c = create(people, "2026-09-01 09:30", title="C 垃圾分类")
    assign(people, c.c, "2026-09-01 10:30", "2026-09-04")
    act(c.c, "accept", people.yiwu_staff, "2026-09-01 11:00")
    act(c.c, "extend", people.yiwu_staff, "2026-09-02 10:00", comment="人手不足", deadline=dt.date(2026, 9, 30))
    act(c.c, "deny_extension", people.yiwu_clerk, "2026-09-03 10:00", comment="不予延期")
    feedback(people, c.c, "2026-09-09 10:00")
    close(people, c.c, "2026-09-10 10:00")
    # D: about a township record; closed 9 Sep, reopened 21 Sep with a new deadline, closed again 16 Oct.
    township = Division.objects.get(code="330782001")
    c.d = create(people, "2026-09-02 09:00", title="D 回头看", category="帮扶任务", concerns=township)
    assign(people, c.d, "2026-09-02 10:00", "2026-09-11")
    feedback(people, c.d, "2026-09-08 10:00")
    close(people, c.d, "2026-09-09 10:00")
    act(c.d, "reopen", people.yiwu_clerk, "2026-09-21 10:00", comment="问题反弹", deadline=dt.date(2026, 10, 20))
    feedback(people, c.d, "2026-10-15 10:00")
    close(people, c.d, "2026-10-16 10:00")
    # E: joint close-out by two parties; one confirmed in September, the other on 9 Oct, closed 9 Oct (late).
    c.e = create(people, "2026-09-03 09:00", title="E 联合销号", joint_parties=[people.party_x, people.party_y])
    assign(people, c.e, "2026-09-03 10:00", "2026-09-30")
    feedback(people, c.e, "2026-09-24 10:00")
    act(c.e, "confirm", people.party_x_staff, "2026-09-25 10:00")
    act(c.e, "confirm", people.party_y_staff, "2026-10-09 09:00")
    close(people, c.e, "2026-10-09 10:00")
    # F: due 18 Sep, never done: urged and escalated to the city in September, overdue at both month ends.
    c.f = create(people, "2026-09-07 09:00", title="F 逾期未改", category="帮扶任务")
    assign(people, c.f, "2026-09-07 10:00", "2026-09-18")
    act(c.f, "accept", people.yiwu_staff, "2026-09-08 10:00")
    act(c.f, "urge", people.yiwu_clerk, "2026-09-22 10:00", comment="请加快整改")
    act(c.f, "escalate", people.city_clerk, "2026-09-23 10:00", comment="逾期提级")
    # G: logged, never assigned. H: logged in September, assigned in October.
    c.g = create(people, "2026-09-10 09:00", title="G 待交办")
    c.h = create(people, "2026-09-28 09:00", title="H 十月交办")
    assign(people, c.h, "2026-10-09 10:00", "2026-11-13")
    # I (东阳): fed back in September, closed half an hour into October (Shanghai time): an October closing.
    c.i = create(people, "2026-09-01 09:00", title="I 东阳事项", county="dongyang")
    assign(people, c.i, "2026-09-01 10:00", "2026-09-30", county="dongyang")
    feedback(people, c.i, "2026-09-29 10:00", county="dongyang")
    close(people, c.i, "2026-10-01 00:30", county="dongyang")
    return c


def build_projects(people):
    """Yiwu: one project 660 of 1,200 done by September; one new project not started and not reporting."""
    category = ProjectCategory.objects.order_by("pk").first() or ProjectCategory.objects.create(name="测试类别")
    started = Project.objects.create(
        code="33078220260001", name="义乌 测试在建项目", category=category, county=people.yiwu, owner_unit="业主",
        total_investment=Decimal("5000"), kind=ProjectKind.NEW, stage=ProjectStage.CONSTRUCTION,
        planned_start=dt.date(2026, 3, 1), actual_start=dt.date(2026, 4, 1),
    )
    waiting = Project.objects.create(
        code="33078220260002", name="义乌 测试前期项目", category=category, county=people.yiwu, owner_unit="业主",
        total_investment=Decimal("800"), kind=ProjectKind.NEW, stage=ProjectStage.PREPARATION,
        planned_start=dt.date(2026, 6, 1),
    )
    ProjectYearPlan.objects.create(project=started, year=2026, planned_investment=Decimal("1200"))
    ProjectYearPlan.objects.create(project=waiting, year=2026, planned_investment=Decimal("0"))
    for month, amount in ((8, "300"), (9, "360")):
        MonthlyReport.objects.create(
            project=started, month=dt.date(2026, month, 1), completed=Decimal(amount), status=ReportStatus.SUBMITTED
        )
    return started, waiting
