"""Reference data every installation starts with: the case categories and the 2024–2026 calendar."""
import datetime as dt

from .workdays import official_days

CATEGORIES = ["督查发现问题", "帮扶任务", "项目问题", "工作任务"]
CALENDAR_YEARS = (2024, 2026)


def seed_reference_data(category_model=None, calendar_model=None):
    """Idempotent; takes the models so a data migration can pass its historical ones."""
    if category_model is None or calendar_model is None:
        from .models import CaseCategory, WorkCalendarDay

        category_model, calendar_model = CaseCategory, WorkCalendarDay
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
