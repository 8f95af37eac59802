from django.db import migrations

from projects.reference import seed_categories


def seed(apps, schema_editor):
    seed_categories(apps.get_model("projects", "ProjectCategory"))


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
