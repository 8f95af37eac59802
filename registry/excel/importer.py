"""All-or-nothing imports, and the keyed upsert most imports need."""
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, CharField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from registry.bulk import bulk_insert, insert_rows

from .reader import ParseResult, Row, RowError, parse_workbook
from .safety import ExcelError
from .spec import Kind, SheetSpec, identity

logger = logging.getLogger(__name__)
CHUNK = 500


class RowsInvalid(Exception):
    """Raised by an `apply` callable: these rows break a business rule; nothing is saved."""

    def __init__(self, errors: Sequence[RowError]):
        super().__init__(f"{len(errors)} row errors")
        self.errors = list(errors)

    @classmethod
    def from_validation(cls, spec: SheetSpec, row: Row, error: ValidationError) -> "RowsInvalid":
        return cls(validation_row_errors(spec, row.number, error))


def validation_row_errors(spec: SheetSpec, row_number: int, error: ValidationError) -> list[RowError]:
    """A Django ValidationError as row errors, each under the column of the field it names."""
    headers = {c.key: c.header for c in spec.columns}
    by_field = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    errors = []
    for name, messages in by_field.items():
        header = headers.get(name, "")
        for message in messages:
            errors.append(RowError(row_number, header, message if header or name == NON_FIELD_ERRORS else f"{name}：{message}"))
    return errors


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class Change:
    """One saved record and what changed: {field: (old, new)}; old is None for a new record."""

    instance: object
    created: bool
    changes: dict


@dataclass
class ImportReport:
    file_error: str = ""
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors

    @property
    def summary(self) -> str:
        if self.file_error:
            return self.file_error
        if self.errors:
            bad_rows = len({e.row_number for e in self.errors})
            return f"发现 {len(self.errors)} 处错误（涉及 {bad_rows} 行），未保存任何数据。请修改后重新导入。"
        return f"导入成功：共 {self.rows} 行，新增 {self.created} 条，更新 {self.updated} 条，未变化 {self.unchanged} 条。"

    def as_dict(self) -> dict:
        return {
            "ok": self.ok, "message": self.summary, "file_error": self.file_error,
            "rows": [e.as_dict() for e in self.errors], "row_count": self.rows,
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
        }


def run_import(spec: SheetSpec, file, user, apply: Callable[[list[Row], object], UpsertResult]) -> ImportReport:
    """Parse the whole file; only if every row is valid, call apply(rows, user) in one transaction.

    apply returns an UpsertResult (upsert_by_key does) and may raise RowsInvalid or a Django
    ValidationError to refuse the import; everything it wrote is then rolled back.
    """
    try:
        parsed: ParseResult = parse_workbook(spec, file, user)
    except ExcelError as error:
        return ImportReport(file_error=str(error))
    bad_rows = {e.row_number for e in parsed.errors if e.row_number > 1}
    report = ImportReport(rows=len(parsed.rows) + len(bad_rows), errors=parsed.errors)
    if not parsed.ok:
        return report
    try:
        with transaction.atomic():
            result = apply(parsed.rows, user)
    except RowsInvalid as invalid:
        report.errors = invalid.errors
        return report
    except ValidationError as error:
        report.errors = validation_row_errors(spec, 0, error)
        return report
    except IntegrityError as error:
        logger.info("import refused by the database: %s", error)
        report.file_error = "导入的数据违反数据库约束（如与已有记录重复），未保存任何数据。"
        return report
    if result is not None:
        report.created, report.updated, report.unchanged = result.created, result.updated, result.unchanged
    return report


