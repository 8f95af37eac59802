"""What a report brings along: a problem turned into a case, photos and documents attached."""
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction

from cases.models import Case, CaseCategory, CaseSource
from cases.services import case_create
from registry.periods import write_permits
from registry.uploads import check_upload

from ..models import MonthlyReport, ReportAttachment, ReportStatus
from .common import _require_county_staff


@transaction.atomic
def report_problem_to_case(*, user, report: MonthlyReport):
    """Turns the problems a monthly report names into a case (交办事项) concerning that report, once."""
    report = MonthlyReport.objects.select_related("project__county", "project__township").get(pk=report.pk)
    if not report.problems.strip():
        raise ValidationError("该报告没有填写存在问题。")
    content_type = ContentType.objects.get_for_model(MonthlyReport)
    existing = Case.objects.filter(content_type=content_type, object_id=report.pk).first()
    if existing is not None:
        raise ValidationError(f"该问题已转为交办事项（编号 {existing.pk}）。")
    project = report.project
    return case_create(
        by=user, title=f"{project.name}：{report.problems.strip()}"[:200],
        category=CaseCategory.objects.get(name="项目问题"), county=project.county, township=project.township,
        description=f"项目 {project.code} {report.month.year}年{report.month.month}月进度报告反映：{report.problems.strip()}",
        source=CaseSource.COUNTY_REPORT, concerns=report,
    )


@transaction.atomic
def report_attachment_add(*, user, report: MonthlyReport, file) -> ReportAttachment:
    """Attaches a photo or document to a report its author may still edit; judged by its bytes."""
    report = MonthlyReport.objects.select_related("project__county").select_for_update(of=("self",)).get(pk=report.pk)
    _require_county_staff(user, report.project.county)
    if report.status in (ReportStatus.CONFIRMED, ReportStatus.APPROVED):
        raise ValidationError("该月报告已经县专班确认，不能再添加附件。")
    if report.status == ReportStatus.SUBMITTED and report.submitted_by_id != user.pk:
        raise ValidationError("该月报告已提交，在县专班确认前只有提交人可以添加附件。")
    write_permits({(report.project.county_id, report.month)})
    content_type, sha256 = check_upload(file)
    attachment = ReportAttachment(
        report=report, original_name=(file.name or "附件")[:255], content_type=content_type, size=file.size,
        sha256=sha256, uploaded_by=user,
    )
    attachment.file.save("upload", file, save=False)
    attachment.full_clean()
    attachment.save()
    return attachment
