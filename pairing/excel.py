"""Excel round trips of the pairing loop: the annual task list (idempotent by the list's task number
within its pairing; an export re-imports unchanged) and the pairing groups (registry.deliverables).

Each task row is applied through the services (pairing.services.task_create / task_update, which go
through the case's own services), so the workflow's rules and events hold for Excel too."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from registry.deliverables.pairing_groups import (
    GROUP_SHEET, SEPARATORS, export_groups, groups_import, unit_cell, units_in_cell,
)
from registry.excel import Column, Kind, RowsInvalid, SheetSpec, UpsertResult, export_rows, validation_row_errors
from registry.excel.reader import RowError
from registry.excel.views import ExcelImportView, ExcelTemplateView, may_use_excel, xlsx_response
from registry.models import DivisionLevel, PairingGroupKind, PairingKind, PairingRelationship

from . import selectors, services
from .models import PairingTask

GROUPS, PARTIES, COUNTY = "责任组团", "联合销号单位", "受帮扶县"
TASK_SHEET = SheetSpec("结对帮扶任务清单", key_columns=["county", "year", "number"], columns=[
    Column(COUNTY, "county", Kind.DIVISION, required=True, levels=(DivisionLevel.COUNTY,)),
    Column("年度", "year", Kind.INT, required=True, min_value=2000, max_value=2100),
    Column("任务编号", "number", required=True, max_length=64),
    Column("任务名称", "title", required=True, max_length=200),
    Column("任务内容", "description", max_length=4000),
    Column(GROUPS, "groups", max_length=100, help="省级单位组团、强县组团、省属国企组团，多个用“、”分隔"),
    Column(PARTIES, "parties", max_length=2000, help="单位名称或“单位名称（区划代码）”，多个用“、”分隔；空白：新任务取责任组团牵头单位，已有任务不变"),
    Column("承接任务", "is_takeover", Kind.BOOL),
], instructions="以“受帮扶县 + 年度 + 任务编号”识别；再次导入同一编号即更新该任务（修改记入办理记录）。")
GROUP_BY_LABEL = {str(label): value for value, label in PairingGroupKind.choices}


def task_rows(tasks):
    for task in tasks:
        yield {
            "county": task.pairing.county, "year": task.pairing.year, "number": task.number, "title": task.case.title,
            "description": task.case.description,
            "groups": "、".join(g.get_kind_display() for g in sorted(task.groups.all(), key=lambda g: g.kind)),
            "parties": "、".join(unit_cell(jc.party) for jc in task.case.joint_parties.all()),
            "is_takeover": task.is_takeover,
        }


def _groups(row, pairing, errors):
    wanted = [t.strip() for t in SEPARATORS.split(row.get("groups") or "") if t.strip()]
    by_kind = {g.kind: g for g in pairing.groups.all()}
    found = []
    for label in wanted:
        kind = GROUP_BY_LABEL.get(label)
        if kind is None or kind not in by_kind:
            errors.append(RowError(row.number, GROUPS, f"“{label}”不是该结对关系的组团（可填：{'、'.join(g.get_kind_display() for g in by_kind.values())}）。"))
        else:
            found.append(by_kind[kind])
    return found


def tasks_import(rows, user) -> UpsertResult:
    """Check every row's references first (every bad cell reported), then create or update each task."""
    errors, plans = [], []
    pairings = {(p.county_id, p.year): p for p in PairingRelationship.objects.for_user(user).filter(
        kind=PairingKind.ONE_PLUS_THREE, county__in={r["county"] for r in rows}).prefetch_related("groups")}
    for row in rows:
        pairing = pairings.get((row["county"].pk, row["year"]))
        if pairing is None:
            errors.append(RowError(row.number, COUNTY, f"{row['county'].name}{row['year']}年没有您可见的“1+3”结对帮扶关系。"))
            continue
        plans.append((row, pairing, _groups(row, pairing, errors), units_in_cell(row, "parties", PARTIES, errors)))
    if errors:
        raise RowsInvalid(errors)
    existing = {(t.pairing_id, t.number): t for t in PairingTask.objects.filter(
        pairing__in={p.pk for _, p, _, _ in plans}, number__in={r["number"] for r, *_ in plans}).select_related("case")}
    result = UpsertResult()
    for row, pairing, groups, parties in plans:
        task = existing.get((pairing.pk, row["number"]))
        try:
            if task is None:
                services.task_create(by=user, pairing=pairing, number=row["number"], title=row["title"],
                                     description=row.get("description") or "", groups=groups,
                                     is_takeover=bool(row.get("is_takeover")), joint_parties=parties or None)
                result.created += 1
                continue
            _, changed = services.task_update(
                by=user, task=task, title=row["title"], description=row.get("description") or "", groups=groups,
                is_takeover=bool(row.get("is_takeover")), joint_parties=parties or None)
            if changed:
                result.updated += 1
            else:
                result.unchanged += 1
        except ValidationError as error:
            errors.extend(validation_row_errors(TASK_SHEET, row.number, error))
        except PermissionDenied as error:
            errors.append(RowError(row.number, "", str(error)))
    if errors:
        raise RowsInvalid(errors)
    return result


class TaskTemplateView(ExcelTemplateView):
    spec = TASK_SHEET


class TaskExportView(ExcelTemplateView):
    """GET: the pairing's task list as the import sheet (re-importing it changes nothing)."""

    spec = TASK_SHEET

    def allowed(self, user):
        return user.is_authenticated

    def get(self, request, *args, **kwargs):
        pairing = selectors.pairing_detail(request.user, kwargs["pk"])
        content = export_rows(TASK_SHEET, task_rows(selectors.task_list(request.user, pairing)))
        return xlsx_response(content, f"{pairing.county.name}{pairing.year}年结对帮扶任务清单.xlsx")


class TaskImportView(ExcelImportView):
    spec = TASK_SHEET
    template_url_name = "pairing-task-template"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["list_url"] = reverse("pairing-detail", args=[self.kwargs["pk"]])
        return ctx

    def apply(self, rows, user):
        return tasks_import(rows, user)


@login_required
def group_export(request):
    if not may_use_excel(request.user):
        raise PermissionDenied("只有专班工作人员可以导出。")
    return xlsx_response(export_rows(GROUP_SHEET, export_groups(request.user)), "结对帮扶组团.xlsx")


class GroupImportView(ExcelImportView):
    spec = GROUP_SHEET
    list_url_name = "pairing-dashboard"

    def apply(self, rows, user):
        return groups_import(rows, user)
