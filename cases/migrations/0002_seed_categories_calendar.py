from django.db import migrations


def seed(apps, schema_editor):
    from cases.reference import seed_reference_data

    seed_reference_data(apps.get_model("cases", "CaseCategory"), apps.get_model("cases", "WorkCalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
