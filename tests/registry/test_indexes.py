"""The tables written most (cases and their events at month-end, workshops and history by imports) carry
no index another one already provides: every write maintains each index."""
import pytest
from django.db import connection

from tests.conftest import requires_postgres

pytestmark = [pytest.mark.django_db, requires_postgres]

WRITTEN_MOST = ["cases_case", "cases_caseevent", "registry_workshop", "registry_changerecord"]

# Each table's indexes: name, unique, partial, its columns' numbers and operator classes.
INDEXES = """
    SELECT c.relname, i.indexrelid::regclass::text, i.indisunique, i.indpred IS NOT NULL,
           i.indkey::text, i.indclass::text
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
    WHERE c.relname = ANY(%s)
"""


def _redundant(indexes):
    """(index, the index that covers it): a plain index whose columns, with the same operator
    classes, begin another index."""
    found = []
    for name, unique, partial, columns, classes in indexes:
        if unique or partial:
            continue
        for other, _, other_partial, other_columns, other_classes in indexes:
            if other == name or other_partial:
                continue
            pairs, other_pairs = list(zip(columns, classes)), list(zip(other_columns, other_classes))
            if other_pairs[: len(pairs)] == pairs:
                found.append((name, other))
                break
    return found


def test_no_index_on_the_most_written_tables_is_covered_by_another():
    with connection.cursor() as cursor:
        cursor.execute(INDEXES, [WRITTEN_MOST])
        rows = cursor.fetchall()
    by_table = {}
    for table, name, unique, partial, columns, classes in rows:
        by_table.setdefault(table, []).append((name, unique, partial, columns.split(), classes.split()))
    assert set(by_table) == set(WRITTEN_MOST)
    assert {table: _redundant(indexes) for table, indexes in by_table.items()} == dict.fromkeys(WRITTEN_MOST, [])


def test_the_most_written_tables_have_no_like_pattern_indexes():
    # Django adds one to every indexed text column; these tables' texts are codes matched whole.
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT i.indexrelid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_opclass o ON o.oid = ANY(i.indclass)
            WHERE c.relname = ANY(%s) AND o.opcname LIKE '%%pattern_ops'
        """, [WRITTEN_MOST])
        assert cursor.fetchall() == []


def test_the_rule_finds_an_index_covered_by_another():
    plain, pattern = "3126", "10053"
    indexes = [
        ("one_column", False, False, ["5"], [plain]),
        ("composite", False, False, ["5", "7"], [plain, plain]),
        ("like_pattern", False, False, ["5"], [pattern]),
        ("unique_prefix", True, False, ["7"], [plain]),
    ]
    assert _redundant(indexes) == [("one_column", "composite")]
