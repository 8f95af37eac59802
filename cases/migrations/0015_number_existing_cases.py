# Existing cases get their document numbers, per assigning unit and year in order of registration.
# A migration of its own: the data step runs against the schema 0014 left (tests/support/reference.py
# re-runs data migrations with the state before their migration).
from django.db import migrations

from cases.numbering import number_unnumbered


def number_existing_cases(apps, schema_editor):
    number_unnumbered(apps.get_model("cases", "Case"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0014_case_document_number")]

    operations = [migrations.RunPython(number_existing_cases, migrations.RunPython.noop)]
