"""Reference data every installation starts with: the case categories and the 2024–2026 calendar."""
import datetime as dt

from .workdays import official_days

CATEGORIES = ["督查发现问题", "帮扶任务", "项目问题", "工作任务"]
CALENDAR_YEARS = (2024, 2026)
# The package the seeded years come from, pinned in requirements.txt. Its 1.11.0 (and every release on
# PyPI up to 2026-12-03, like `holidays` 0.109's China table) stops at 2026: 2027 and later come from
# the clerks' import of the State Council's notice (cases.calendar_excel).
CALENDAR_SOURCE = "chinesecalendar 1.11.0（国务院办公厅节假日安排通知）"


def seed_reference_data(category_model=None, calendar_model=None, year_model=None):
    """Idempotent; takes the models so a data migration can pass its historical ones (a migration from
    before WorkCalendarYear existed passes none: its years are marked by a later migration)."""
    if category_model is None or calendar_model is None:
        from .models import CaseCategory, WorkCalendarDay, WorkCalendarYear

        category_model, calendar_model, year_model = CaseCategory, WorkCalendarDay, WorkCalendarYear
    for order, name in enumerate(CATEGORIES, start=1):
        category_model.objects.get_or_create(name=name, defaults={"order": order * 10})
    start, end = dt.date(CALENDAR_YEARS[0], 1, 1), dt.date(CALENDAR_YEARS[1], 12, 31)
    existing = set(calendar_model.objects.filter(date__range=(start, end)).values_list("date", flat=True))
    calendar_model.objects.bulk_create(
        [
            calendar_model(date=day, is_workday=workday, note=note)
            for day, workday, note in official_days(start, end)
            if day not in existing
        ]
    )
    if year_model is not None:
        seed_calendar_years(year_model, calendar_model)


def seed_calendar_years(year_model, calendar_model):
    """The seeded years whose days are in the table are loaded, with their source named."""
    for year in range(CALENDAR_YEARS[0], CALENDAR_YEARS[1] + 1):
        if calendar_model.objects.filter(date__year=year).exists():
            year_model.objects.get_or_create(year=year, defaults={"source": CALENDAR_SOURCE})