@transaction.atomic
def upsert_by_key(
    model,
    rows: Sequence[Row],
    *,
    spec: SheetSpec,
    user,
    fields: Sequence[str] | None = None,
    prepare: Callable[[object, Row], None] | None = None,
    on_change: Callable[[list[Change]], None] | None = None,
    batch_size: int = 1000,
) -> UpsertResult:
    """Create or update one `model` record per row, matched on spec.key_columns.

    Rows set `fields` (default: every column key). An empty cell for a NOT NULL field keeps the
    record's value (the field default for a new record), as does an empty text for a field that may
    not be blank. Many-to-many fields (``many=True``
    columns) are replaced by the row's list. Every row is validated with full_clean() before
    anything is written, and every failure is reported (RowsInvalid). Unchanged records are not
    touched, so importing an exported file twice changes nothing. Records matched by key must be in
    the user's jurisdiction (for_user). Writes are bulk (no save() or m2m_changed signals): a few
    queries per 500 rows. prepare(instance, row), called for each new or changed record before
    full_clean(), sets derived fields and checks rules across fields (a ValidationError it raises
    is a row error). on_change receives the created/updated records with their changed values
    (for history).
    """
    key = list(spec.key_columns)
    if not key:
        raise ValueError(f"sheet {spec.title!r} declares no key_columns to upsert by")
    fields = list(fields or [c.key for c in spec.columns])
    model_fields = {name: model._meta.get_field(name) for name in fields}
    many = {name: f for name, f in model_fields.items() if f.many_to_many}
    for name, many_field in many.items():
        if not many_field.remote_field.through._meta.auto_created:
            raise ValueError(f"{model.__name__}.{name}: only plain many-to-many tables can be upserted")
    single = {name: f for name, f in model_fields.items() if name not in many}
    concrete = [f for f in model._meta.concrete_fields if not f.primary_key]
    touched = [f for f in concrete if getattr(f, "auto_now", False)]
    concrete_relations = [f for f in concrete if f.is_relation]
    relations = [name for name, f in single.items() if f.is_relation]
    columns = {c.key: c for c in spec.columns}
    tests = {name: columns[name].validity_test(f) for name, f in single.items() if name in columns}
    tests = {name: test for name, test in tests.items() if test is not None}
    manager = model._default_manager
    existing, in_scope = _existing(manager, rows, key, relations, list(many), user)

    result, changes, errors = UpsertResult(), [], []
    to_create, to_update, to_save, updated_fields, new_sets = [], [], [], set(), []
    for row in rows:
        row_key = tuple(identity(row[k]) for k in key)
        instance = existing.get(row_key)
        created = instance is None
        if not created and instance.pk not in in_scope:
            headers = "、".join(spec.column(k).header for k in key)
            errors.append(RowError(row.number, "", f"按{headers}匹配到的记录不在您的管辖范围内，不能修改"))
            continue
        if created:
            instance = model()
        diff = {}
        for name, model_field in single.items():
            new = row[name]
            if (new is None and not model_field.null) or (new == "" and not model_field.blank):
                continue
            old = getattr(instance, model_field.attname) if not created else None
            if created or old != identity(new):
                diff[name] = (None if created else getattr(instance, name), new)
                setattr(instance, name, new)
        for name in many:
            old = [] if created else list(getattr(instance, name).all())
            if {o.pk for o in old} != {o.pk for o in row[name]}:
                diff[name] = (None if created else old, list(row[name]))
                new_sets.append((instance, name, row[name]))
        if not created and not diff:
            result.unchanged += 1
            continue
        before = None if created else {f.name: getattr(instance, f.attname) for f in concrete}
        try:
            if prepare is not None:
                prepare(instance, row)
            # Key uniqueness is settled above (one row per key in a file, matched to existing records),
            # and related objects set as objects were just read from the database (by the reader, with
            # the existing record, or derived by prepare() from those): checking them again would cost
            # a query per row and relation.
            # Values the sheet's columns checked already (Column.validity_test) are not checked again.
            loaded = [f.name for f in concrete_relations if f.is_cached(instance)]
            loaded += [name for name, test in tests.items() if name in diff and row[name] not in (None, "") and test(row[name])]
            instance.full_clean(exclude=loaded, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors.extend(validation_row_errors(spec, row.number, error))
            continue
        changes.append(Change(instance, created, diff))
        if created:
            to_create.append(instance)
            continue
        to_update.append(instance)
        # What the row changed, what prepare() derived from it; bulk_update skips auto_now itself.
        changed_fields = {name for name in diff if name not in many}
        changed_fields.update(f.name for f in concrete if getattr(instance, f.attname) != before[f.name])
        if changed_fields:
            now = timezone.now()
            for field in touched:
                setattr(instance, field.attname, now)
            to_save.append(instance)
            updated_fields.update(changed_fields, (f.name for f in touched))
    if errors:
        raise RowsInvalid(errors)
    bulk_insert(model, to_create, batch_size=batch_size)
    if to_save:
        manager.bulk_update(to_save, sorted(updated_fields), batch_size=batch_size)
    _replace_sets(many, new_sets, batch_size)
    result.created, result.updated = len(to_create), len(to_update)
    if on_change and changes:
        on_change(changes)
    return result


def _replace_sets(many: dict, new_sets: list, batch_size: int):
    """Many-to-many values of the saved records: their link rows deleted and written again, in bulk."""
    for name, many_field in many.items():
        changed = [(instance, objects) for instance, field_name, objects in new_sets if field_name == name]
        through = many_field.remote_field.through
        source, target = many_field.m2m_field_name(), many_field.m2m_reverse_field_name()
        for start in range(0, len(changed), CHUNK):
            through.objects.filter(**{f"{source}__in": [i.pk for i, _ in changed[start : start + CHUNK]]}).delete()
        through.objects.bulk_create(
            [through(**{f"{source}_id": i.pk, f"{target}_id": o.pk}) for i, objects in changed for o in objects],
            batch_size=batch_size,
        )


def history_recorder(spec: SheetSpec, user, reason: str = "Excel 导入") -> Callable[[list[Change]], None]:
    """An ``on_change`` for upsert_by_key writing the registry services' history in bulk: one
    ChangeRecord per created record (its initial values) and one per changed field of an updated
    record (who, when, old and new value, why)."""
    from django.contrib.contenttypes.models import ContentType

    from registry.history import CREATION_FIELD, CREATION_LABEL, creation_text
    from registry.models import ChangeAction, ChangeRecord

    columns = {c.key: c for c in spec.columns}
    formats = {}  # (model, field name) -> (label, how a value is shown), worked out once per field

    def field_format(model, name):
        found = formats.get((model, name))
        if found is None:
            field, column = model._meta.get_field(name), columns.get(name)
            if column is not None and column.kind in (Kind.BOOL, Kind.CHOICE):
                def show(value):
                    return str(column.to_cell(value))
            elif field.is_relation:
                def show(value):
                    return getattr(value, "full_name", None) or str(value)
            else:
                show = str
            found = formats[(model, name)] = (str(field.verbose_name), show)
        return found

    def display(show, value) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, (list, tuple)):
            return "、".join(display(show, item) for item in value)
        return show(value)

    def record(changes: list[Change]):
        content_types = {}
        now, user_id = timezone.now(), getattr(user, "pk", None)
        rows = []
        for change in changes:
            model = type(change.instance)
            content_type = content_types.get(model) or content_types.setdefault(model, ContentType.objects.get_for_model(model).pk)
            common = (content_type, change.instance.pk)
            shown = [(name, *field_format(model, name), old, new) for name, (old, new) in change.changes.items()]
            if change.created:
                text = creation_text((label, display(show, new)) for _, label, show, _, new in shown)
                rows.append((*common, CREATION_FIELD, ChangeAction.CREATE.value, CREATION_LABEL, "", text, user_id, reason, now))
                continue
            for name, label, show, old, new in shown:
                rows.append((*common, name, ChangeAction.UPDATE.value, label, display(show, old), display(show, new),
                             user_id, reason, now))
        insert_rows(ChangeRecord, RECORD_COLUMNS, rows)

    return record


