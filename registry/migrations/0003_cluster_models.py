from django.db import migrations

from registry.deliverables.cluster_models import ensure_cluster_models


def seed(apps, schema_editor):
    ensure_cluster_models(apps.get_model("registry", "ClusterModel"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_deliverables")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
