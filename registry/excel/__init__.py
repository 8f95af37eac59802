"""Excel round-trips for any record type: a template to fill, an export, an all-or-nothing import.

Describe the sheet once; everything else follows from the description::

    from registry.excel import Column, Kind, SheetSpec, history_recorder, upsert_by_key
    from registry.excel.views import ExcelExportView, ExcelImportView, ExcelTemplateView

    TOWN_SHEET = SheetSpec("中心镇", key_columns=["division"], columns=[
        Column("乡镇", "division", Kind.DIVISION, required=True, levels=(DivisionLevel.TOWNSHIP,)),
        Column("类型", "track", Kind.CHOICE, required=True, choices=Track.choices),
        Column("批次", "batch", Kind.INT, min_value=1),
        Column("规划投资（万元）", "planned", Kind.DECIMAL, decimal_places=2),
        Column("认定日期", "since", Kind.DATE),
    ])

    def towns_import(rows, user):          # runs inside transaction.atomic()
        return upsert_by_key(CentralTown, rows, spec=TOWN_SHEET, user=user,
                             on_change=history_recorder(TOWN_SHEET, user))

    class TownImportView(ExcelImportView):  # GET form, POST upload; clerks only (others 403)
        spec, list_url_name, template_url_name = TOWN_SHEET, "town-list", "town-excel-template"
        def apply(self, rows, user):
            return towns_import(rows, user)

The pieces:

- `SheetSpec(title, columns, key_columns=(), row_limit=None, instructions="")` and
  `Column(header, key, kind, required, choices, max_length, help, levels, within_jurisdiction,
  many, model, to_field, min_value, max_value, decimal_places, source, width)`. Kinds: text, int,
  decimal, date, bool (是/否), choice (labels in the sheet, values in Python), division (a code
  such as 330782 / 330782001, a path such as 金华市/义乌市/佛堂镇, or the exported
  "全称（代码）"), organisation ("单位名称" or "单位名称（区划代码）"), fk (``model`` looked up by
  ``to_field``). Division, organisation and fk cells must be visible to the importing user through
  ``for_user`` unless ``within_jurisdiction=False``; otherwise the row error reads like "not found".
  ``many=True`` (reference kinds): several values in one cell separated by “、”, cleaned to a list
  (a many-to-many field; export with ``prefetch_related``).
- `build_template(spec) -> bytes` and `export_rows(spec, rows) -> bytes` (rows: dicts or objects;
  pass ``queryset.iterator()``; each column reads ``source`` or ``key``, dotted paths allowed).
- `parse_workbook(spec, file, user) -> ParseResult(rows, errors)`: every row checked, every bad
  cell reported as `RowError(row_number, column_header, message_zh)`; cleaned rows are dicts
  (`Row`, with ``.number``). A file that cannot be taken at all raises `ExcelError` (Chinese
  message): too big (EXCEL_MAX_BYTES, 10 MB), not an xlsx, zip bomb, entity expansion, more data
  rows than ``row_limit`` / EXCEL_MAX_ROWS (20,000), no data.
- `run_import(spec, file, user, apply) -> ImportReport`: parse; only if every row is valid call
  ``apply(rows, user)`` inside ``transaction.atomic()``. ``apply`` returns an `UpsertResult`; it
  may raise `RowsInvalid` (or a Django ValidationError) and then nothing is kept. The report has
  ``ok``, ``summary`` (Chinese), ``file_error``, ``errors``, ``created``/``updated``/``unchanged``.
- `upsert_by_key(model, rows, spec=, user=, fields=None, prepare=None, on_change=None)`: bulk
  create/update matched on ``spec.key_columns``; many-to-many lists replaced; ``prepare(instance,
  row)`` sets derived fields / checks cross-field rules (e.g. ``derive_county()``,
  ``clean_relations(...)``) before full_clean(); every failing row is reported; unchanged rows are
  not written, so re-importing an export is a fixed point. No save() or signals: bulk writes.
  `history_recorder(spec, user, reason="Excel 导入")` is the ``on_change`` that writes the
  registry's ChangeRecord history (one row per created record, one per changed field of an updated one; in bulk).
- Views (`registry.excel.views`): `ExcelTemplateView`, `ExcelExportView` (configured like a
  `ScopedListView`: queryset + filterset_class, so the export is exactly the filtered list),
  `ExcelImportView` (template ``excel/import.html``), `ExcelImportAPIView` and `report_response`
  for DRF (400 ``{"error": {"code": "invalid_rows"|"invalid_file", "message", "status", "rows":
  [{"row", "column", "message"}]}}``). Clerks only by default, others get 403: override
  ``allowed(self, user)``. Uploads are cut off at EXCEL_MAX_BYTES while being received.
  The worked example is `registry.excel.organisations` (pages under /organisations/excel/).
"""
from .importer import (
    Change, ImportReport, RowsInvalid, UpsertResult, history_recorder, run_import, upsert_by_key, validation_row_errors,
)
from .reader import ParseResult, Row, RowError, parse_workbook
from .safety import ExcelError
from .spec import Column, Kind, SheetSpec
from .writer import build_template, export_rows

__all__ = [
    "Change", "Column", "ExcelError", "ImportReport", "Kind", "ParseResult", "Row", "RowError", "RowsInvalid",
    "SheetSpec", "UpsertResult", "build_template", "export_rows", "history_recorder", "parse_workbook", "run_import",
    "upsert_by_key",
    "validation_row_errors",
]
