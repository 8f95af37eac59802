"""Excel round-trips of the deliverables: fixed point, all-or-nothing, rules and scoping per row."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry.deliverables.excel import SHEET_BY_KEY
from registry.history import history_for
from registry.models import ChangeRecord, PairingRelationship, Workshop, WorkshopReport
from tests.excel.workbooks import fill, sheet_rows

from .factories import DONGYANG, YIWU, WorkshopFactory, WorkshopReportFactory, townships, villages
from .record_builders import BUILDERS

pytestmark = pytest.mark.django_db
WORKSHOPS = SHEET_BY_KEY["workshop"]
BUILDER_BY_KEY = {key: build for key, build in BUILDERS.values()}
BUILDER_BY_KEY["workshop_report"] = BUILDERS["workshop-reports"][1]


def upload(client, key, content, name="导入.xlsx"):
    return client.post(reverse(f"{key}_excel_import"), {"file": SimpleUploadedFile(name, content)})


def export(client, key, **query):
    response = client.get(reverse(f"{key}_excel_export"), query)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("key", sorted(SHEET_BY_KEY))
def test_reimporting_an_export_changes_nothing(key, client, province_clerk):
    for n in range(3):
        BUILDER_BY_KEY[key](YIWU, n)
    client.force_login(province_clerk)
    content = export(client, key)
    history = ChangeRecord.objects.count()
    response = upload(client, key, content)
    assert response.status_code == 200, response.context["report"].errors
    report = response.context["report"]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert ChangeRecord.objects.count() == history
    title = SHEET_BY_KEY[key].spec.title
    assert sheet_rows(export(client, key), title) == sheet_rows(content, title)


def test_template_fill_import_export_reimport_is_a_fixed_point(client, yiwu_clerk):
    village_a, village_b = villages(YIWU, 2)
    client.force_login(yiwu_clerk)
    template = client.get(reverse("workshop_excel_template")).content
    content = fill(WORKSHOPS.spec, [
        ["稠城来料加工共富工坊", village_a.full_name, "来料加工式", "一村对一企", "张伟", "江滨社区", "13800000000", "2024-03-01", "运营中"],
        ["江东直播共富工坊", village_b.code, "电商直播式", "多村对一企", None, None, None, None, None],
    ], template=template)
    first = upload(client, "workshop", content)
    assert first.context["report"].created == 2
    workshop = Workshop.objects.get(name="稠城来料加工共富工坊")
    assert (workshop.county.code, workshop.township, workshop.steward_name) == (YIWU, village_a.parent, "张伟")
    assert Workshop.objects.get(name="江东直播共富工坊").status == "operating"
    [created] = history_for(workshop)
    assert (created.action, created.field, created.user, created.reason) == ("create", "*", yiwu_clerk, "Excel 导入")
    assert created.new_value.splitlines() == [
        "工坊名称：稠城来料加工共富工坊", f"所在村：{village_a.full_name}", "工坊类型：来料加工式", "结对形式：一村对一企",
        "工坊管家：张伟", "管家所在单位：江滨社区", "管家联系电话：13800000000", "开办日期：2024-03-01", "运营状态：运营中",
    ]
    exported = export(client, "workshop")
    second = upload(client, "workshop", exported).context["report"]
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)


def test_a_bad_workbook_changes_nothing_and_reports_every_bad_row(client, yiwu_clerk):
    existing = WorkshopFactory(name="老工坊", steward_name="李四")
    client.force_login(yiwu_clerk)
    content = fill(WORKSHOPS.spec, [
        ["老工坊", existing.village.code, "来料加工式", "一村对一企", "王五", None, None, None, None],
        ["建在乡镇的工坊", townships(YIWU)[0].code, "来料加工式", "一村对一企", None, None, None, None, None],
        ["东阳的工坊", villages(DONGYANG)[0].code, "来料加工式", "一村对一企", None, None, None, None, None],
        ["类型不对的工坊", villages(YIWU, 2)[1].code, "随便", "一村对一企", None, None, None, None, None],
    ])
    response = upload(client, "workshop", content)
    assert response.status_code == 400
    errors = {(e.row_number, e.column_header) for e in response.context["report"].errors}
    assert {(3, "所在村"), (4, "所在村"), (5, "工坊类型")} <= errors
    existing.refresh_from_db()
    assert existing.steward_name == "李四"
    assert Workshop.objects.count() == 1


def test_service_rules_are_reported_per_row_and_nothing_is_saved(client, province_clerk):
    client.force_login(province_clerk)
    sheet = SHEET_BY_KEY["pairing"]
    content = fill(sheet.spec, [
        ["淳安县", "“1+3”结对帮扶", 2025, "义乌市", "省农业农村厅", "浙江省能源集团", "张三", None, None],
        ["东阳市", "“1+3”结对帮扶", 2025, "义乌市", "省农业农村厅", "浙江省能源集团", "李四", None, None],
        ["淳安县", "飞地", 2025, "义乌市", None, None, None, "消薄飞地", None],
    ])
    from tests.factories import org_for
    from registry.models import OrganisationKind

    org_for("330000", OrganisationKind.PROVINCIAL_DEPARTMENT, "省农业农村厅")
    org_for("330000", OrganisationKind.STATE_OWNED_ENTERPRISE, "浙江省能源集团")
    response = upload(client, "pairing", content)
    assert response.status_code == 400, response.context["report"].summary
    messages = {(e.row_number, e.column_header, e.message_zh) for e in response.context["report"].errors}
    assert (3, "受帮扶县", "“1+3”结对帮扶只适用于山区海岛县。") in messages
    assert (4, "收益分成约定", "飞地须填写收益分成约定。") in messages
    assert not PairingRelationship.objects.exists()


def test_reimported_report_is_a_correction_kept_in_history(client, province_clerk):
    report = WorkshopReportFactory(employed=30)
    client.force_login(province_clerk)
    sheet = SHEET_BY_KEY["workshop_report"]
    content = fill(sheet.spec, [[report.workshop_id, "2025-06-15", 36, 5, 2600, 1.2]])
    result = upload(client, "workshop_report", content).context["report"]
    assert (result.created, result.updated) == (0, 1)
    change = history_for(WorkshopReport.objects.get()).get(field="employed")
    assert (change.old_value, change.new_value, change.reason) == ("30", "36", "Excel 导入")


def test_export_is_the_filtered_list_of_the_jurisdiction(client, yiwu_clerk):
    WorkshopFactory(name="甲工坊", type="brand")
    WorkshopFactory(name="乙工坊", type="processing")
    WorkshopFactory(name="东阳工坊", village=villages(DONGYANG)[0])
    client.force_login(yiwu_clerk)
    rows = sheet_rows(export(client, "workshop", type="brand"), WORKSHOPS.spec.title)
    assert [r[0] for r in rows[1:]] == ["甲工坊"]
    rows = sheet_rows(export(client, "workshop"), WORKSHOPS.spec.title)
    assert sorted(r[0] for r in rows[1:]) == ["乙工坊", "甲工坊"]


def test_county_staff_cannot_use_excel(client, yiwu_staff):
    client.force_login(yiwu_staff)
    assert client.get(reverse("workshop_excel_template")).status_code == 403
    assert upload(client, "workshop", b"x").status_code == 403


def test_api_import_reports_rows_as_json(api_client, yiwu_clerk):
    api_client.force_authenticate(yiwu_clerk)
    content = fill(WORKSHOPS.spec, [["建在乡镇的工坊", townships(YIWU)[0].code, "来料加工式", "一村对一企"]])
    response = api_client.post("/api/v1/workshops/excel/import/", {"file": io.BytesIO(content)}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["rows"][0]["column"] == "所在村"


def test_bulk_workshop_import_keeps_jurisdiction_and_history(client, yiwu_clerk):
    """Workshops are written in bulk (registry.deliverables.excel.bulk_import): the same refusals and history."""
    workshop = WorkshopFactory()
    (elsewhere,) = villages(DONGYANG, 1)
    client.force_login(yiwu_clerk)
    rows = sheet_rows(export(client, "workshop"), WORKSHOPS.spec.title)
    header, (row,) = rows[0], rows[1:]
    changed = dict(zip(header, row))
    changed["工坊管家"] = "新管家"
    refused = fill(WORKSHOPS.spec, [list(changed.values()), ["外县工坊", elsewhere.code, "来料加工式", "一村对一企"]])
    report = upload(client, "workshop", refused).context["report"]
    assert report.errors and {e.row_number for e in report.errors} == {3}
    workshop.refresh_from_db()
    assert workshop.steward_name != "新管家" and not Workshop.objects.filter(name="外县工坊").exists()
    report = upload(client, "workshop", fill(WORKSHOPS.spec, [list(changed.values())])).context["report"]
    assert (report.created, report.updated) == (0, 1)
    workshop.refresh_from_db()
    change = history_for(workshop).get(field="steward_name")
    assert (change.new_value, change.user, change.reason) == ("新管家", yiwu_clerk, "Excel 导入")
