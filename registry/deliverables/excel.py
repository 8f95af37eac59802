"""Excel round-trips of the deliverable records, on the generic framework in registry.excel.

Imports go through the same services as the pages and the API, row by row, so every business rule
(levels, counties, pairing terms, one report per month...) and the change history apply to Excel
too; rows whose values equal the record's are skipped, so re-importing an export changes nothing.
The cost is a few queries per changed row: fine for the county-sized sheets clerks keep. Sheets
marked `bulk` (workshops: 12,698 at province scale) hold records the services write with no rule
beyond the model's own: they are imported in bulk with the same checks (derived county, the
importer's jurisdiction, full_clean) and the same change history, a few queries per 500 rows.

Many-to-many sets (cluster members, partner enterprises, member units, axis nodes) are edited on
the record pages; the sheets carry the scalar fields and keep those sets as they are.
"""
from dataclasses import dataclass
from typing import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema

from . import services
from registry.excel import Column, Kind, RowsInvalid, SheetSpec, UpsertResult, validation_row_errors
from registry.excel.importer import history_recorder, upsert_by_key
from registry.excel.reader import RowError
from registry.excel.spec import identity
from registry.excel.views import ExcelExportView, ExcelImportAPIView, ExcelImportView, ExcelTemplateView
from .filters import (
    AxisFilter,
    CentralTownFilter,
    ClusterFilter,
    PairingFilter,
    WeakTownshipFilter,
    WeakVillageFilter,
    WorkshopFilter,
    WorkshopReportFilter,
)
from registry.models import (
    Batch,
    CentralTown,
    CentralTownTrack,
    ClusterLevel,
    ClusterModel,
    DevelopmentAxis,
    DivisionLevel,
    PairingForm,
    PairingKind,
    PairingRelationship,
    VillageCluster,
    WeakTownship,
    WeakVillage,
    Workshop,
    WorkshopReport,
    WorkshopStatus,
    WorkshopType,
)

IMPORT_REASON = "Excel 导入"
COUNTY = (DivisionLevel.COUNTY,)
TOWNSHIP = (DivisionLevel.TOWNSHIP,)
VILLAGE = (DivisionLevel.VILLAGE,)


@dataclass(frozen=True)
class ExcelSheet:
    key: str  # the RecordType key: url names are f"{key}_excel_template" etc.
    path: str
    spec: SheetSpec
    queryset: Callable  # () -> the export queryset with its joins
    filterset_class: type
    create: Callable  # (actor, data) -> instance
    update: Callable  # (actor, instance, data, reason) -> instance
    prepare: Callable | None = None  # adjusts a cleaned row in place before it is matched
    bulk: bool = False  # created and updated by the generic services (_creator/_updater): see bulk_import

    @property
    def model(self):
        return self.filterset_class._meta.model


def _changed(instance, data):
    return any(identity(value) != getattr(instance, instance._meta.get_field(name).attname) for name, value in data.items())


def _keeps_value(field, value):
    return (value is None and not field.null) or (value == "" and not field.blank)


def service_import(sheet: ExcelSheet, rows, user) -> UpsertResult:
    """Create or update one record per row through the services; every refused row is reported."""
    model, key = sheet.model, list(sheet.spec.key_columns)
    for row in rows if sheet.prepare else ():
        sheet.prepare(row)
    attnames = [model._meta.get_field(k).attname for k in key]
    lookups = {f"{name}__in": {identity(row[k]) for row in rows} for name, k in zip(attnames, key)}
    # Unscoped on purpose: a key naming a record out of jurisdiction must be refused, not duplicated.
    existing = {tuple(getattr(obj, a) for a in attnames): obj for obj in model._default_manager.filter(**lookups)}
    result, errors = UpsertResult(), []
    for row in rows:
        instance = existing.get(tuple(identity(row[k]) for k in key))
        # An empty cell keeps the record's value (or the default) where the field may not be empty.
        data = {name: value for name, value in row.items() if not _keeps_value(model._meta.get_field(name), value)}
        try:
            if instance is None:
                sheet.create(actor=user, data=data)
                result.created += 1
            elif _changed(instance, data):
                sheet.update(actor=user, instance=instance, data=data, reason=IMPORT_REASON)
                result.updated += 1
            else:
                result.unchanged += 1
        except ValidationError as error:
            errors.extend(validation_row_errors(sheet.spec, row.number, error))
        except PermissionDenied as error:
            errors.append(RowError(row.number, "", str(error)))
    if errors:
        raise RowsInvalid(errors)
    return result


def bulk_import(sheet: ExcelSheet, rows, user) -> UpsertResult:
    """What service_import does for a `bulk` sheet, written in bulk (registry.excel.upsert_by_key)."""
    for row in rows if sheet.prepare else ():
        sheet.prepare(row)

    def prepare(instance, row):
        # The generic services' rules before full_clean (services._save): the county from the
        # record's place, and the importer's right to write in it.
        instance.derive_county()
        try:
            services.check_actor(user, services.county_of(instance))
        except PermissionDenied as denied:
            raise ValidationError(str(denied))

    return upsert_by_key(sheet.model, rows, spec=sheet.spec, user=user, prepare=prepare,
                         on_change=history_recorder(sheet.spec, user, IMPORT_REASON))


