"""The annual score sheet's criteria as shipped: the five the documents name (task completion, on-time
rate, investment, revenue shared, take-over tasks done), with demonstration weights — the documents give
no weights, so the province edits them (年度评价指标)."""
from decimal import Decimal

from django.db import migrations

CRITERIA = [
    ("任务完成率（示例权重）", "completion", "30", "1"),
    ("按期办结率（示例权重）", "on_time", "20", "1"),
    ("山海协作项目投资完成率（示例权重）", "investment", "20", "1"),
    ("飞地分成收益较上年（示例权重）", "revenue", "15", "1.1"),
    ("承接任务完成率（示例权重）", "takeover", "15", "1"),
]


def ship(apps, schema_editor):
    Criterion = apps.get_model("pairing", "EvaluationCriterion")
    if Criterion.objects.exists():
        return
    Criterion.objects.bulk_create([
        Criterion(name=name, metric=metric, weight=Decimal(weight), full_marks_at=Decimal(full), position=i)
        for i, (name, metric, weight, full) in enumerate(CRITERIA, start=1)
    ])


class Migration(migrations.Migration):
    dependencies = [("pairing", "0001_initial")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
