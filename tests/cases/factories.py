"""People around a Yiwu case and a ladder of cases, one rung per workflow state, built through the
services so every case carries a real event chain."""
import datetime as dt
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import CaseCategory, CaseState
from cases.services import attachment_upload, case_create, perform_action
from registry.models import Division, OrganisationKind
from tests.factories import make_user, org_for

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def png(name="现场照片.png", content=PNG_BYTES):
    return SimpleUploadedFile(name, content, content_type="image/png")


def make_people(county_code="330782", city_code="330700"):
    """Clerks of the county, city and province task forces, the lead and co-responsible units'
    staff, a manager, and staff of another county (东阳)."""
    lead_unit = org_for(county_code, OrganisationKind.COUNTY_GOVERNMENT)
    co_unit = org_for(county_code, OrganisationKind.OTHER, name="农业农村局（测试）")
    return SimpleNamespace(
        county=Division.objects.get(code=county_code),
        clerk=make_user("clerk", county_code),
        city_clerk=make_user("clerk", city_code),
        province_clerk=make_user("clerk", "330000"),
        lead_unit=lead_unit,
        co_unit=co_unit,
        lead_staff=make_user("county_staff", county_code, organisation=lead_unit),
        co_staff=make_user("county_staff", county_code, organisation=co_unit),
        manager=make_user("manager", county_code),
        other_county_staff=make_user("county_staff", "330783"),
        other_county_clerk=make_user("clerk", "330783"),
    )


def act(case, action, by, **inputs):
    """Take the action at the case's current version; the given instance is refreshed afterwards."""
    case.refresh_from_db()
    perform_action(case=case, action=action, by=by, version=case.version, **inputs)
    case.refresh_from_db()
    return case


def evidence(case, by, **kw):
    return attachment_upload(case=case, by=by, file=png(**kw)).pk


def new_case(people, *, joint_parties=(), by=None, **kw):
    defaults = {
        "title": "村道破损未修复",
        "category": CaseCategory.objects.get(name="督查发现问题"),
        "county": people.county,
        "description": "督查发现某村村道破损严重",
    }
    return case_create(by=by or people.clerk, joint_parties=joint_parties, **{**defaults, **kw})


def case_at(state, people, **kw):
    """A case brought to `state` by the ordinary route."""
    case = new_case(people, **kw)
    if state == CaseState.DISCOVERED:
        return case
    if state == CaseState.CANCELLED:
        return act(case, "cancel", people.clerk, comment="重复登记")
    act(
        case,
        "assign",
        people.clerk,
        lead_unit=people.lead_unit,
        co_units=[people.co_unit],
        deadline=timezone.localdate() + dt.timedelta(days=30),
    )
    if state == CaseState.ASSIGNED:
        return case
    act(case, "accept", people.lead_staff)
    if state == CaseState.RECTIFYING:
        return case
    act(case, "feedback", people.lead_staff, comment="已修复", attachments=[evidence(case, people.lead_staff)])
    if state == CaseState.FEEDBACK:
        return case
    act(case, "close", people.clerk, comment="经核查已整改到位")
    assert state == CaseState.CLOSED
    return case
