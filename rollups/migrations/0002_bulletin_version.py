"""Bulletins get a version number per (month, division) (numbered in 0003)."""
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("rollups", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="bulletin", name="version", field=models.PositiveIntegerField(default=1, verbose_name="版本"),
        ),
    ]
