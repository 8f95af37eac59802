"""Excel round-trips of the structure's relations (the records themselves are in excel.py):

- 发展轴节点: one row per node, in order along the axis; importing an axis's rows replaces its nodes
  (through services.axis_update, so the node rules and the change history apply);
- 片区组团村庄: one row per cluster with its member villages, radiated villages and central town;
- 工坊合作企业: one row per workshop with its partner enterprises.

Villages and townships are named by code or by "市/县/乡镇/村" path; a division of the wrong level is a
per-cell error (registry.excel). An export re-imports as "unchanged". Records must exist already: a
row naming an unknown axis, cluster or workshop is refused with the sheet to create it in.
"""
from collections import defaultdict

import django_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path

from registry.excel import Column, Kind, RowsInvalid, SheetSpec, UpsertResult, validation_row_errors
from registry.excel.reader import RowError
from registry.excel.views import ExcelExportView, ExcelImportView, ExcelTemplateView
from registry.models import (
    AxisNode,
    AxisNodeKind,
    CentralTown,
    DevelopmentAxis,
    DivisionLevel,
    VillageCluster,
    Workshop,
)

from . import services
from .filters import _county_filter

REASON = "Excel 导入"
NODE_LEVELS = (DivisionLevel.TOWNSHIP, DivisionLevel.VILLAGE)

NODES = SheetSpec("发展轴节点", key_columns=["county", "axis", "position"], columns=[
    Column("所属县（市、区）", "county", Kind.DIVISION, required=True, levels=(DivisionLevel.COUNTY,), source="axis.county"),
    Column("发展轴名称", "axis", required=True, max_length=100, source="axis.name"),
    Column("顺序", "position", Kind.INT, required=True, min_value=1, max_value=200),
    Column("节点类型", "kind", Kind.CHOICE, required=True, choices=AxisNodeKind.choices),
    Column("节点区划", "division", Kind.DIVISION, levels=NODE_LEVELS,
           help="县城、中心镇填乡镇（街道），重点村填村；片区组团节点留空"),
    Column("片区组团名称", "cluster", max_length=100, source=lambda n: n.cluster.name if n.cluster_id else ""),
], instructions="每个节点一行，按“顺序”排列；导入时以表中该发展轴的全部行替换其节点。发展轴须先在“发展轴”表中建立。")

CLUSTER_VILLAGES = SheetSpec("片区组团村庄", key_columns=["county", "name"], columns=[
    Column("所属县（市、区）", "county", Kind.DIVISION, required=True, levels=(DivisionLevel.COUNTY,)),
    Column("片区组团名称", "name", required=True, max_length=100),
    Column("成员村", "members", Kind.DIVISION, required=True, many=True, levels=(DivisionLevel.VILLAGE,), within_jurisdiction=False),
    Column("辐射带动村", "radiated_villages", Kind.DIVISION, many=True, levels=(DivisionLevel.VILLAGE,), within_jurisdiction=False),
    Column("所属中心镇", "town", Kind.DIVISION, levels=(DivisionLevel.TOWNSHIP,),
           source=lambda c: c.central_town.division if c.central_town_id else None, help="中心镇所在乡镇（街道），可空"),
], instructions="每个片区组团一行；村以“、”分隔，可填区划代码或“市/县/乡镇/村”路径。片区组团须先在“乡村片区组团”表中建立。")

PARTNERS = SheetSpec("共富工坊合作企业", key_columns=["village", "name"], columns=[
    Column("所在村", "village", Kind.DIVISION, required=True, levels=(DivisionLevel.VILLAGE,)),
    Column("工坊名称", "name", required=True, max_length=100),
    Column("合作企业", "partner_enterprises", Kind.ORGANISATION, many=True, within_jurisdiction=False),
], instructions="每个工坊一行；合作企业以“、”分隔。工坊须先在“共富工坊”表中建立。")


def _error(row, header, message):
    return RowError(row.number, header, message)


def _set_relations(rows, user, *, spec, records, place, missing, wanted, update) -> UpsertResult:
    """One existing record per row (found by (place, name)), its relation sets replaced by the row's
    through `update` unless they are already equal ("unchanged"); every refused row is reported."""
    result, errors = UpsertResult(), []
    for row in rows:
        record = records.get((row[place].pk, row["name"]))
        try:
            if record is None:
                raise LookupError(missing.format(name=row["name"]))
            data = wanted(row)
            current = {name: ({o.pk for o in getattr(record, name).all()} if hasattr(getattr(record, name), "all")
                              else getattr(record, f"{name}_id")) for name in data}
            asked = {name: ({o.pk for o in value} if isinstance(value, list) else getattr(value, "pk", None))
                     for name, value in data.items()}
            if current == asked:
                result.unchanged += 1
                continue
            update(actor=user, instance=record, data=data, reason=REASON)
            result.updated += 1
        except ValidationError as error:
            errors.extend(validation_row_errors(spec, row.number, error))
        except (PermissionDenied, LookupError) as error:
            errors.append(_error(row, "", str(error).strip("'\"")))
    if errors:
        raise RowsInvalid(errors)
    return result


