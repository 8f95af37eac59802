from django.db import migrations, models


def copy_user_locks(apps, schema_editor):
    """Failures and locks move from the user row to the login name, so a lock in force stays in force."""
    User = apps.get_model("registry", "User")
    LoginLock = apps.get_model("registry", "LoginLock")
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, User._meta.db_table)}
    if "locked_until" not in columns:  # re-run against today's schema (the test helper): nothing to move
        return
    rows = User.objects.filter(models.Q(failed_login_count__gt=0) | models.Q(locked_until__isnull=False))
    LoginLock.objects.bulk_create(
        LoginLock(username=u.username, failures=u.failed_login_count, locked_until=u.locked_until) for u in rows
    )


class Migration(migrations.Migration):
    """In a migration of its own: the data step runs against the state at this migration's start
    (tests re-run data migrations that way), where both the user's fields and LoginLock exist."""

    dependencies = [
        ("registry", "0007_login_lock_per_name"),
    ]

    operations = [
        migrations.RunPython(copy_user_locks, migrations.RunPython.noop),
        migrations.RemoveField(model_name="user", name="failed_login_count"),
        migrations.RemoveField(model_name="user", name="locked_until"),
    ]
