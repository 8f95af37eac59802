# Case document numbers (文号): a sequence per assigning unit and year (0015 numbers existing cases).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0013_ledger_legacy_seal'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('registry', '0006_periods_from_projects'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='doc_seq',
            field=models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name='年度序号'),
        ),
        migrations.AddField(
            model_name='case',
            name='doc_year',
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True, verbose_name='编号年度'),
        ),
        migrations.AddConstraint(
            model_name='case',
            constraint=models.UniqueConstraint(fields=('assigning_unit', 'doc_year', 'doc_seq'), name='case_unique_doc_number', violation_error_message='本单位当年已有相同文号的交办事项。'),
        ),
    ]