def sheet_import(sheet: ExcelSheet, rows, user) -> UpsertResult:
    return (bulk_import if sheet.bulk else service_import)(sheet, rows, user)


def _cluster_create(*, actor, data):
    # A cluster starts with its key village as its only member; the page adds the others.
    return services.cluster_create(actor=actor, data={**data, "members": [data["key_village"]]})


def _cluster_update(*, actor, instance, data, reason):
    members = list(instance.members.all())
    if "key_village" in data and data["key_village"] not in members:
        members.append(data["key_village"])
    return services.cluster_update(actor=actor, instance=instance, data={**data, "members": members}, reason=reason)


def _report_update(*, actor, instance, data, reason):
    return services.workshop_report_correct(actor=actor, report=instance, data=data, reason=reason)


def _month_of(row):
    # Any day names its month: match the reported month, not the day typed.
    row["period"] = row["period"].replace(day=1)


def _axis_update(*, actor, instance, data, reason):
    return services.axis_update(actor=actor, axis=instance, data=data, reason=reason)


def _weak_place_columns(level, label):
    return [
        Column(label, "division", Kind.DIVISION, required=True, levels=level),
        Column("认定时间", "since", Kind.DATE, required=True),
        Column("结对帮扶单位", "helper_unit", Kind.ORGANISATION, within_jurisdiction=False),
        Column("帮扶举措", "plan_summary", max_length=2000),
    ]


SHEETS = [
    ExcelSheet(
        "axis", "axes",
        SheetSpec("发展轴", key_columns=["county", "name"], columns=[
            Column("发展轴名称", "name", required=True, max_length=100),
            Column("所属县（市、区）", "county", Kind.DIVISION, required=True, levels=COUNTY),
            Column("批次", "batch", Kind.CHOICE, required=True, choices=Batch.choices),
            Column("功能定位", "positioning", max_length=2000),
            Column("覆盖县域面积占比（%）", "area_share", Kind.DECIMAL, decimal_places=2, min_value=0, max_value=100),
            Column("覆盖县域人口占比（%）", "population_share", Kind.DECIMAL, decimal_places=2, min_value=0, max_value=100),
        ], instructions="发展轴以“所属县 + 发展轴名称”识别；节点请在发展轴页面维护。"),
        lambda: DevelopmentAxis.objects.select_related("county"), AxisFilter, services.axis_create, _axis_update,
    ),
    ExcelSheet(
        "central_town", "central-towns",
        SheetSpec("中心镇", key_columns=["division"], columns=[
            Column("乡镇", "division", Kind.DIVISION, required=True, levels=TOWNSHIP),
            Column("发展类型", "track", Kind.CHOICE, required=True, choices=CentralTownTrack.choices),
            Column("批次", "batch", Kind.CHOICE, required=True, choices=Batch.choices),
        ]),
        lambda: CentralTown.objects.select_related("division"), CentralTownFilter,
        services.central_town_create, services.central_town_update,
    ),
    ExcelSheet(
        "weak_township", "weak-townships",
        SheetSpec("相对薄弱乡镇", key_columns=["division"], columns=_weak_place_columns(TOWNSHIP, "乡镇")),
        lambda: WeakTownship.objects.select_related("division", "helper_unit__division"), WeakTownshipFilter,
        services.weak_township_create, services.weak_township_update,
    ),
    ExcelSheet(
        "weak_village", "weak-villages",
        SheetSpec("相对薄弱村", key_columns=["division"], columns=_weak_place_columns(VILLAGE, "村")),
        lambda: WeakVillage.objects.select_related("division", "helper_unit__division"), WeakVillageFilter,
        services.weak_village_create, services.weak_village_update,
    ),
    ExcelSheet(
        "cluster", "clusters",
        SheetSpec("乡村片区组团", key_columns=["county", "name"], columns=[
            Column("片区组团名称", "name", required=True, max_length=100),
            Column("级别", "level", Kind.CHOICE, required=True, choices=ClusterLevel.choices),
            Column("所属县（市、区）", "county", Kind.DIVISION, required=True, levels=COUNTY),
            Column("重点村", "key_village", Kind.DIVISION, required=True, levels=VILLAGE),
            Column("发展模式", "model", Kind.FK, model=ClusterModel, to_field="name", within_jurisdiction=False),
            Column("运营公司", "operating_company", max_length=128),
            Column("联合党组织", "joint_party_organisation", max_length=128),
        ], instructions="片区组团以“所属县 + 名称”识别；成员村、辐射村请在片区组团页面维护。"),
        lambda: VillageCluster.objects.select_related("county", "key_village", "model"), ClusterFilter,
        _cluster_create, _cluster_update,
    ),
    ExcelSheet(
        "workshop", "workshops",
        SheetSpec("共富工坊", key_columns=["village", "name"], columns=[
            Column("工坊名称", "name", required=True, max_length=100),
            Column("所在村", "village", Kind.DIVISION, required=True, levels=VILLAGE),
            Column("工坊类型", "type", Kind.CHOICE, required=True, choices=WorkshopType.choices),
            Column("结对形式", "pairing_form", Kind.CHOICE, required=True, choices=PairingForm.choices),
            Column("工坊管家", "steward_name", max_length=32),
            Column("管家所在单位", "steward_unit", max_length=128),
            Column("管家联系电话", "steward_phone", max_length=32),
            Column("开办日期", "opened_on", Kind.DATE),
            Column("运营状态", "status", Kind.CHOICE, choices=WorkshopStatus.choices),
        ], instructions="共富工坊以“所在村 + 工坊名称”识别；合作企业请在工坊页面维护。"),
        lambda: Workshop.objects.select_related("village"), WorkshopFilter,
        services.workshop_create, services.workshop_update, bulk=True,
    ),
    ExcelSheet(
        "workshop_report", "workshop-reports",
        SheetSpec("共富工坊月度数据", key_columns=["workshop", "period"], columns=[
            Column("工坊编号", "workshop", Kind.FK, required=True, model=Workshop, help="见共富工坊页面地址中的编号"),
            Column("统计月份", "period", Kind.DATE, required=True, help="填该月任一天，按月份保存"),
            Column("带动就业人数", "employed", Kind.INT, required=True, min_value=0),
            Column("其中低收入农户人数", "low_income_employed", Kind.INT, min_value=0),
            Column("人均月增收（元）", "avg_monthly_income_gain", Kind.DECIMAL, required=True, decimal_places=2, min_value=0),
            Column("村集体增收（万元）", "village_collective_income", Kind.DECIMAL, decimal_places=4, min_value=0),
        ], instructions="同一工坊同一月份只有一行；已填报月份的数据再次导入视为更正，原值保留在修改记录中。"),
        lambda: WorkshopReport.objects.all(), WorkshopReportFilter, services.workshop_report_submit, _report_update,
        prepare=_month_of,
    ),
    ExcelSheet(
        "pairing", "pairings",
        SheetSpec("结对帮扶", key_columns=["county", "kind", "year", "partner_county"], columns=[
            Column("受帮扶县", "county", Kind.DIVISION, required=True, levels=COUNTY),
            Column("帮扶类型", "kind", Kind.CHOICE, required=True, choices=PairingKind.choices),
            Column("年度", "year", Kind.INT, required=True, min_value=2000, max_value=2100),
            Column("结对强县（协作县）", "partner_county", Kind.DIVISION, required=True, levels=COUNTY, within_jurisdiction=False),
            Column("省级部门组团牵头单位", "lead_unit", Kind.ORGANISATION, within_jurisdiction=False),
            Column("结对省属国企", "soe", Kind.ORGANISATION, within_jurisdiction=False),
            Column("联系省领导", "provincial_leader", max_length=32),
            Column("飞地（协作）项目名称", "project_name", max_length=128),
            Column("收益分成约定", "revenue_sharing_terms", max_length=2000),
        ], instructions="以“受帮扶县 + 帮扶类型 + 年度 + 结对县”识别；组团成员单位请在结对帮扶页面维护。"),
        lambda: PairingRelationship.objects.select_related("county", "partner_county", "lead_unit__division", "soe__division"),
        PairingFilter, services.pairing_create, services.pairing_update,
    ),
]
SHEET_BY_KEY = {sheet.key: sheet for sheet in SHEETS}


