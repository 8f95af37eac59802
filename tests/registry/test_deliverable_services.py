"""Business rules of the deliverable services: each refusal with its Chinese message, nothing written."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from registry.deliverables import services
from registry.deliverables.cluster_models import ensure_cluster_models
from registry.history import history_for
from registry.models import (
    AxisNodeKind,
    CentralTown,
    CentralTownTrack,
    ClusterLevel,
    ClusterModel,
    DevelopmentAxis,
    PairingForm,
    PairingKind,
    PairingRelationship,
    VillageCluster,
    WeakTownship,
    WeakVillage,
    Workshop,
    WorkshopReport,
    WorkshopType,
)
from .factories import (
    CHUN_AN,
    DONGYANG,
    YIWU,
    CentralTownFactory,
    ClusterFactory,
    PairingFactory,
    WorkshopFactory,
    WorkshopReportFactory,
    cluster_model,
    division,
    provincial_department,
    soe,
    townships,
    villages,
)

pytestmark = pytest.mark.django_db


def messages_of(excinfo, field):
    return excinfo.value.message_dict[field]


# --- 中心镇 ----------------------------------------------------------------------------------------


def test_central_town_refuses_a_non_township_division(province_clerk):
    with pytest.raises(ValidationError) as excinfo:
        services.central_town_create(
            actor=province_clerk, data={"division": villages(YIWU)[0], "track": CentralTownTrack.INDUSTRY}
        )
    assert messages_of(excinfo, "division") == ["只有乡镇级区划才能认定为中心镇。"]
    assert not CentralTown.objects.exists()


def test_a_township_is_a_central_town_at_most_once(province_clerk):
    town = townships(YIWU)[0]
    services.central_town_create(actor=province_clerk, data={"division": town, "track": CentralTownTrack.INDUSTRY})
    with pytest.raises(ValidationError) as excinfo:
        services.central_town_create(actor=province_clerk, data={"division": town, "track": CentralTownTrack.COMMERCE})
    assert messages_of(excinfo, "division") == ["该乡镇已是中心镇，不能重复认定。"]
    assert CentralTown.objects.get().track == CentralTownTrack.INDUSTRY


def test_central_town_takes_its_county_from_the_township(province_clerk):
    town = services.central_town_create(
        actor=province_clerk, data={"division": townships(YIWU)[0], "track": CentralTownTrack.TOURISM}
    )
    assert town.county.code == YIWU


def test_central_town_drives_only_weak_townships_of_its_own_county(province_clerk):
    weak = services.weak_township_create(
        actor=province_clerk, data={"division": townships(DONGYANG)[0], "since": dt.date(2024, 1, 1)}
    )
    with pytest.raises(ValidationError) as excinfo:
        services.central_town_create(
            actor=province_clerk,
            data={"division": townships(YIWU)[0], "track": CentralTownTrack.TOURISM, "driven_townships": [weak]},
        )
    assert "须与中心镇在同一县" in messages_of(excinfo, "driven_townships")[0]
    assert not CentralTown.objects.exists()


# --- 相对薄弱乡镇 / 村 -----------------------------------------------------------------------------


def test_weak_township_must_be_a_township(province_clerk):
    with pytest.raises(ValidationError) as excinfo:
        services.weak_township_create(
            actor=province_clerk, data={"division": villages(YIWU)[0], "since": dt.date(2024, 1, 1)}
        )
    assert messages_of(excinfo, "division") == ["相对薄弱乡镇只能选择乡镇级区划。"]
    assert not WeakTownship.objects.exists()


def test_weak_village_must_be_a_village_and_listed_once(province_clerk):
    with pytest.raises(ValidationError) as excinfo:
        services.weak_village_create(
            actor=province_clerk, data={"division": townships(YIWU)[0], "since": dt.date(2024, 1, 1)}
        )
    assert messages_of(excinfo, "division") == ["相对薄弱村只能选择村级区划。"]
    village = villages(YIWU)[0]
    services.weak_village_create(actor=province_clerk, data={"division": village, "since": dt.date(2024, 1, 1)})
    with pytest.raises(ValidationError) as excinfo:
        services.weak_village_create(actor=province_clerk, data={"division": village, "since": dt.date(2025, 1, 1)})
    assert messages_of(excinfo, "division") == ["该村已列为相对薄弱村。"]
    assert WeakVillage.objects.count() == 1


# --- 发展轴 -----------------------------------------------------------------------------------------


def test_axis_node_must_lie_inside_the_axis_county(province_clerk):
    with pytest.raises(ValidationError) as excinfo:
        services.axis_create(
            actor=province_clerk,
            data={"name": "义乌东部发展轴", "county": division(YIWU), "batch": 1},
            nodes=[
                {"kind": AxisNodeKind.COUNTY_SEAT, "division": townships(YIWU)[0]},
                {"kind": AxisNodeKind.CENTRAL_TOWN, "division": townships(DONGYANG)[0]},
            ],
        )
    assert messages_of(excinfo, "nodes") == ["第2个节点：节点须位于发展轴所在县（市、区）内。"]
    assert not DevelopmentAxis.objects.exists()


def test_axis_node_kind_fixes_the_division_level(province_clerk):
    with pytest.raises(ValidationError) as excinfo:
        services.axis_create(
            actor=province_clerk,
            data={"name": "义乌东部发展轴", "county": division(YIWU), "batch": 1},
            nodes=[{"kind": AxisNodeKind.KEY_VILLAGE, "division": townships(YIWU)[0]}],
        )
    assert messages_of(excinfo, "nodes") == ["第1个节点：重点村节点应选择村级区划。"]


def test_axis_cluster_node_must_be_a_cluster_of_the_same_county(province_clerk):
    cluster = ClusterFactory(county=division(DONGYANG), key_village=villages(DONGYANG)[0], members=villages(DONGYANG, 2))
    with pytest.raises(ValidationError) as excinfo:
        services.axis_create(
            actor=province_clerk,
            data={"name": "义乌东部发展轴", "county": division(YIWU), "batch": 1},
            nodes=[{"kind": AxisNodeKind.CLUSTER, "cluster": cluster}],
        )
    assert messages_of(excinfo, "nodes") == ["第1个节点：节点须位于发展轴所在县（市、区）内。"]


def test_axis_saves_its_nodes_in_order(province_clerk):
    axis = services.axis_create(
        actor=province_clerk,
        data={"name": "义乌东部发展轴", "county": division(YIWU), "batch": 2},
        nodes=[
            {"kind": AxisNodeKind.COUNTY_SEAT, "division": townships(YIWU)[0]},
            {"kind": AxisNodeKind.KEY_VILLAGE, "division": villages(YIWU)[0]},
        ],
    )
    assert [(n.position, n.kind) for n in axis.nodes.all()] == [(1, "county_seat"), (2, "key_village")]


# --- 乡村片区组团 ----------------------------------------------------------------------------------


def cluster_data(**overrides):
    members = villages(YIWU, 3)
    return {
        "name": "义乌测试片区", "level": ClusterLevel.PROVINCIAL, "county": division(YIWU), "key_village": members[0],
        "members": members, "model": cluster_model(), **overrides,
    }


def test_cluster_key_village_must_be_a_member(province_clerk):
    members = villages(YIWU, 3)
    with pytest.raises(ValidationError) as excinfo:
        services.cluster_create(actor=province_clerk, data=cluster_data(members=members[1:]))
    assert messages_of(excinfo, "members") == ["重点村必须是组团成员村之一。"]
    assert not VillageCluster.objects.exists()


def test_cluster_villages_must_lie_in_its_county_unless_declared_cross_county(province_clerk):
    outsider = villages(DONGYANG)[0]
    with pytest.raises(ValidationError) as excinfo:
        services.cluster_create(actor=province_clerk, data=cluster_data(radiated_villages=[outsider]))
    assert messages_of(excinfo, "radiated_villages") == [f"“{outsider.full_name}”不在组团所在县或声明的跨县组团县内。"]
    cluster = services.cluster_create(
        actor=province_clerk, data=cluster_data(radiated_villages=[outsider], cross_county_counties=[division(DONGYANG)])
    )
    assert list(cluster.radiated_villages.all()) == [outsider]


def test_cluster_models_start_as_the_eight_and_keep_edits():
    ensure_cluster_models(ClusterModel)
    ClusterModel.objects.filter(name="景区带动").update(description="已修改")
    ensure_cluster_models(ClusterModel)
    assert ClusterModel.objects.count() == 8
    assert ClusterModel.objects.get(name="景区带动").description == "已修改"


# --- 共富工坊 --------------------------------------------------------------------------------------


def workshop_data(**overrides):
    return {
        "name": "佛堂来料加工工坊", "village": villages(YIWU)[0], "type": WorkshopType.PROCESSING,
        "pairing_form": PairingForm.ONE_TO_ONE, **overrides,
    }


def test_workshop_must_be_in_a_village_and_derives_township_and_county(province_clerk):
    with pytest.raises(ValidationError) as excinfo:
        services.workshop_create(actor=province_clerk, data=workshop_data(village=townships(YIWU)[0]))
    assert messages_of(excinfo, "village") == ["共富工坊须建在村（社区）一级。"]
    workshop = services.workshop_create(actor=province_clerk, data=workshop_data())
    assert (workshop.township, workshop.county.code) == (villages(YIWU)[0].parent, YIWU)


def test_one_village_one_enterprise_takes_a_single_partner(province_clerk):
    partners = [soe("企业甲"), soe("企业乙")]
    with pytest.raises(ValidationError) as excinfo:
        services.workshop_create(actor=province_clerk, data=workshop_data(partner_enterprises=partners))
    assert messages_of(excinfo, "partner_enterprises") == ["“一村对一企”“多村对一企”只能选择一家合作企业。"]
    assert not Workshop.objects.exists()


def report_data(workshop, **overrides):
    return {
        "workshop": workshop, "period": dt.date(2025, 5, 1), "employed": 40, "low_income_employed": 8,
        "avg_monthly_income_gain": Decimal("2700"), "village_collective_income": Decimal("1.5"), **overrides,
    }


def test_report_low_income_cannot_exceed_employed(yiwu_staff):
    workshop = WorkshopFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.workshop_report_submit(actor=yiwu_staff, data=report_data(workshop, low_income_employed=41))
    assert messages_of(excinfo, "low_income_employed") == ["低收入农户人数不能超过带动就业人数。"]
    assert not WorkshopReport.objects.exists()


def test_report_month_is_reported_once(yiwu_staff):
    workshop = WorkshopFactory()
    services.workshop_report_submit(actor=yiwu_staff, data=report_data(workshop, period=dt.date(2025, 5, 17)))
    with pytest.raises(ValidationError) as excinfo:
        services.workshop_report_submit(actor=yiwu_staff, data=report_data(workshop, employed=99))
    assert excinfo.value.messages == ["该工坊本月数据已填报，如需修改请更正原记录。"]
    assert WorkshopReport.objects.get().employed == 40


def test_report_refuses_a_future_month(yiwu_staff):
    with pytest.raises(ValidationError) as excinfo:
        services.workshop_report_submit(
            actor=yiwu_staff, data=report_data(WorkshopFactory(), period=dt.date.today() + dt.timedelta(days=40))
        )
    assert messages_of(excinfo, "period") == ["不能填报未来月份的数据。"]


def test_report_correction_needs_a_reason_and_keeps_the_old_figures(yiwu_staff):
    report = WorkshopReportFactory(employed=30)
    with pytest.raises(ValidationError) as excinfo:
        services.workshop_report_correct(actor=yiwu_staff, report=report, data={"employed": 35}, reason=" ")
    assert messages_of(excinfo, "reason") == ["更正已填报的数据须说明原因。"]
    services.workshop_report_correct(actor=yiwu_staff, report=report, data={"employed": 35}, reason="漏报5人")
    record = history_for(report).get(field="employed")
    assert (record.old_value, record.new_value, record.reason, record.user) == ("30", "35", "漏报5人", yiwu_staff)


def test_county_staff_report_only_for_their_own_jurisdiction(dongyang_staff):
    with pytest.raises(ValidationError) as excinfo:
        services.workshop_report_submit(actor=dongyang_staff, data=report_data(WorkshopFactory()))
    assert excinfo.value.messages == ["所选区划不在您的管辖范围内。"]


# --- 结对帮扶 --------------------------------------------------------------------------------------


def pairing_data(**overrides):
    return {
        "county": division(CHUN_AN), "kind": PairingKind.ONE_PLUS_THREE, "year": 2025,
        "lead_unit": provincial_department(), "partner_county": division(YIWU), "soe": soe(),
        "provincial_leader": "李四", **overrides,
    }


def test_one_plus_three_only_for_mountain_island_counties(province_clerk):
    with pytest.raises(ValidationError) as excinfo:
        services.pairing_create(actor=province_clerk, data=pairing_data(county=division(DONGYANG)))
    assert messages_of(excinfo, "county") == ["“1+3”结对帮扶只适用于山区海岛县。"]
    assert not PairingRelationship.objects.exists()


def test_one_plus_three_needs_a_strong_county_department_and_soe(province_clerk):
    with pytest.raises(ValidationError) as excinfo:
        services.pairing_create(
            actor=province_clerk,
            data=pairing_data(partner_county=division("330324"), lead_unit=soe(), soe=provincial_department()),
        )
    assert excinfo.value.message_dict == {
        "partner_county": ["结对强县不能是山区海岛县。"],
        "lead_unit": ["牵头单位须为省级部门。"],
        "soe": ["结对国企须为国有企业。"],
    }


def test_one_plus_three_once_per_county_and_year(province_clerk):
    PairingFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.pairing_create(actor=province_clerk, data=pairing_data())
    assert excinfo.value.messages == ["该县本年度已有“1+3”结对帮扶关系。"]


def test_enclave_needs_revenue_sharing_terms(province_clerk):
    with pytest.raises(ValidationError) as excinfo:
        services.pairing_create(
            actor=province_clerk,
            data={"county": division(CHUN_AN), "kind": PairingKind.ENCLAVE, "year": 2025, "partner_county": division(YIWU)},
        )
    assert messages_of(excinfo, "revenue_sharing_terms") == ["飞地须填写收益分成约定。"]


def test_member_units_must_be_provincial_departments(province_clerk):
    with pytest.raises(ValidationError) as excinfo:
        services.pairing_create(actor=province_clerk, data=pairing_data(member_units=[soe("浙江省交通投资集团")]))
    assert messages_of(excinfo, "member_units") == ["“浙江省交通投资集团”不是省级部门，不能作为组团成员单位。"]


# --- who may write ---------------------------------------------------------------------------------


def test_county_staff_and_managers_cannot_write_deliverables(yiwu_staff, province_manager):
    for actor in (yiwu_staff, province_manager):
        with pytest.raises(PermissionDenied, match="只有专班工作人员可以新建或修改台账。"):
            services.workshop_create(actor=actor, data=workshop_data())
    assert not Workshop.objects.exists()


def test_clerk_cannot_write_outside_their_jurisdiction(yiwu_clerk):
    with pytest.raises(ValidationError) as excinfo:
        services.workshop_create(actor=yiwu_clerk, data=workshop_data(village=villages(DONGYANG)[0]))
    assert excinfo.value.messages == ["所选区划不在您的管辖范围内。"]
    workshop = WorkshopFactory(village=villages(DONGYANG)[0])
    with pytest.raises(ValidationError):
        services.workshop_update(actor=yiwu_clerk, instance=workshop, data={"name": "改名"})
    workshop.refresh_from_db()
    assert workshop.name != "改名"


# --- history ---------------------------------------------------------------------------------------


def test_edit_records_who_changed_which_field_from_what_to_what(province_clerk):
    town = CentralTownFactory(track=CentralTownTrack.INDUSTRY)
    services.central_town_update(
        actor=province_clerk, instance=town, data={"track": CentralTownTrack.TOURISM, "batch": 2}, reason="调整类型"
    )
    changes = {r.field: (r.field_label, r.old_value, r.new_value, r.user, r.action) for r in history_for(town)}
    assert changes == {
        "track": ("发展类型", "工业重镇", "文旅名镇", province_clerk, "update"),
        "batch": ("批次", "第一批", "第二批", province_clerk, "update"),
    }


def test_creation_is_recorded_and_unchanged_update_records_nothing(province_clerk):
    workshop = services.workshop_create(actor=province_clerk, data=workshop_data())
    [created] = history_for(workshop)
    assert (created.action, created.field_label, created.user) == ("create", "初始值", province_clerk)
    lines = created.new_value.splitlines()
    assert "工坊名称：佛堂来料加工工坊" in lines and "工坊类型：来料加工式" in lines
    assert f"所在村：{villages(YIWU)[0].full_name}" in lines
    assert not any(line.endswith("：") for line in lines)  # empty values are left out
    services.workshop_update(actor=province_clerk, instance=workshop, data={"name": "佛堂来料加工工坊"})
    assert history_for(workshop).count() == 1


def test_relation_changes_are_recorded(province_clerk):
    cluster = ClusterFactory()
    extra = villages(YIWU, 1, offset=5)[0]
    services.cluster_update(actor=province_clerk, instance=cluster, data={"radiated_villages": [extra]})
    record = history_for(cluster).get(field="radiated_villages")
    assert (record.old_value, record.new_value) == ("", extra.full_name)


def test_county_clerk_edits_in_own_county(yiwu_clerk):
    workshop = WorkshopFactory()
    services.workshop_update(actor=yiwu_clerk, instance=workshop, data={"steward_name": "王五"})
    assert Workshop.objects.get(pk=workshop.pk).steward_name == "王五"
