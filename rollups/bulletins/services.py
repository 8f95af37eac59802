"""The monthly dispatch bulletin (月度调度通报): requested from the board or after a month is finalised,
rendered by a worker to .docx and .xlsx under MEDIA_ROOT, downloaded through a scoped view.

Regenerating a month never replaces a bulletin: each request is a new row with the next version number
of its (month, division), and its files are stored under names of their own."""
import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from registry import outbox
from django.urls import reverse

from registry.models import Division, DivisionLevel
from registry.models.notifications import NotificationKind
from registry.notifications.services import notify_managers
from registry.scoping import user_can_see_division

from .. import tasks
from ..models import Bulletin, BulletinStatus
from .content import bulletin_content
from .excel import render_xlsx
from .word import render_docx

logger = logging.getLogger(__name__)


# --- requesting ------------------------------------------------------------------------------------

@transaction.atomic
def bulletin_request(*, month: dt.date, division: Division, by=None) -> Bulletin:
    """Queue a bulletin for `month` and `division`; rendered by a worker after the commit."""
    if by is not None and not user_can_see_division(by, division):
        raise ValidationError({"division": "该区划不在您的管辖范围内。"})
    if division.level > DivisionLevel.COUNTY:
        raise ValidationError({"division": "调度通报按省、设区市或县（市、区）生成。"})
    month = month.replace(day=1)
    # The division's row lock serialises two requests for it, so each gets its own version number.
    Division.objects.select_for_update().filter(pk=division.pk).first()
    latest = Bulletin.objects.filter(month=month, division=division).aggregate(v=Max("version"))["v"] or 0
    bulletin = Bulletin(month=month, division=division, version=latest + 1, requested_by=by, requested_at=timezone.now())
    bulletin.full_clean()
    bulletin.save()
    outbox.enqueue(tasks.generate_bulletin, bulletin.pk)  # a bulletin queued before a crash is still rendered
    return bulletin


def bulletins_after_finalising(*, month: dt.date) -> list[Bulletin]:
    """The province's and each city's bulletin, once a month is final."""
    divisions = Division.objects.filter(level__in=(DivisionLevel.PROVINCE, DivisionLevel.CITY)).order_by("code")
    return [bulletin_request(month=month, division=d) for d in divisions]


def bulletin_render(*, bulletin_id: int) -> Bulletin:
    """Render and store both files; a failure is recorded on the row, never half a bulletin."""
    updated = Bulletin.objects.filter(pk=bulletin_id, status__in=(BulletinStatus.QUEUED, BulletinStatus.RUNNING)).update(
        status=BulletinStatus.RUNNING
    )
    bulletin = Bulletin.objects.select_related("division").get(pk=bulletin_id)
    if not updated:
        return bulletin
    try:
        content = bulletin_content(month=bulletin.month, division=bulletin.division)
        stem = f"{bulletin.month:%Y-%m}-{bulletin.division.code}-v{bulletin.version}-{bulletin.pk}"
        docx, xlsx = render_docx(content), render_xlsx(content)
        with transaction.atomic():
            bulletin.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
            bulletin.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
            bulletin.status, bulletin.finished_at, bulletin.error = BulletinStatus.DONE, timezone.now(), ""
            bulletin.save()
            notify_managers(
                division=bulletin.division, kind=NotificationKind.BULLETIN,
                link=reverse("rollups:bulletin-download", args=[bulletin.pk, "docx"]),
                message=f"{bulletin.division.name}{bulletin.month.year}年{bulletin.month.month}月调度通报（第{bulletin.version}版）已生成。",
            )
    except Exception as exc:
        logger.exception("bulletin %s failed", bulletin_id)
        Bulletin.objects.filter(pk=bulletin_id).update(status=BulletinStatus.FAILED, finished_at=timezone.now(), error=str(exc)[:2000])
        bulletin.refresh_from_db()
    return bulletin


def filename(bulletin: Bulletin, kind: str) -> str:
    edition = f"（第{bulletin.version}版）" if bulletin.version > 1 else ""
    return f"{bulletin.division.name}{bulletin.month.year}年{bulletin.month.month}月调度通报{edition}.{kind}"
