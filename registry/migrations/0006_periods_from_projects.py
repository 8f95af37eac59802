"""The monthly rhythm's models (reporting windows, period locks, lock exceptions) join the ground.

State only: the tables were created by the projects app (projects 0001) and keep their names, so no
row moves; projects 0006 removes the models from the projects state. This migration does not depend
on projects (the ground depends on no app above it): a later registry migration that changes these
tables must depend on ("projects", "0006_periods_to_registry"), so that the tables exist on a fresh
database.
"""

import django.db.models.deletion
import registry.models.periods
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0005_drop_redundant_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='PeriodLock',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(help_text='当月1日', unique=True, validators=[registry.models.periods.validate_first_of_month], verbose_name='锁定月份')),
                        ('locked_at', models.DateTimeField(auto_now_add=True, verbose_name='锁定时间')),
                        ('reason', models.CharField(blank=True, max_length=200, verbose_name='说明')),
                        ('locked_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='锁定人')),
                    ],
                    options={
                        'verbose_name': '月份锁定',
                        'verbose_name_plural': '月份锁定',
                        'db_table': 'projects_periodlock',
                        'ordering': ['-month'],
                    },
                ),
                migrations.CreateModel(
                    name='LockException',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(help_text='当月1日', validators=[registry.models.periods.validate_first_of_month], verbose_name='月份')),
                        ('reason', models.TextField(verbose_name='原因')),
                        ('granted_at', models.DateTimeField(auto_now_add=True, verbose_name='批准时间')),
                        ('county', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.division', verbose_name='县（市、区）')),
                        ('granted_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='批准人')),
                    ],
                    options={
                        'verbose_name': '锁定例外',
                        'verbose_name_plural': '锁定例外',
                        'db_table': 'projects_lockexception',
                        'ordering': ['-granted_at'],
                        'constraints': [models.UniqueConstraint(fields=('county', 'month'), name='lock_exception_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='ReportingWindow',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(help_text='当月1日', unique=True, validators=[registry.models.periods.validate_first_of_month], verbose_name='报告月份')),
                        ('opens_on', models.DateField(verbose_name='填报开始日期')),
                        ('closes_on', models.DateField(verbose_name='填报截止日期')),
                        ('reason', models.CharField(blank=True, max_length=200, verbose_name='调整原因')),
                        ('set_at', models.DateTimeField(auto_now=True, verbose_name='设置时间')),
                        ('set_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='设置人')),
                    ],
                    options={
                        'verbose_name': '填报窗口',
                        'verbose_name_plural': '填报窗口',
                        'db_table': 'projects_reportingwindow',
                        'ordering': ['-month'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('closes_on__gte', models.F('opens_on'))), name='reporting_window_order')],
                    },
                ),
            ],
        ),
    ]
