"""Projects and reports at each step of the approval chain (a ladder: Draft → Submitted → Confirmed → Approved)."""
import datetime
from decimal import Decimal

import factory

from projects.models import (
    MonthlyReport,
    Project,
    ProjectCategory,
    ProjectKind,
    ProjectStage,
    ProjectYearPlan,
    ReportStatus,
)
from registry.models import Division


def category(name="基础设施") -> ProjectCategory:
    """A seeded category; transactional tests flush the migration's rows, so create it when missing."""
    return ProjectCategory.objects.get_or_create(name=name)[0]


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T{n:010d}")
    name = factory.Sequence(lambda n: f"测试项目{n}")
    category = factory.LazyFunction(category)
    county = factory.LazyFunction(lambda: Division.objects.get(code="330782"))
    owner_unit = "测试业主单位"
    total_investment = Decimal("100000")
    kind = ProjectKind.CONTINUING
    stage = ProjectStage.CONSTRUCTION

    @factory.post_generation
    def plan(obj, create, extracted, **kwargs):
        """`plan=Decimal(...)` or `plan={year: amount}` adds year plans."""
        if not create or extracted is None:
            return
        plans = extracted if isinstance(extracted, dict) else {datetime.date.today().year: extracted}
        for year, amount in plans.items():
            ProjectYearPlan.objects.create(project=obj, year=year, planned_investment=Decimal(amount))


class DraftReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthlyReport

    project = factory.SubFactory(ProjectFactory)
    month = datetime.date(2026, 1, 1)
    completed = Decimal("100")
    status = ReportStatus.DRAFT


class SubmittedReportFactory(DraftReportFactory):
    status = ReportStatus.SUBMITTED
    submitted_at = factory.LazyFunction(lambda: datetime.datetime(2026, 1, 3, tzinfo=datetime.UTC))


class ConfirmedReportFactory(SubmittedReportFactory):
    status = ReportStatus.CONFIRMED


class ApprovedReportFactory(ConfirmedReportFactory):
    status = ReportStatus.APPROVED
