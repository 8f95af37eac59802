"""The application role (registry.db_roles) on a real PostgreSQL: the product works as it, and it can
neither empty, rewrite nor unprotect the ledger. pytest-django builds the test database as the
superuser (the owner here); the role is made in it by the command production uses, then the test
reconnects as that role."""
import os
import secrets

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection

from cases.anchors import anchor_daily
from cases.ledger import verify
from cases.models import Case, CaseState, LedgerAnchor, LedgerCheck
from registry.db_roles import append_only_tables, connected_as
from tests.conftest import requires_postgres

from .factories import act, case_at

pytestmark = [requires_postgres, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def app_role():
    """A throw-away application role (roles are cluster-wide: one name per test process)."""
    role, password = f"qwgc_app_test_{os.getpid()}", secrets.token_urlsafe(16)
    # "--password=…" in one argument: a token may start with "-", which argparse would read as an option.
    call_command("create_app_role", "--role", role, f"--password={password}")
    yield {"USER": role, "PASSWORD": password, "HOST": connection.settings_dict["HOST"] or "127.0.0.1"}
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


def _refused(sql):
    with pytest.raises(DatabaseError) as caught, connection.cursor() as cursor:
        cursor.execute(sql)
    return str(caught.value)


def test_the_app_role_runs_the_product_but_cannot_touch_the_ledger(people, app_role):
    case = case_at(CaseState.ASSIGNED, people)
    with connected_as("default", app_role):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == app_role["USER"]
        # Ordinary writes: a workflow action (case row, event, attachments), an anchor, a verification.
        act(case, "accept", people.lead_staff)
        anchor = anchor_daily()
        call_command("verify_ledger")
        assert Case.objects.get(pk=case.pk).state == CaseState.RECTIFYING
        for table in (*append_only_tables(), "cases_case"):
            assert "permission denied" in _refused(f"TRUNCATE {table} CASCADE")
        assert "must be owner" in _refused("DROP TABLE cases_caseevent")
        assert "must be owner" in _refused("ALTER TABLE cases_caseevent DISABLE TRIGGER cases_caseevent_immutable")
        assert "must be owner" in _refused("ALTER TABLE cases_ledgeranchor DISABLE TRIGGER ALL")
        assert "must be owner" in _refused("ALTER TABLE cases_case ADD COLUMN x int")
        assert "permission denied" in _refused("CREATE TABLE cases_shadow (id int)")
        assert "permission denied" in _refused("SET session_replication_role = replica")
        for table in append_only_tables():
            assert "permission denied" in _refused(f"UPDATE {table} SET id = id")
            assert "permission denied" in _refused(f"DELETE FROM {table}")
        assert "permission denied" in _refused("DELETE FROM django_migrations")
    assert verify().ok
    assert LedgerAnchor.objects.get() == anchor and LedgerCheck.objects.get().ok


def test_create_app_role_is_idempotent_and_migrate_regrants(people, app_role, settings, capsys):
    call_command("create_app_role", "--role", app_role["USER"])  # again, without a password: unchanged login
    settings.DATABASE_OWNER_URL = "postgres://{}@{}:{}/ignored".format(
        connection.settings_dict["USER"] or "postgres", app_role["HOST"], connection.settings_dict["PORT"] or 5432
    )
    with connected_as("default", app_role):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM cases_caseevent LIMIT 1")
    settings.DATABASES["default"]["USER"], saved = app_role["USER"], settings.DATABASES["default"]["USER"]
    try:
        call_command("migrate", verbosity=1)
    finally:
        settings.DATABASES["default"]["USER"] = saved
    assert f"已为应用角色 {app_role['USER']} 重新授权" in capsys.readouterr().out

