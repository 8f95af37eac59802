"""Restore the rows that data migrations write (categories, calendar, cluster models...).

A transactional test (browser, real worker, concurrency) ends with a flush of every table, which
takes those rows too. Django's serialized rollback would restore them, but not reliably alongside
Playwright's greenlets, so the fixtures re-run the data migrations themselves, in migration order,
each with the historical models it was written against.
"""
from functools import cache

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.special import RunPython


@cache
def _data_operations():
    """(operation, historical apps) for every RunPython, rendered once per session."""
    loader = MigrationLoader(connection)
    found = []
    for key in _plan(loader):
        migration = loader.graph.nodes[key]
        for index, operation in enumerate(migration.operations):
            if isinstance(operation, RunPython):
                # The models as the operation saw them: after the schema steps before it in its migration.
                state = loader.project_state(key, at_end=False)
                for earlier in migration.operations[:index]:
                    earlier.state_forwards(migration.app_label, state)
                found.append((operation, state.apps))
    return found


def _plan(loader):
    seen, plan = set(), []
    for leaf in sorted(loader.graph.leaf_nodes()):
        for key in loader.graph.forwards_plan(leaf):
            if key not in seen:
                seen.add(key)
                plan.append(key)
    return plan


def rerun_data_migrations():
    with connection.schema_editor(atomic=True) as schema_editor:
        for operation, apps in _data_operations():
            operation.code(apps, schema_editor)
