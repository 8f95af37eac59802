from django.db import migrations


def mark_seeded_years(apps, schema_editor):
    # The years 0002 seeded from chinesecalendar are complete; any later year waits for the clerks.
    from cases.reference import seed_calendar_years

    seed_calendar_years(apps.get_model("cases", "WorkCalendarYear"), apps.get_model("cases", "WorkCalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_work_calendar_year")]

    operations = [migrations.RunPython(mark_seeded_years, migrations.RunPython.noop)]
