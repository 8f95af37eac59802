"""Reporting windows, period locks and lock exceptions move to the ground (registry 0006).

State only: the tables keep their names (projects_reportingwindow, projects_periodlock,
projects_lockexception) and the report revisions' foreign key keeps pointing at the same table. The
content types move with the models, so permissions granted on them and history rows naming them
stay attached.
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED = ["reportingwindow", "periodlock", "lockexception"]


def move_content_types(apps, schema_editor, source="projects", target="registry"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    for model in MOVED:
        moving = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if moving is None:
            continue
        # A content type the target got meanwhile (post_migrate after migrating back and forth) is the
        # empty one: the moving one, with its permissions and history, takes its place.
        stale = ContentType.objects.using(db).filter(app_label=target, model=model)
        Permission.objects.using(db).filter(content_type__in=stale).delete()
        stale.delete()
        moving.app_label = target
        moving.save(update_fields=["app_label"])


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="registry", target="projects")


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('projects', '0005_category_name_label'),
        ('registry', '0006_periods_from_projects'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='reportrevision',
                    name='lock_exception',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='revisions', to='registry.lockexception', verbose_name='依据的锁定例外'),
                ),
                migrations.RemoveField(
                    model_name='periodlock',
                    name='locked_by',
                ),
                migrations.RemoveField(
                    model_name='reportingwindow',
                    name='set_by',
                ),
                migrations.DeleteModel(
                    name='LockException',
                ),
                migrations.DeleteModel(
                    name='PeriodLock',
                ),
                migrations.DeleteModel(
                    name='ReportingWindow',
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