RECORD_COLUMNS = ["content_type_id", "object_id", "field", "action", "field_label", "old_value", "new_value", "user_id",
                  "reason", "created_at"]


def _existing(manager, rows, key, relations, many, user):
    """Records whose key appears in the rows (whatever their jurisdiction), and which of them the
    user may touch. The query count grows with matched records/500, not with rows."""
    found, in_scope = {}, set()
    fields = [manager.model._meta.get_field(k) for k in key]
    attnames = [f.attname for f in fields]
    scoped = manager.all()
    pks = _pks_by_key(manager, fields, {tuple(identity(r[k]) for k in key) for r in rows})
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        # Locked until the import commits, so no edit made meanwhile is silently overwritten; related
        # objects come along, as the change history shows their old values.
        # No ordering: the model's default one joined the divisions to sort rows nobody reads in order.
        matches = list(manager.filter(pk__in=chunk).order_by().select_for_update(of=("self",))
                       .select_related(*relations).prefetch_related(*many))
        for obj in matches:
            found[tuple(getattr(obj, name) for name in attnames)] = obj
        visible = scoped.for_user(user) if hasattr(scoped, "for_user") else scoped
        in_scope.update(visible.filter(pk__in=chunk).values_list("pk", flat=True))
    return found, in_scope


def _pks_by_key(manager, fields, keys: set[tuple]) -> list:
    """Primary keys of the records whose key is one of `keys`, found through the key's index alone.

    The key is matched as a row value. With one IN list per column, PostgreSQL 15 probed the unique
    index with every pair of the lists (500 × 500 per chunk of a workshop import) and found pairs
    that are no key of the file. On PostgreSQL the keys go as one array per column (a query of any
    size, two parameters: quoting 20,000 parameters cost more than the search); elsewhere as VALUES.
    """
    if not keys:
        return []
    table = connection.ops.quote_name(manager.model._meta.db_table)
    columns = "(" + ", ".join(f"{table}.{connection.ops.quote_name(f.column)}" for f in fields) + ")"
    found = manager.order_by().values_list("pk", flat=True)
    if connection.vendor == "postgresql":
        arrays = [[f.get_db_prep_value(value, connection) for value in values] for f, values in zip(fields, zip(*keys))]
        types = ", ".join(f"%s::{_array_element_type(f)}[]" for f in fields)
        return list(found.filter(RawSQL(f"{columns} IN (SELECT * FROM unnest({types}))", arrays, output_field=BooleanField())))
    pks, keys = [], list(keys)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        params = [f.get_db_prep_value(value, connection) for key in chunk for f, value in zip(fields, key)]
        pks += found.filter(RawSQL(f"{columns} IN (VALUES {', '.join([row] * len(chunk))})", params, output_field=BooleanField()))
    return pks


def _array_element_type(field) -> str:
    # Text keys compare as text: a cast to varchar(n) would silently cut a longer value.
    if isinstance(field.target_field if field.is_relation else field, CharField):
        return connection.ops.cast_char_field_without_max_length
    return field.db_type(connection)