class DeliverableExportView(ExcelExportView):
    sheet: ExcelSheet = None

    def get_queryset(self):
        self.queryset = self.sheet.queryset()
        return super().get_queryset()


class DeliverableImportView(ExcelImportView):
    sheet: ExcelSheet = None

    def apply(self, rows, user):
        return sheet_import(self.sheet, rows, user)


@extend_schema(tags=["Excel 导入"])
class DeliverableImportAPIView(ExcelImportAPIView):
    sheet: ExcelSheet = None

    def apply(self, rows, user):
        return sheet_import(self.sheet, rows, user)


def page_urlpatterns():
    patterns = []
    for sheet in SHEETS:
        patterns += [
            path(f"{sheet.path}/excel/template/", ExcelTemplateView.as_view(spec=sheet.spec),
                 name=f"{sheet.key}_excel_template"),
            path(f"{sheet.path}/excel/export/", DeliverableExportView.as_view(
                spec=sheet.spec, sheet=sheet, filterset_class=sheet.filterset_class,
            ), name=f"{sheet.key}_excel_export"),
            path(f"{sheet.path}/excel/import/", DeliverableImportView.as_view(
                spec=sheet.spec, sheet=sheet, template_url_name=f"{sheet.key}_excel_template",
                list_url_name=f"{sheet.key}_list" if sheet.key != "workshop_report" else "workshop_list",
            ), name=f"{sheet.key}_excel_import"),
        ]
    return patterns


def api_urlpatterns():
    return [
        path(f"{sheet.path}/excel/import/", DeliverableImportAPIView.as_view(spec=sheet.spec, sheet=sheet),
             name=f"api-{sheet.key}-excel-import")
        for sheet in SHEETS
    ]
