from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION cases_caseevent_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '办理记录不可修改或删除（%）', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS cases_caseevent_immutable ON cases_caseevent;
CREATE TRIGGER cases_caseevent_immutable BEFORE UPDATE OR DELETE ON cases_caseevent
    FOR EACH ROW EXECUTE FUNCTION cases_caseevent_immutable();
"""
DROP = """
DROP TRIGGER IF EXISTS cases_caseevent_immutable ON cases_caseevent;
DROP FUNCTION IF EXISTS cases_caseevent_immutable();
"""


def _run(sql):
    def run(apps, schema_editor):
        # The ledger is enforced by the database on PostgreSQL; SQLite (dev/tests) has no plpgsql.
        if schema_editor.connection.vendor == "postgresql":
            # params=None: the SQL holds a literal % that must not be taken for a placeholder.
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_seed_categories_calendar")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