def import_nodes(rows, user) -> UpsertResult:
    """Rows grouped by axis; each axis's nodes replaced by its rows in their order (one count per axis)."""
    by_axis = defaultdict(list)
    for row in rows:
        by_axis[(row["county"].pk, row["axis"])].append(row)
    axes = {(a.county_id, a.name): a for a in DevelopmentAxis.objects.filter(name__in={n for _, n in by_axis})}
    result, errors = UpsertResult(), []
    for key, group in by_axis.items():
        axis = axes.get(key)
        first = group[0]
        if axis is None:
            errors.append(_error(first, "发展轴名称", f"“{key[1]}”不是该县已有的发展轴，请先在“发展轴”表中新建。"))
            continue
        group.sort(key=lambda r: r["position"])
        clusters = {c.name: c for c in VillageCluster.objects.filter(county_id=axis.county_id)}
        nodes, bad = [], False
        for row in group:
            spec = {"kind": row["kind"], "division": row.get("division")}
            if row["kind"] == AxisNodeKind.CLUSTER:
                spec = {"kind": row["kind"], "cluster": clusters.get(row.get("cluster") or "")}
                if spec["cluster"] is None:
                    errors.append(_error(row, "片区组团名称", f"本县没有名为“{row.get('cluster') or ''}”的片区组团。"))
                    bad = True
            nodes.append(spec)
        if bad:
            continue
        current = [(n.kind, n.division_id if n.kind != AxisNodeKind.CLUSTER else None, n.cluster_id) for n in axis.nodes.all()]
        wanted = [(n["kind"], getattr(n.get("division"), "pk", None) if n["kind"] != AxisNodeKind.CLUSTER else None,
                   getattr(n.get("cluster"), "pk", None)) for n in nodes]
        if current == wanted:
            result.unchanged += 1
            continue
        try:
            services.axis_update(actor=user, axis=axis, data={}, nodes=nodes, reason=REASON)
        except ValidationError as error:
            # "第n个节点：…" names the node by its place in the axis: point at that row.
            for message in error.messages:
                index = int(message[1:message.index("个")]) - 1 if message.startswith("第") and "个节点" in message else 0
                errors.append(_error(group[min(index, len(group) - 1)], "节点区划", message))
            continue
        except PermissionDenied as error:
            errors.append(_error(first, "", str(error)))
            continue
        result.updated += 1
    if errors:
        raise RowsInvalid(errors)
    return result


def _cluster_wanted(row) -> dict:
    town = None
    if row.get("town") is not None:
        town = CentralTown.objects.filter(division=row["town"]).first()
        if town is None:
            raise ValidationError({"town": f"“{row['town'].full_name}”不是已认定的中心镇。"})
    return {"members": list(row["members"]), "radiated_villages": list(row.get("radiated_villages") or []), "central_town": town}


def import_cluster_villages(rows, user) -> UpsertResult:
    clusters = {(c.county_id, c.name): c for c in VillageCluster.objects.filter(name__in={r["name"] for r in rows})}
    return _set_relations(
        rows, user, spec=CLUSTER_VILLAGES, records=clusters, place="county", wanted=_cluster_wanted,
        missing="“{name}”不是该县已有的片区组团，请先在“乡村片区组团”表中新建。", update=services.cluster_update,
    )


def import_partners(rows, user) -> UpsertResult:
    workshops = {(w.village_id, w.name): w for w in Workshop.objects.filter(name__in={r["name"] for r in rows})}
    return _set_relations(
        rows, user, spec=PARTNERS, records=workshops, place="village",
        wanted=lambda row: {"partner_enterprises": list(row.get("partner_enterprises") or [])},
        missing="该村没有名为“{name}”的共富工坊，请先在“共富工坊”表中新建。", update=services.workshop_update,
    )


class NodeFilter(django_filters.FilterSet):
    county = _county_filter("axis__county")

    class Meta:
        model = AxisNode
        fields = ["county"]


class ClusterVillageFilter(django_filters.FilterSet):
    county = _county_filter("county")

    class Meta:
        model = VillageCluster
        fields = ["county"]


class PartnerFilter(django_filters.FilterSet):
    county = _county_filter("county")

    class Meta:
        model = Workshop
        fields = ["county"]


# (url key, path, spec, export queryset, filter, import function)
RELATION_SHEETS = [
    ("axis_nodes", "axes/nodes", NODES,
     lambda: AxisNode.objects.select_related("axis__county", "division", "cluster").order_by("axis__county__code", "axis__name", "position", "id"),
     NodeFilter, import_nodes),
    ("cluster_villages", "clusters/villages", CLUSTER_VILLAGES,
     lambda: VillageCluster.objects.select_related("county", "central_town__division").prefetch_related("members", "radiated_villages"),
     ClusterVillageFilter, import_cluster_villages),
    ("workshop_partners", "workshops/partners", PARTNERS,
     lambda: Workshop.objects.select_related("village").prefetch_related("partner_enterprises").order_by("county__code", "name", "id"),
     PartnerFilter, import_partners),
]


class _Export(ExcelExportView):
    build = None

    def get_queryset(self):
        self.queryset = self.build()
        return super().get_queryset()

    def get(self, request, *args, **kwargs):
        # Prefetched sets need a full evaluation (iterator() would drop them), at county-sized sheets.
        from registry.excel.views import export_rows, xlsx_response

        return xlsx_response(export_rows(self.spec, list(self.get_queryset())), f"{self.spec.title}.xlsx")


class _Import(ExcelImportView):
    importer = None

    def apply(self, rows, user):
        return self.importer(rows, user)


def page_urlpatterns():
    patterns = []
    for key, url, spec, build, filterset, importer in RELATION_SHEETS:
        patterns += [
            path(f"{url}/excel/template/", ExcelTemplateView.as_view(spec=spec), name=f"{key}_excel_template"),
            path(f"{url}/excel/export/", _Export.as_view(spec=spec, build=build, filterset_class=filterset),
                 name=f"{key}_excel_export"),
            path(f"{url}/excel/import/", _Import.as_view(
                spec=spec, importer=importer, template_url_name=f"{key}_excel_template",
                list_url_name={"axis_nodes": "axis_list", "cluster_villages": "cluster_list"}.get(key, "workshop_list"),
            ), name=f"{key}_excel_import"),
        ]
    return patterns

