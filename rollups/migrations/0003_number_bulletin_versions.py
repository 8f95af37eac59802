"""Bulletins get a version number per (month, division): existing rows are numbered in the order they
were requested, so the regenerations made before this migration read as earlier versions."""
from django.db import migrations, models


def number_existing(apps, schema_editor):
    Bulletin = apps.get_model("rollups", "Bulletin")
    counters = {}
    changed = []
    for bulletin in Bulletin.objects.order_by("requested_at", "id").only("pk", "month", "division_id"):
        key = (bulletin.month, bulletin.division_id)
        counters[key] = counters.get(key, 0) + 1
        bulletin.version = counters[key]
        changed.append(bulletin)
    Bulletin.objects.bulk_update(changed, ["version"], batch_size=500)



class Migration(migrations.Migration):
    # Apart from 0002's AddField: data steps are re-run by the tests against the state before their
    # migration (tests/support/reference.py), which must already hold the field.
    dependencies = [("rollups", "0002_bulletin_version")]

    operations = [
        migrations.RunPython(number_existing, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="bulletin",
            constraint=models.UniqueConstraint(fields=("month", "division", "version"), name="bulletin_unique_version"),
        ),
    ]
