"""A "1+3" pairing with its three groups, on the real divisions: 遂昌 (a mountain county) helped by a
provincial group, 义乌 and an SOE; 磐安 another mountain county with a pairing of its own."""
import datetime as dt
from types import SimpleNamespace

from cases.models import CaseCategory
from registry.deliverables.pairing_groups import pairing_groups_set
from registry.models import Division, OrganisationKind, PairingKind, PairingRelationship
from tests.factories import make_user, org_for

SUICHANG, PANAN, YIWU, DONGYANG, WUYI, YONGKANG = "331123", "330727", "330782", "330783", "330723", "330784"
YEAR = dt.date.today().year  # the pairing runs this year: deadlines and closings are real moments


def county(code):
    return Division.objects.get(code=code)


def unit(code, kind, name):
    return org_for(code, kind, name)


def make_pairing(code, *, strong=YIWU, suffix="", province_clerk=None, leader="王省长"):
    """The pairing and its groups, set through the province's service (groups validated, history kept)."""
    K = OrganisationKind
    dept = unit("330000", K.PROVINCIAL_DEPARTMENT, f"省发展改革委{suffix}")
    school = unit("330000", K.SCHOOL, f"浙江大学{suffix}")
    hospital = unit("330000", K.HOSPITAL, f"浙江省人民医院{suffix}")
    strong_gov = unit(strong, K.COUNTY_GOVERNMENT, f"{county(strong).name}人民政府{suffix}")
    energy = unit("330000", K.STATE_OWNED_ENTERPRISE, f"浙江省能源集团{suffix}")
    pairing = PairingRelationship.objects.create(
        county=county(code), kind=PairingKind.ONE_PLUS_THREE, year=YEAR, lead_unit=dept,
        partner_county=county(strong), soe=energy, provincial_leader=leader)
    clerk = province_clerk or make_user("clerk", "330000")
    pairing_groups_set(actor=clerk, pairing=pairing, groups={
        "provincial": (dept, [school, hospital]), "strong_county": (strong_gov, []), "soe": (energy, []),
    })
    pairing.refresh_from_db()
    groups = {g.kind: g for g in pairing.groups.all()}
    return SimpleNamespace(pairing=pairing, dept=dept, school=school, hospital=hospital, strong=strong_gov, soe=energy,
                           groups=groups, province_clerk=clerk)


def task_category():
    return CaseCategory.objects.get(name="帮扶任务")


def deadline(days=30):
    return dt.date.today() + dt.timedelta(days=days)


def close_task(world, case, *, confirmers):
    """Accept, feed back with evidence, confirm by each joint party's user, close: the ordinary route."""
    from tests.cases.factories import act, evidence

    act(case, "accept", world.lead_staff)
    act(case, "feedback", world.lead_staff, comment="已完成", attachments=[evidence(case, world.lead_staff)])
    for user in confirmers:
        act(case, "confirm", user, comment="同意")
    act(case, "close", world.suichang_clerk, comment="销号")
    return case


def sheet_file(spec, rows, name="导入.xlsx"):
    """An .xlsx upload holding `spec`'s header and `rows`, as a clerk would fill it."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = spec.title
    sheet.append([c.header for c in spec.columns])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = name
    return out
